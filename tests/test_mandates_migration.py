"""The migration to mandates carries today's delegates over (see its docstring for why)."""

from datetime import date, datetime, timedelta, timezone

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from drafting.domain import permissions
from drafting.domain.draft_editing import create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.domain.clock import as_utc, utcnow
from drafting.models import (
    Declaration, DeclarationState, DelegateInvitation, Mandate, MandateStatus, Organization, OrganizationKind,
    ParticipantRole, User, UserRole,
)
from tests.conftest import PASSWORD
from tests.databases import migrated_application

BEFORE = "7a3d5c1e9b20"


class TestCarryOver:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_administrators_delegates_keep_acting_and_hosts_invitees_wait_for_a_focal_point(self, tmp_path):
        with migrated_application(tmp_path):
            tokyo, seoul = (Organization(name=name, kind=OrganizationKind.city, country=country)
                            for name, country in (("Tokyo", "JP"), ("Seoul", "KR")))
            drafter = create_user("host@tokyo.example.org", "Host", PASSWORD, UserRole.drafter, tokyo)
            declaration = create_declaration(tokyo, drafter, title="Tokyo Declaration", meeting_name="Meeting",
                                             place="Tokyo", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2))
            invite(declaration, seoul, ParticipantRole.participant)
            by_admin = create_user("admin-made@seoul.example.org", "A", PASSWORD, UserRole.delegate, seoul)
            by_host = create_user("host-made@seoul.example.org", "B", PASSWORD, UserRole.delegate, seoul)
            db.session.commit()
            ids = dict(declaration=declaration.id, seoul=seoul.id, drafter=drafter.id, by_admin=by_admin.id,
                       by_host=by_host.id)
            db.session.close()

            downgrade(revision=BEFORE)
            now = datetime.now(timezone.utc)
            for email, user_id, used_at, expires_at in (
                ("host-made@seoul.example.org", ids["by_host"], now, now + timedelta(days=1)),
                ("pending@seoul.example.org", None, None, now + timedelta(days=5)),
                ("expired@seoul.example.org", None, None, now - timedelta(days=5)),
            ):
                db.session.execute(text(
                    "INSERT INTO delegate_invitations (declaration_id, organization_id, email, secret_hash,"
                    " invited_by_id, created_at, expires_at, used_at, user_id) VALUES (:d, :o, :e, :h, :i, :c,"
                    " :x, :u, :user)"
                ), dict(d=ids["declaration"], o=ids["seoul"], e=email, h=email.ljust(64, "0")[:64], i=ids["drafter"],
                        c=now - timedelta(days=2), x=expires_at, u=used_at, user=user_id))
            db.session.commit()
            db.session.close()
            upgrade()

            mandates = db.session.scalars(select(Mandate).order_by(Mandate.id)).all()
            by_user = {m.user_id: m for m in mandates if m.user_id}
            admin_made = by_user[ids["by_admin"]]
            assert admin_made.status is MandateStatus.confirmed and admin_made.declaration_id is None
            assert admin_made.confirmed_by_id is None and admin_made.confirmed_at is not None
            host_made = by_user[ids["by_host"]]
            assert host_made.status is MandateStatus.requested and host_made.declaration_id == ids["declaration"]
            assert host_made.requested_by_id == ids["drafter"]
            [pending] = [m for m in mandates if m.user_id is None]
            assert pending.email == "pending@seoul.example.org" and pending.status is MandateStatus.requested
            assert len(mandates) == 3  # the expired invitation asks for nobody any more
            declaration = db.session.get(Declaration, ids["declaration"])
            declaration.state = DeclarationState.consultation
            assert permissions.acts_for_invited(db.session.get(User, ids["by_admin"]), declaration)
            assert not permissions.acts_for_invited(db.session.get(User, ids["by_host"]), declaration)
            # The host's link that nobody used stops working: it would make an account nobody vouched for.
            link = db.session.scalar(select(DelegateInvitation).filter_by(email="pending@seoul.example.org"))
            assert as_utc(link.expires_at) <= utcnow()
            db.session.rollback()
            db.session.close()
            downgrade(revision=BEFORE)
