"""Backups and restores exactly as README.md's "Backups" section writes them.

The commands are read out of the section and run in bash from the checkout, with the project's
virtual environment first on PATH, as the README's other commands are (tests/test_production.py).
Only the placeholders are filled in: FILE with a file of the test's, HOST and USER with the local
PostgreSQL server's. The database is named by DATABASE_URL, which "Configuration" documents, so
that the checkout's own instance/ database is never touched.
"""

import re
import sqlite3
import subprocess

import pytest

from drafting.extensions import db as _db
from tests.databases import fresh_postgresql_database, postgresql_server
from tests.test_production import PATH, README, ROOT, run, section

SQLITE = "- SQLite:"
POSTGRESQL = "- PostgreSQL:"


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: these commands run in processes of their own."""
    return _db


def backups_item(start: str) -> str:
    """Return the item of the Backups section that begins with `start`, up to the next item or paragraph."""
    text = section(README.read_text(encoding="utf-8"), "### Backups")
    found = re.search(rf"^{re.escape(start)}(.*?)(?=^- |^\n)", text, re.M | re.S)
    assert found, f"README.md's Backups section has no item beginning {start!r}"
    return " ".join(found.group(1).split())


def commands(item: str, program: str) -> list[str]:
    """Return the commands written in backquotes in an item that start with `program`, in their order."""
    return re.findall(rf"`({re.escape(program)}(?: [^`]*)?)`", item)


def failed(command: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run one README command in bash from the checkout, and insist that it fails."""
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode != 0, f"`{command}` should have failed:\n{done.stdout}\n{done.stderr}"
    return done


def organization_names(database) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM organizations ORDER BY id")]


def test_a_sqlite_backup_and_restore_run_as_the_readme_writes_them(tmp_path):
    live = tmp_path / "live.sqlite"
    environment = {"PATH": PATH, "DATABASE_URL": f"sqlite:///{live}"}
    run("flask --app drafting db upgrade", environment)
    run("flask --app drafting demo", environment)
    backup, restore = commands(backups_item(SQLITE), "flask --app drafting")
    assert backup.endswith(" backup FILE") and restore.endswith(" restore FILE")
    saved = tmp_path / "drafting-backup.sqlite"
    run(backup.replace("FILE", str(saved)), environment)
    as_saved = organization_names(live)

    with sqlite3.connect(live) as connection:
        connection.execute("UPDATE organizations SET name = 'Renamed after the backup' WHERE id = 1")
    assert "restored" in run(restore.replace("FILE", str(saved)), environment).stdout.lower()
    assert organization_names(live) == as_saved

    # A backup whose last audit event was cut is refused, and the live database is left as it was.
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(saved.read_bytes())
    with sqlite3.connect(cut) as connection:
        connection.execute("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
    with sqlite3.connect(live) as connection:
        connection.execute("UPDATE organizations SET name = 'Renamed again' WHERE id = 1")
    refused = failed(restore.replace("FILE", str(cut)), environment)
    assert "audit" in (refused.stdout + refused.stderr).lower()
    assert organization_names(live)[0] == "Renamed again"


def test_a_postgresql_dump_and_restore_run_as_the_readme_writes_them(tmp_path):
    server = postgresql_server()
    if server is None:
        pytest.skip("No PostgreSQL server answers (TEST_DATABASE_URL's, or 127.0.0.1:5432).")
    dump, restore = (
        commands(backups_item(POSTGRESQL), "pg_dump")
        + commands(backups_item(POSTGRESQL), "pg_restore")
    )
    verify = commands(backups_item(POSTGRESQL), "flask --app drafting audit verify")[0]
    with fresh_postgresql_database(server, "drafting") as source, \
            fresh_postgresql_database(server, "drafting_new") as target:
        environment = {"PATH": PATH, "DATABASE_URL": source}
        run("flask --app drafting db upgrade", environment)
        run("flask --app drafting demo", environment)
        host, user = re.match(r"postgresql://([^@]+)@([^:/]+)", source).group(2, 1)
        source_name, target_name = source.rsplit("/", 1)[1], target.rsplit("/", 1)[1]
        filled = {"HOST": host, "USER": user, "drafting.dump": str(tmp_path / "drafting.dump")}

        def written(command: str, database: str, new_database: str) -> str:
            for placeholder, value in filled.items():
                command = command.replace(placeholder, value)
            command = command.replace("--dbname=drafting_new", f"--dbname={new_database}")
            return re.sub(r" drafting$", f" {database}", command)

        run(written(dump, source_name, target_name), environment)
        run(written(restore, source_name, target_name), environment)
        checked = run(verify, {"PATH": PATH, "DATABASE_URL": target})
        assert "intact" in checked.stdout
