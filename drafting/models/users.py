"""User accounts."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.organizations import Organization


class UserRole(enum.Enum):
    administrator = "administrator"
    drafter = "drafter"  # may create declarations hosted by their organization and edit the library
    delegate = "delegate"  # reviews and answers for their organization


class HostNotifications(enum.Enum):
    """How a host drafter hears of the participants' comments, amendments and replies."""

    each = "each"  # an e-mail for each, as it is made
    daily_digest = "daily_digest"  # one e-mail a day listing them (flask notifications send-digest)
    none = "none"  # no e-mail: the desk of comments counts what is new


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        limits.length_check("name", limits.NAME, 1),
        limits.length_check("email", limits.EMAIL, 3),
        limits.length_check("time_zone", limits.TIME_ZONE, 1),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(limits.EMAIL), unique=True)
    name: Mapped[str] = mapped_column(String(limits.NAME))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[UserRole] = mapped_column(Enum(UserRole, native_enum=False, length=20, validate_strings=True))
    # The organization the user acts for; administrators of the secretariat may have none.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Named by an administrator: vouches for the organization's people (drafting.domain.people.focal_points).
    focal_point: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    host_notifications: Mapped[HostNotifications] = mapped_column(
        Enum(HostNotifications, native_enum=False, length=20, validate_strings=True), default=HostNotifications.each
    )
    # The daily digest lists what was made after this moment; NULL: everything from the start.
    digest_sent_up_to: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The IANA time zone the user sees deadlines in ("Asia/Tokyo"); None: the site's DEFAULT_TIME_ZONE.
    time_zone: Mapped[str | None] = mapped_column(String(limits.TIME_ZONE))

    organization: Mapped[Organization | None] = relationship()

    # The sign-in (drafting.domain.people.sign_ins) this object was signed in or loaded through, for this request only.
    sign_in = None

    def get_id(self) -> str:
        # What Flask-Login keeps in the session cookie: the sign-in's token, never the bare user id,
        # so that ending the sign-in on the server signs out every copy of the cookie.
        if self.sign_in is None:
            raise RuntimeError("Begin a sign-in (drafting.domain.people.sign_ins.begin) before signing the user in.")
        return self.sign_in.token

    def __eq__(self, other: object) -> bool:
        # The same account, whichever session it came through (UserMixin would compare get_id()).
        if isinstance(other, User):
            return self.id == other.id
        return NotImplemented

    __hash__ = UserMixin.__hash__

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.administrator

    @property
    def is_delegate(self) -> bool:
        return self.role is UserRole.delegate

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


class PasswordReset(db.Model):
    """A single-use, expiring link to choose a new password, sent by e-mail."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the random secret in the link: a stolen database does not yield working links.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordReset for {self.user_id}>"
