"""A PostgreSQL connection that the server closed while it sat in the pool is replaced before a request uses it;
one used a moment ago costs no round trip to check, one idle longer than POOL_PING_AFTER is pinged first."""

import time
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest

from config import TestConfig
from drafting import create_app
from drafting.extensions import db as _db
from tests.databases import fresh_database


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: the requests use the pool, as a server's do."""
    return _db


@pytest.fixture
def database_url(tmp_path):
    """A database of its own, which must be PostgreSQL's."""
    with fresh_database(tmp_path) as url:
        if not url.startswith("postgresql"):
            pytest.skip("The pool's check is PostgreSQL's: SQLite has no server to close a connection.")
        yield url


@contextmanager
def served(database_url: str, pause: timedelta, pings: list):
    """Yield the application on that database, pinging idle connections after `pause`; each ping is noted in pings."""
    app = create_app(type("Pooled", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, "POOL_PING_AFTER": pause}))
    with app.app_context():
        dialect = _db.engine.dialect
    ping = dialect.do_ping
    dialect.do_ping = lambda dbapi_connection: pings.append(1) or ping(dbapi_connection)
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


def backend_of_the_pooled_connection(app) -> int:
    with app.app_context(), _db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def terminate(database_url: str, pid: int) -> None:
    """End a backend as an administrator, or a restart of the server, does; wait until it is gone."""
    plain = "postgresql://" + database_url.removeprefix("postgresql+psycopg://")
    with psycopg.connect(plain, autocommit=True) as administrator:
        administrator.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while administrator.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend did not end"
            time.sleep(0.05)


def test_a_connection_the_server_closed_in_the_pool_is_replaced_before_a_request_uses_it(database_url):
    pings = []
    with served(database_url, timedelta(minutes=5), pings) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        closed = backend_of_the_pooled_connection(app)
        terminate(database_url, closed)
        assert client.get("/healthz").status_code == 200
        assert backend_of_the_pooled_connection(app) != closed
    assert pings == []  # the socket told


@pytest.mark.parametrize("pause, pinged", [(timedelta(minutes=5), 0), (timedelta(0), 2)])
def test_only_a_connection_idle_longer_than_the_pause_is_pinged(database_url, pause, pinged):
    pings = []
    with served(database_url, pause, pings) as app:
        client = app.test_client()
        for _ in range(3):
            assert client.get("/healthz").status_code == 200
    assert len(pings) == pinged  # the first request made its connection: nothing to check
