"""The migration of the archive's order (69a833307f2f): it adds the declarations' index on (state, adopted_at, id,
network_id), which the archive's pages read, and a downgrade removes it; the archive lists the same either way."""

import pytest
from flask_migrate import downgrade, upgrade

from drafting.domain import archive_search
from drafting.extensions import db
from tests.databases import migrated_application
from tests.test_archive_index_migration import TestMigration as IndexMigration

REVISION_BEFORE = "a3f9c2d4e8b1"
INDEX = "ix_declarations_state_adopted_at"


def indexes() -> dict[str, list[str]]:
    return {index["name"]: index["column_names"] for index in db.inspect(db.engine).get_indexes("declarations")}


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_the_index_is_added_and_a_downgrade_removes_it(self, tmp_path):
        with migrated_application(tmp_path):
            assert indexes()[INDEX] == ["state", "adopted_at", "id", "network_id"]
            IndexMigration.adopt_one()
            before = [entry.declaration.title for entry in archive_search.search().entries]
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            assert INDEX not in indexes()
            assert [entry.declaration.title for entry in archive_search.search().entries] == before
            db.session.close()
            upgrade()

            assert indexes()[INDEX] == ["state", "adopted_at", "id", "network_id"]
            assert [entry.declaration.title for entry in archive_search.search().entries] == before
            assert [entry.declaration.title for entry in archive_search.search(words="disaster drills").entries] \
                == ["Resilience Declaration"] == before
            db.session.close()
