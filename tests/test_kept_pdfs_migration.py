"""The migration that tells every process of a change to an adopted declaration (7d4e1a9c2b63): on PostgreSQL it
adds the triggers that NOTIFY the channel the kept PDFs listen on, and a downgrade removes them; on SQLite it
changes nothing."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from drafting.extensions import db
from tests.databases import migrated_application

REVISION_BEFORE = "69a833307f2f"
TRIGGERS = {("declarations", "declarations_adopted_changed"), ("declarations", "declarations_emptied"),
            ("stored_pdfs", "stored_pdfs_adopted_changed"), ("stored_pdfs", "stored_pdfs_emptied"),
            ("versions", "versions_of_adopted_changed"), ("versions", "versions_emptied")}


def triggers() -> set[tuple[str, str]]:
    return {tuple(row) for row in db.session.execute(text(
        # information_schema.triggers leaves out those ON TRUNCATE.
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
    ))}


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test migrates a database of its own."""
        return db

    def test_the_triggers_are_added_and_a_downgrade_removes_them(self, tmp_path):
        with migrated_application(tmp_path):
            if db.engine.dialect.name != "postgresql":
                pytest.skip("SQLite has no NOTIFY: the migration changes nothing there.")
            assert triggers() == TRIGGERS
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            assert triggers() == set()
            db.session.close()
            upgrade()
            assert triggers() == TRIGGERS
            db.session.close()
