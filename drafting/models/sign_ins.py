"""Sign-ins: the server's record of each session, and the failed attempts that slow down guessing."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.models import limits
from drafting.models.users import User


class SignIn(db.Model):
    """One session of a user: the session cookie names it, and it ends on the server (drafting.domain.people.sign_ins)."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # SHA-256 of the random secret in the cookie: a copy of the database names no live session.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The last request seen, to the minute: the idle timeout counts from it.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Signing out, a password change or deactivation ends it; a cookie naming it is then signed out.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    # The token the cookie holds, "<id>:<secret>"; known only to the request that began or presented it.
    token = None

    def __repr__(self) -> str:
        return f"<SignIn {self.id} of {self.user_id}>"


class FailedSignIn(db.Model):
    """A sign-in refused for a wrong password (or an unknown e-mail address), counted against that e-mail
    address and the client's address for a while."""

    __tablename__ = "failed_sign_ins"
    __table_args__ = (
        limits.length_check("email", limits.EMAIL),
        limits.length_check("address", limits.CLIENT_ADDRESS),
        Index("ix_failed_sign_ins_email_failed_at", "email", "failed_at"),
        Index("ix_failed_sign_ins_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # As typed, trimmed and lower-cased, the way accounts.find_user looks it up: an address that
    # belongs to no account is counted exactly like one that does.
    email: Mapped[str] = mapped_column(String(limits.EMAIL))
    # The client's address, an IPv6 one as its /64 (drafting.domain.people.sign_ins.counted_address); None for a
    # wrong current password on the change-password form, which only the account's count limits.
    address: Mapped[str | None] = mapped_column(String(limits.CLIENT_ADDRESS))
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)

    def __repr__(self) -> str:
        return f"<FailedSignIn {self.email} at {self.failed_at}>"
