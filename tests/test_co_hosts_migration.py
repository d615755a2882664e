"""The migration of co-host proposals: what becomes of the co-hosts that hosts named alone before it."""

from datetime import date, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from drafting.domain import circulation, signoff
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.participants import answer_co_host_proposal, invite
from drafting.domain.text.composed_document import Part, part_text
from drafting.extensions import db
from drafting.models import (
    Affirmation, Answer, CoHostStatus, Declaration, Organization, OrganizationKind, Participant, ParticipantRole,
    UserRole,
)
from tests.conftest import ADOPTED_IN_SESSION
from tests.databases import migrated_application

REVISION_BEFORE = "d5f2a7c81e46"


def _declaration(title: str, host: Organization, co_host: Organization, drafter) -> Declaration:
    declaration = create_declaration(host, drafter, title=title, meeting_name="Plenary", place="Tokyo",
                                     starts_on=date(2027, 11, 8), ends_on=date(2027, 11, 9))
    add_clause(declaration, heading="One", body="We agree.")
    participant = invite(declaration, co_host, ParticipantRole.host, by=drafter)
    answer_co_host_proposal(participant, create_user(f"drafter@{co_host.name.lower()}.example.org", co_host.name,
                                                     "a long enough password", UserRole.drafter, co_host), True)
    return declaration


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_co_hosts_of_open_declarations_are_asked_and_answers_made_for_them_are_voided(self, tmp_path):
        with migrated_application(tmp_path):
            cities = {name: Organization(name=name, kind=OrganizationKind.city, country="JP")
                      for name in ("Tokyo", "Seoul", "Busan", "Osaka", "Nagoya")}
            db.session.add_all(cities.values())
            db.session.flush()
            tokyo = create_user("drafter@tokyo.example.org", "Tokyo Drafter", "a long enough password",
                                UserRole.drafter, cities["Tokyo"])
            today = date.today()
            consulted = _declaration("Consulted", cities["Tokyo"], cities["Seoul"], tokyo)
            assert "Seoul" in part_text(consulted, Part.closing_formula)
            written = _declaration("Written", cities["Tokyo"], cities["Nagoya"], tokyo)
            written.closing_formula = "Done at Tokyo by Tokyo and Nagoya."
            circulation.circulate(consulted, tokyo, today + timedelta(days=7), today)
            answering = _declaration("Answering", cities["Tokyo"], cities["Busan"], tokyo)
            circulation.circulate(answering, tokyo, today + timedelta(days=7), today)
            final = signoff.propose_final(answering, tokyo, today + timedelta(days=7), today)
            # What proposing the final text recorded before: the co-host affirming through the host's drafter.
            db.session.add(Affirmation(
                declaration_id=answering.id, version=final, organization_id=cities["Busan"].id, delegate=tokyo,
                answer=Answer.affirmed, fingerprint=final.fingerprint,
            ))
            adopted = _declaration("Adopted", cities["Tokyo"], cities["Osaka"], tokyo)
            circulation.circulate(adopted, tokyo, today + timedelta(days=7), today)
            signoff.propose_final(adopted, tokyo, today + timedelta(days=7), today)
            signoff.adopt(adopted, tokyo, without_missing_answers_reason=ADOPTED_IN_SESSION)
            db.session.commit()
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            upgrade()

            def co_host(title):
                return db.session.scalars(select(Participant).join(Declaration).where(
                    Declaration.title == title, Participant.organization_id != Declaration.host_id)).one()

            assert (co_host("Consulted").role, co_host("Consulted").co_host_status) == (
                ParticipantRole.observer, CoHostStatus.proposed)
            consulted = db.session.scalars(select(Declaration).where(Declaration.title == "Consulted")).one()
            assert part_text(consulted, Part.closing_formula).startswith(
                "This declaration is hereby proposed by Tokyo, Japan on")
            assert co_host("Written").co_host_proposed
            written = db.session.scalars(select(Declaration).where(Declaration.title == "Written")).one()
            assert written.closing_formula == "Done at Tokyo by Tokyo and Nagoya."
            assert (co_host("Answering").role, co_host("Answering").co_host_status) == (
                ParticipantRole.host, CoHostStatus.accepted)
            assert (co_host("Adopted").role, co_host("Adopted").co_host_status) == (
                ParticipantRole.host, CoHostStatus.accepted)
            answers = {(a.organization.name, a.live, a.void_reason is not None)
                       for a in db.session.scalars(select(Affirmation).where(Affirmation.version_id == final.id))}
            assert answers == {("Tokyo", True, False), ("Busan", None, True)}
            db.session.close()
