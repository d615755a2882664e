"""The migration of the archive's full-text index: declarations adopted before it are found by their words after it."""

from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade

from drafting.domain import archive_search, circulation, signoff
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.extensions import db
from drafting.models import Organization, OrganizationKind, UserRole
from tests.databases import migrated_application

REVISION_BEFORE = "dd5bb21421f1"


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    @staticmethod
    def adopt_one():
        """Adopt the "Resilience Declaration", whose clause holds "disaster drills"."""
        tokyo = Organization(name="Tokyo", kind=OrganizationKind.city, country="JP")
        db.session.add(tokyo)
        db.session.flush()
        drafter = create_user("drafter@tokyo.example.org", "Tokyo Drafter", "a long enough password",
                              UserRole.drafter, tokyo)
        declaration = create_declaration(tokyo, drafter, title="Resilience Declaration", meeting_name="Plenary",
                                         place="Tokyo", starts_on=date(2027, 11, 8), ends_on=date(2027, 11, 9),
                                         preamble="We met.")
        add_clause(declaration, heading="Drills", body="We hold joint disaster drills.")
        circulation.circulate(declaration, drafter, date.today() + timedelta(days=7), date.today())
        signoff.propose_final(declaration, drafter, date.today() + timedelta(days=7), date.today())
        signoff.adopt(declaration, drafter)
        db.session.commit()

    def test_declarations_adopted_before_are_indexed_and_a_downgrade_removes_the_index(self, tmp_path):
        with migrated_application(tmp_path):
            self.adopt_one()
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            assert "archive_index" not in db.inspect(db.engine).get_table_names()
            upgrade()

            found = archive_search.search(words="disaster drills")
            assert [entry.declaration.title for entry in found.entries] == ["Resilience Declaration"]
            assert archive_search.search(words="floods").entries == []
            db.session.close()
