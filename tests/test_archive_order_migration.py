"""The migration of the archive's order (69a833307f2f): it adds the declarations' indexes on (state, adopted_at, id,
network_id) and (state, network_id, adopted_at, id), which the archive's pages read, and a downgrade removes them;
the archive lists and offers the same either way."""

import pytest
from flask_migrate import downgrade, upgrade

from drafting.domain import archive_search
from drafting.extensions import db
from tests.databases import migrated_application
from tests.test_archive_index_migration import TestMigration as IndexMigration

REVISION_BEFORE = "a3f9c2d4e8b1"
INDEXES = {"ix_declarations_state_adopted_at": ["state", "adopted_at", "id", "network_id"],
           "ix_declarations_state_network_id": ["state", "network_id", "adopted_at", "id"]}


def indexes() -> dict[str, list[str]]:
    """Return the archive's indexes on declarations that the database holds, with their columns."""
    return {index["name"]: index["column_names"] for index in db.inspect(db.engine).get_indexes("declarations")
            if index["name"] in INDEXES}


def listed() -> tuple:
    """Return what the archive lists and offers: titles, the titles found by words, and the choices."""
    return ([entry.declaration.title for entry in archive_search.search().entries],
            [entry.declaration.title for entry in archive_search.search(words="disaster drills").entries],
            archive_search.choices())


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_the_indexes_are_added_and_a_downgrade_removes_them(self, tmp_path):
        with migrated_application(tmp_path):
            assert indexes() == INDEXES
            IndexMigration.adopt_one()
            before = listed()
            assert before[:2] == (["Resilience Declaration"], ["Resilience Declaration"])
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            assert indexes() == {}
            assert listed() == before
            db.session.close()
            upgrade()

            assert indexes() == INDEXES
            assert listed() == before
            db.session.close()
