"""The application served over real HTTP on loopback by werkzeug's threaded server, for the tests
that need a browser or concurrent clients.

Every such server goes through `served`: it closes each response once, as gunicorn does in
production, whatever the client did to the connection.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

_BODY = "tests.response_body"


def _body_kept_aside(app: Flask):
    """Run the application, keeping its response aside for `_ClosingOnce` to close.

    The application sends its mail from the response's close() (drafting.rendering.outbox), and a
    static file's handle is closed there too. Werkzeug's development server skips close() when the
    browser resets the connection, which Chromium sometimes does: the journey's mail would then
    never come, and the file would be reported unclosed. The server sees only a generator of the
    body, whose closing leaves the body alone.
    """

    def application(environ, start_response):
        body = environ[_BODY] = app(environ, start_response)
        return (chunk for chunk in body)

    return application


class _ClosingOnce(WSGIRequestHandler):
    """Close the response once the request is over, however it ended."""

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            # No environ when werkzeug could not read the request: then nothing was run to close.
            body = getattr(self, "environ", {}).pop(_BODY, None)
            if body is not None and hasattr(body, "close"):
                body.close()


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """Serve the application on a free loopback port; yield its address, and stop it at the end."""
    server = make_server("127.0.0.1", 0, _body_kept_aside(app), threaded=True, request_handler=_ClosingOnce)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
