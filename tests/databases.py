"""Fresh databases for tests that need one of their own (migrations, live servers), on the suite's engine."""

import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from config import database_url


def suite_database_url(tmp_dir: Path) -> str:
    """Return the database URL of this test run: TEST_DATABASE_URL, or a SQLite file in tmp_dir."""
    return database_url("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'suite.sqlite'}"


@contextmanager
def fresh_database(tmp_dir: Path):
    """Yield the URL of a new empty database of the suite's kind, dropped afterwards."""
    suite_url = database_url("TEST_DATABASE_URL")
    if not suite_url:
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.sqlite'}"
        return
    url = make_url(suite_url)
    name = f"{url.database}_{uuid.uuid4().hex[:10]}"
    server = f"postgresql://{url.username}@{url.host}:{url.port or 5432}/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
