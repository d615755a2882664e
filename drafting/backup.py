"""Backups of the embedded SQLite database, taken online with SQLite's own backup API.

PostgreSQL is backed up with its own tools (pg_dump and pg_restore, see the README): they are
consistent while the application runs and restore into any server of the same major version.
"""

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

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
    source = sqlite3.connect(_sqlite_path())
    target = sqlite3.connect(destination)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def restore(backup_file: Path) -> None:
    """Replace the live SQLite database with the content of a backup file."""
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}.")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{backup_file} is damaged: SQLite's integrity check fails.")
        db.engine.dispose()  # no pooled connection may keep the old content
        target = sqlite3.connect(_sqlite_path())
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup_file} is not a SQLite database: {error}.") from None
    finally:
        source.close()
