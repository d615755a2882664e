"""PostgreSQL connections from the pool: checked before each use, at the cost of a round trip only after a pause,
and lent for statements that run by themselves, outside any transaction.

SQLAlchemy's pool_pre_ping sends `SELECT 1` at every checkout: on a busy server, a round trip to the
database for every request, as many as the request's own queries when it has one (the public PDF,
/healthz). A connection that PostgreSQL closed while it sat in the pool (a restart, an administrator's
pg_terminate_backend, a crash) says so without a round trip: the server's last words ("terminating
connection") or the end of the stream are waiting on its socket, which is then readable, whereas an
idle connection in good health has nothing to read. Only a connection that sat in the pool longer than
the pause is pinged: the one case the socket cannot tell, a firewall or proxy in between that dropped
an idle connection silently, happens after minutes of silence, not within seconds of the last query.
"""

import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Connection, event, exc
from sqlalchemy.engine import Engine

from drafting.extensions import db

_CHECKED_IN_AT = "checked in at"


def has_something_to_read(file_descriptor: int) -> bool:
    """Tell, without waiting, whether a connection's socket (its file descriptor) holds something to read: between
    two queries, the server's last words or a notification."""
    poller = select.poll()
    poller.register(file_descriptor, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def check_before_use(engine: Engine, pause: timedelta) -> None:
    """Check each PostgreSQL connection as the pool hands it out: one that the server closed is replaced, and
    the pool's other connections, made before, with it; one idle longer than `pause` is pinged first."""
    if engine.dialect.name != "postgresql":
        return
    seconds = pause.total_seconds()

    @event.listens_for(engine, "checkin")
    def note_the_time(dbapi_connection, connection_record) -> None:
        connection_record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def refuse_a_closed_one(dbapi_connection, connection_record, connection_proxy) -> None:
        checked_in_at = connection_record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None:
            return  # made for this checkout
        if dbapi_connection.closed or has_something_to_read(dbapi_connection.fileno()):
            # Nothing is due between two queries: the server closed it, and most likely the others too.
            raise exc.InvalidatePoolError("PostgreSQL closed the connection while it was in the pool.")
        if time.monotonic() - checked_in_at > seconds:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except engine.dialect.loaded_dbapi.Error as error:
                raise exc.InvalidatePoolError("A connection idle in the pool no longer answers.") from error


def callers_connection() -> Connection | None:
    """Return the connection the session is bound to, holding its caller's transaction (a test's), if it is."""
    # Read from the session's configuration: asking the session itself would make one for the request.
    bound = db.session.session_factory.kw.get("bind")
    return bound if isinstance(bound, Connection) else None


@contextmanager
def by_itself() -> Iterator[Connection]:
    """Yield a connection of the session's bind on which each statement runs by itself, outside any transaction.

    On PostgreSQL a lone SELECT then reads one consistent snapshot in one round trip to the server, instead of
    three with BEGIN and COMMIT, and nothing of the ORM's session is involved. A session bound to a connection
    (a test's, holding its transaction) reads in that connection's transaction. SQLite's connections keep their
    own transaction handling (drafting/__init__.py): there a statement runs in a transaction, as always.
    """
    bound = callers_connection()
    if bound is not None:
        yield bound
        return
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection
