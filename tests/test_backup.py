"""Backups: SQLite's online backup through the CLI, and a pg_dump/pg_restore round trip on PostgreSQL."""

import os
import sqlite3
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from config import TestConfig
from drafting import create_app
from drafting.demo import load_demo
from drafting.domain import audit
from drafting.extensions import db as _db
from drafting.models import AuditEvent, Declaration
from tests.databases import fresh_database


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: these tests copy whole databases of their own."""
    return _db


@pytest.fixture
def app_on():
    """Make apps on databases of their own, and close their connections at the end."""
    made = []

    def make(url):
        made.append(create_app(type("Own", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            _db.engine.dispose()


def snapshot():
    return {
        "declarations": sorted(_db.session.scalars(select(Declaration.title))),
        "audit events": _db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def test_a_sqlite_backup_restores_what_was_there_with_its_audit_chain(tmp_path, app_on):
    app = app_on(f"sqlite:///{tmp_path / 'live.sqlite'}")
    runner = app.test_cli_runner()
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
        before = snapshot()
    backup_file = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code != 0  # never overwrites a backup
    with app.app_context():
        _db.session.execute(Declaration.__table__.update().values(title="Changed after the backup"))
        _db.session.commit()
        assert snapshot() != before
    restored = runner.invoke(args=["restore", str(backup_file)])
    assert restored.exit_code == 0, restored.output
    assert "the audit chain is intact" in restored.output
    with app.app_context():
        assert snapshot() == before
        assert audit.verify().intact


def live_demo(app_on, tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'live.sqlite'}")
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
    return app


def other_database(path):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()


@pytest.mark.parametrize("make_file, message", [
    (lambda path: path.write_text("hello"), "is not a SQLite database"),
    (other_database, "is not a backup of this application"),
])
def test_restoring_something_that_is_not_a_backup_changes_nothing(tmp_path, app_on, make_file, message):
    app = live_demo(app_on, tmp_path)
    with app.app_context():
        before = snapshot()
    not_a_backup = tmp_path / "notes.sqlite"
    make_file(not_a_backup)
    result = app.test_cli_runner().invoke(args=["restore", str(not_a_backup)])
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert snapshot() == before


def last_events(count: int) -> str:
    return f"DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events ORDER BY id DESC LIMIT {count})"


@pytest.mark.parametrize("tampering, message", [
    ("UPDATE audit_events SET action = 'nothing happened' WHERE id = 2", "its audit chain is broken at event 2"),
    (last_events(1), "events were removed from its end"),
    (last_events(5), "events were removed from its end"),
])
def test_a_backup_whose_audit_chain_was_tampered_with_is_refused_and_changes_nothing(tmp_path, app_on, tampering, message):
    app = live_demo(app_on, tmp_path)
    runner = app.test_cli_runner()
    backup_file = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    with sqlite3.connect(backup_file) as connection:
        connection.execute(tampering)
    connection.close()
    with app.app_context():  # the live database differs from the backup, so a restore would show
        _db.session.execute(Declaration.__table__.update().values(title="Changed after the backup"))
        _db.session.commit()
        before = snapshot()
    result = runner.invoke(args=["restore", str(backup_file)])
    assert result.exit_code != 0
    assert message in result.output and "The database is unchanged." in result.output
    with app.app_context():
        assert snapshot() == before
        assert audit.verify().intact
    assert sorted(path.name for path in tmp_path.iterdir()) == ["backup.sqlite", "live.sqlite"]  # no copy left over


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL round trip runs in the PostgreSQL pass")
def test_a_postgresql_dump_restores_into_a_new_database_with_its_audit_chain(tmp_path, app_on):
    dump = tmp_path / "drafting.dump"
    with fresh_database(tmp_path) as source_url, fresh_database(tmp_path) as target_url:
        source = app_on(source_url)
        with source.app_context():
            upgrade()
            load_demo()
            _db.session.commit()
            before = snapshot()
        source_db, target_db = make_url(source_url), make_url(target_url)
        # The commands of the README, "Running in production".
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", "-h", source_db.host, "-U", source_db.username,
                        source_db.database], check=True)
        subprocess.run(["pg_restore", "--no-owner", "-h", target_db.host, "-U", target_db.username,
                        f"--dbname={target_db.database}", str(dump)], check=True)
        target = app_on(target_url)
        with target.app_context():
            assert snapshot() == before
            assert audit.verify().intact

