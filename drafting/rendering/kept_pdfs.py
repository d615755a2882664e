"""The adopted PDFs each process keeps in memory, so that their downloads, and the 304s, ask nothing of the database.

An adopted declaration never changes again (DESIGN.md), nor do the PDFs stored at its adoption: a PDF read
once is served again from memory. What could still take one away happens outside the workflow: a row changed
by hand, say. On PostgreSQL, triggers (migration 7d4e1a9c2b63) NOTIFY the channel below whenever such a change
commits, and each process LISTENs on a connection of its own. Before answering from memory it looks whether
anything waits on that connection's socket, which costs no round trip: a notification, or the end of the
connection (the server restarted), empties its memory, and the next request reads the database again. A
request that comes within the moment the notification takes to arrive may still get the PDF, as one that came
just before the change would have.

A connection that a firewall or proxy in between dropped silently says nothing, and would hear nothing: as
the pool does (drafting.pooled_connections), the memory trusts its connection for POOL_PING_AFTER at most,
then empties itself and listens on a new one: each kept PDF is read again that often, at most. What no trigger
sees (tables dropped and made again by pg_restore --clean, or written with triggers off) is told to no one, and
forgotten within that time too; README asks for the servers' restart after a restore all the same.

SQLite notifies no one, and reads the database in-process: there every request reads it. So does a request
whose session is bound to its caller's connection (the tests'): what its transaction sees is its own.
"""

import threading
import time
import weakref
from collections import OrderedDict
from datetime import timedelta

import psycopg
from flask import Flask, current_app

from drafting import pooled_connections
from drafting.extensions import db
from drafting.rendering import stored_pdfs

# Notified by the triggers of migration 7d4e1a9c2b63.
CHANNEL = "published_pdfs"
_EXTENSION = "kept_pdfs"
# A database that does not answer within this many seconds is read through, which fails as it would have.
CONNECT_SECONDS = 5


class KeptPdfs:
    """The adopted PDFs one process keeps of one PostgreSQL database: the most recently served, within a
    number of bytes."""

    def __init__(self, conninfo: str, limit_bytes: int, trusted_for: timedelta):
        self._conninfo = conninfo
        self._limit_bytes = limit_bytes
        self._trusted_seconds = trusted_for.total_seconds()
        self._kept: OrderedDict[tuple[int, str], stored_pdfs.PublishedPdf] = OrderedDict()
        self._bytes = 0
        self._listener: psycopg.Connection | None = None
        self._listening_since = 0.0
        self._close_listener = None
        # Counts the times the memory was emptied: a PDF read before then is not kept after.
        self._emptied = 0
        self._lock = threading.Lock()

    def published_pdf(self, declaration_id: int, page_size: str) -> stored_pdfs.PublishedPdf | None:
        """Return the stored PDF of an adopted declaration with its bytes, from memory or else from the database
        (stored_pdfs.published_pdf); None if there is none."""
        key = (declaration_id, page_size)
        with self._lock:
            self._empty_if_told()
            emptied = self._emptied if self._listener is not None else None
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        if emptied is None:
            emptied = self._listen()
        found = stored_pdfs.published_pdf(declaration_id, page_size)
        # Kept only if read while listening: any change committed after the read empties the memory again.
        if found is not None and emptied is not None:
            with self._lock:
                if self._emptied == emptied and key not in self._kept:
                    self._keep(key, found)
        return found

    def _empty_if_told(self) -> None:
        # A notification or the connection's end waits on its socket; a connection trusted long enough is replaced.
        if self._listener is None:
            return
        if (pooled_connections.has_something_to_read(self._listener.fileno())
                or time.monotonic() - self._listening_since > self._trusted_seconds):
            self._close_listener()
            self._listener = None
            self._kept.clear()
            self._bytes = 0
            self._emptied += 1

    def _listen(self) -> int | None:
        """Open a listening connection, outside the lock; return the count of emptyings from which the memory
        listens, or None if the database does not answer."""
        try:
            listener = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=CONNECT_SECONDS)
        except psycopg.Error:
            return None
        try:
            listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:  # a hot standby, say, refuses LISTEN
            listener.close()
            return None
        with self._lock:
            if self._listener is None:
                self._listener, self._listening_since = listener, time.monotonic()
                # Closed when replaced, or with this memory: never left for the garbage collector to find open.
                self._close_listener = weakref.finalize(self, listener.close)
            else:
                listener.close()  # another thread opened one meanwhile, before this one's read
            return self._emptied

    def _keep(self, key: tuple[int, str], found: stored_pdfs.PublishedPdf) -> None:
        size = len(found.content)
        if size > self._limit_bytes:
            return
        self._kept[key] = found
        self._bytes += size
        while self._bytes > self._limit_bytes:
            _, forgotten = self._kept.popitem(last=False)
            self._bytes -= len(forgotten.content)


def init_app(app: Flask) -> None:
    """Give the application a memory of adopted PDFs if its database is PostgreSQL and KEPT_PDF_BYTES allows one."""
    limit_bytes = app.config["KEPT_PDF_BYTES"]
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "postgresql" and limit_bytes > 0:
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        app.extensions[_EXTENSION] = KeptPdfs(conninfo, limit_bytes, app.config["POOL_PING_AFTER"])


def published_pdf(declaration_id: int, page_size: str, with_content: bool) -> stored_pdfs.PublishedPdf | None:
    """Return the stored PDF of an adopted declaration, None if there is none: from memory where there is one,
    with its bytes; else from the database (stored_pdfs.published_pdf), with its bytes if with_content."""
    memory = current_app.extensions.get(_EXTENSION)
    if memory is None or pooled_connections.callers_connection() is not None:
        return stored_pdfs.published_pdf(declaration_id, page_size, with_content)
    return memory.published_pdf(declaration_id, page_size)
