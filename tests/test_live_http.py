"""The tests' HTTP server closes every response exactly once, even when the client resets the
connection in the middle of the body: the application sends its mail from close(), and an
unclosed static file fails the suite."""

import socket
import struct
import threading
import urllib.request

import pytest
from flask import Flask, Response

from tests.live_http import served

BIG = 64 * 1024 * 1024  # more than the sockets' buffers hold: the server is still writing at the reset


@pytest.fixture
def counted():
    """An application counting the closes of its responses."""
    app = Flask(__name__)
    closes: list[str] = []
    closed = threading.Event()

    def counting(response: Response, name: str) -> Response:
        def close():
            closes.append(name)
            closed.set()

        response.call_on_close(close)
        return response

    @app.get("/small")
    def small():
        return counting(Response(b"small"), "small")

    @app.get("/big")
    def big():
        return counting(Response(b"x" * 65536 for _ in range(BIG // 65536)), "big")

    return app, closes, closed


def test_a_response_read_whole_is_closed_once(counted):
    app, closes, closed = counted
    with served(app) as url:
        with urllib.request.urlopen(f"{url}/small", timeout=10) as response:
            assert response.read() == b"small"
        assert closed.wait(10)
    assert closes == ["small"]


def reset_after_the_first_bytes(url: str, request: bytes) -> None:
    """Send a request, read the first bytes of its answer, then reset the connection, as Chromium
    does when it drops a request."""
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        client.sendall(request)
        assert client.recv(65536).startswith(b"HTTP/1.1 200")
        # A linger of zero makes close() send a reset.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_a_response_whose_connection_the_client_resets_is_closed_once(counted):
    app, closes, closed = counted
    with served(app) as url:
        # Bytes after the request keep werkzeug reading once it has answered, where the reset
        # reaches it: it then skips close(), as when Chromium drops a static file's 304.
        reset_after_the_first_bytes(url, b"GET /small HTTP/1.1\r\nHost: test\r\n\r\nmore")
        assert closed.wait(10)
    assert closes == ["small"]


def test_a_response_cut_off_in_its_body_is_closed_once(counted):
    app, closes, closed = counted
    with served(app) as url:
        reset_after_the_first_bytes(url, b"GET /big HTTP/1.1\r\nHost: test\r\n\r\n")
        assert closed.wait(10)
    assert closes == ["big"]
