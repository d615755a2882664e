"""Backups of the embedded SQLite database, taken online with SQLite's own backup API.

PostgreSQL is backed up with its own tools (pg_dump and pg_restore, see the README): they are
consistent while the application runs and restore into any server of the same major version.
"""

import sqlite3
import tempfile
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from drafting.domain import audit
from drafting.extensions import db


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why and what to do instead."""


def _sqlite_path() -> Path:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            f"The database is {url.get_backend_name()}, not a SQLite file: use pg_dump and pg_restore "
            "as the README shows."
        )
    return Path(url.database)


def backup(destination: Path) -> None:
    """Copy the live SQLite database into destination, consistently, while the application runs."""
    if destination.exists():
        raise BackupError(f"{destination} exists already: choose a new file, so that no backup is overwritten.")
    _copy(sqlite3.connect(_sqlite_path()), destination)


def restore(backup_file: Path) -> audit.ChainCheck:
    """Replace the live SQLite database with the content of a backup file, and return its audit check.

    The backup is copied and checked first, its audit chain included: a damaged backup, or one whose
    record was tampered with, is refused and the live database is left as it was.
    """
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}.")
    live = _sqlite_path()
    # Next to the live database: the same disk, and no other user's temporary folder.
    with tempfile.TemporaryDirectory(dir=live.parent) as folder:
        copy = Path(folder) / "restoring.sqlite"
        try:
            _copy(sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True), copy)
            if _integrity(copy) != "ok":
                raise BackupError(f"{backup_file} is damaged: SQLite's integrity check fails.")
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup_file} is not a SQLite database: {error}.") from None
        check = _audit_chain(backup_file, copy)
        db.engine.dispose()  # no pooled connection may keep the old content
        _copy(sqlite3.connect(copy), live)
    return check


def _copy(source: sqlite3.Connection, destination: Path) -> None:
    """Copy a whole database with SQLite's backup API, consistently even while it is written to; close source."""
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def _audit_chain(backup_file: Path, copy: Path) -> audit.ChainCheck:
    """Verify the audit chain of the copy, through an application of its own, so the live database is not touched."""
    checker = Flask(__name__)
    checker.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{copy}"
    # The backup's head was sealed with this installation's key.
    checker.config["AUDIT_KEY"] = current_app.config["AUDIT_KEY"]
    db.init_app(checker)
    with checker.app_context():
        try:
            check = audit.verify()
        except DBAPIError as error:
            raise BackupError(f"{backup_file} is not a backup of this application: {error.orig}.") from None
        finally:
            db.engine.dispose()
    if not check.intact:
        raise BackupError(f"{backup_file} was not restored: its audit chain is {check.problem}. The database is unchanged.")
    return check
