"""The migration of comments on any part: every comment made before it was on a whole clause, and stays so."""

from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from drafting.domain import circulation
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.extensions import db
from drafting.models import Comment, CommentPart, Organization, OrganizationKind, UserRole
from tests.databases import migrated_application

REVISION_BEFORE = "265ca261bec4"


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_comments_made_before_are_on_their_whole_clause(self, tmp_path):
        with migrated_application(tmp_path):
            tokyo = Organization(name="Tokyo", kind=OrganizationKind.city, country="JP")
            db.session.add(tokyo)
            db.session.flush()
            drafter = create_user("drafter@tokyo.example.org", "Tokyo Drafter", "a long enough password",
                                  UserRole.drafter, tokyo)
            declaration = create_declaration(tokyo, drafter, title="Consulted", meeting_name="Plenary", place="Tokyo",
                                             starts_on=date(2027, 11, 8), ends_on=date(2027, 11, 9),
                                             preamble="We met.")
            add_clause(declaration, heading="One", body="We agree.")
            add_clause(declaration, heading="Two", body="We act.")
            version = circulation.circulate(declaration, drafter, date.today() + timedelta(days=7), date.today())
            on_clause = dict(declaration=declaration, version=version, organization_id=tokyo.id, author=drafter)
            db.session.add(Comment(**on_clause, clause_id=declaration.clauses[1].id, clause_number=2, body="On 2."))
            db.session.add(Comment(**on_clause, part=CommentPart.preamble, paragraph=1, body="On the preamble."))
            db.session.commit()
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            upgrade()

            kept = db.session.execute(
                select(Comment.body, Comment.part, Comment.clause_number, Comment.paragraph, Comment.quote)
            ).all()
            assert kept == [("On 2.", CommentPart.clause, 2, None, None)]
            db.session.close()
