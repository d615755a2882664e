"""Fresh databases for tests that need one of their own (migrations, live servers), on the suite's engine."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import URL, make_url

from config import TestConfig, database_url
from drafting import create_app
from drafting.extensions import db
from tests.fresh_postgres import SERVER


def suite_database_url(tmp_dir: Path) -> str:
    """Return the database URL of this test run: TEST_DATABASE_URL, or a SQLite file in tmp_dir."""
    return database_url("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'suite.sqlite'}"


def server_url(database_url: str) -> str:
    """Return the plain postgresql:// URL of the server that holds this database, without the database."""
    url = make_url(database_url)
    return URL.create("postgresql", url.username, url.password, url.host, url.port).render_as_string(hide_password=False)


def postgresql_server() -> str | None:
    """Return the plain postgresql:// URL of the server of this run's PostgreSQL pass, or of the local
    server when the run is on SQLite; None if that server does not answer."""
    suite_url = database_url("TEST_DATABASE_URL")
    if suite_url and suite_url.startswith("postgresql"):
        server = server_url(suite_url)
    else:
        server = SERVER
    try:
        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return server
    except psycopg.OperationalError:
        return None


@contextmanager
def fresh_postgresql_database(server: str, prefix: str):
    """Yield the plain postgresql:// URL of a new empty database on `server`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def fresh_database(tmp_dir: Path):
    """Yield the SQLAlchemy URL of a new empty database of the suite's kind, dropped afterwards."""
    suite_url = database_url("TEST_DATABASE_URL")
    if not suite_url:
        yield f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex}.sqlite'}"
        return
    url = make_url(suite_url)
    with fresh_postgresql_database(server_url(suite_url), url.database) as plain:
        yield "postgresql+psycopg://" + plain.removeprefix("postgresql://")


@contextmanager
def migrated_application(tmp_dir: Path, revision: str = "head") -> Iterator[Flask]:
    """Yield, inside its app context, the application on a new database of the suite's kind migrated to
    `revision`; its connections are closed before the database is dropped."""
    with fresh_database(tmp_dir) as url:
        app = create_app(type("ExistingDatabase", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
        with app.app_context():
            upgrade(revision=revision)
            try:
                yield app
            finally:
                db.session.close()
                db.engine.dispose()
