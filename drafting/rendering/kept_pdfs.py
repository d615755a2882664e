"""The adopted PDFs each process keeps in memory, so that their downloads, and the 304s, ask nothing of the database.

An adopted declaration never changes again (DESIGN.md), nor do the PDFs stored at its adoption: a PDF read
once is served again from memory. What could still take one away happens outside the workflow: a row
changed by hand, an earlier backup put back in place. On PostgreSQL, triggers (migration 7d4e1a9c2b63) NOTIFY
the channel below whenever such a change commits, and each process LISTENs on a connection of its own.
Before answering from memory it looks whether anything waits on that connection's socket, which costs no
round trip: a notification, or the end of the connection (the server restarted), empties its memory, and the
next request reads the database again. A request that comes within the moment the notification takes to
arrive may still get the PDF, as one that came just before the change would have.

SQLite notifies no one, and reads the database in-process: there every request reads it. So does a request
whose session is bound to its caller's connection (the tests'): what its transaction sees is its own.
"""

import threading
from collections import OrderedDict

from flask import Flask, current_app
from psycopg import pq

from drafting import pooled_connections
from drafting.extensions import db
from drafting.rendering import stored_pdfs

# Notified by the triggers of migration 7d4e1a9c2b63.
CHANNEL = "published_pdfs"
_EXTENSION = "kept_pdfs"


class KeptPdfs:
    """The adopted PDFs one process keeps of one PostgreSQL database: the most recently served, within a
    number of bytes."""

    def __init__(self, conninfo: str, limit_bytes: int):
        self._conninfo = conninfo
        self._limit_bytes = limit_bytes
        self._kept: OrderedDict[tuple[int, str], stored_pdfs.PublishedPdf] = OrderedDict()
        self._bytes = 0
        # libpq's own connection: nothing of it is pooled, and it lives as long as this memory.
        self._listener: pq.PGconn | None = None
        # Counts the times the memory was emptied: a PDF read before then is not kept after.
        self._emptied = 0
        self._lock = threading.Lock()

    def published_pdf(self, declaration_id: int, page_size: str) -> stored_pdfs.PublishedPdf | None:
        """Return the stored PDF of an adopted declaration with its bytes, from memory or else from the database
        (stored_pdfs.published_pdf); None if there is none."""
        key = (declaration_id, page_size)
        with self._lock:
            listening = self._listening()
            emptied = self._emptied
            found = self._kept.get(key) if listening else None
            if found is not None:
                self._kept.move_to_end(key)
                return found
        found = stored_pdfs.published_pdf(declaration_id, page_size)
        if found is not None and listening:
            with self._lock:
                if self._emptied == emptied and key not in self._kept:
                    self._keep(key, found)
        return found

    def _listening(self) -> bool:
        # Whether the memory may answer: the database tells this process of every change, and told of none.
        if self._listener is not None and (self._listener.status != pq.ConnStatus.OK
                                           or pooled_connections.has_something_to_read(self._listener.socket)):
            self._empty()
        if self._listener is None:
            listener = pq.PGconn.connect(self._conninfo.encode())
            if (listener.status != pq.ConnStatus.OK
                    or listener.exec_(f"LISTEN {CHANNEL}".encode()).status != pq.ExecStatus.COMMAND_OK):
                listener.finish()  # the database does not answer: the request reads it, and is told so
                return False
            self._listener = listener
        return True

    def _empty(self) -> None:
        self._listener.finish()
        self._listener = None
        self._kept.clear()
        self._bytes = 0
        self._emptied += 1

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
        app.extensions[_EXTENSION] = KeptPdfs(conninfo, limit_bytes)


def published_pdf(declaration_id: int, page_size: str, with_content: bool) -> stored_pdfs.PublishedPdf | None:
    """Return the stored PDF of an adopted declaration, None if there is none: from memory where there is one,
    with its bytes; else from the database (stored_pdfs.published_pdf), with its bytes if with_content."""
    memory = current_app.extensions.get(_EXTENSION)
    if memory is None or pooled_connections.callers_connection() is not None:
        return stored_pdfs.published_pdf(declaration_id, page_size, with_content)
    return memory.published_pdf(declaration_id, page_size)
