"""Invitations of a person to make their account with an organization, sent by its focal point.

Since mandates, a host never sends one: it asks the organization for a delegate (a requested
Mandate), and the organization's focal point invites the person, who then acts under the mandate.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Declaration
from drafting.models.organizations import Organization
from drafting.models.mandates import Mandate
from drafting.models.users import User, UserRole


class DelegateInvitation(db.Model):
    __tablename__ = "delegate_invitations"
    __table_args__ = (
        limits.length_check("email", limits.EMAIL, 3),
        # Lower-cased like users.email, so an invitation's address finds its account.
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The declaration the invitation was made for, if any (a host's request confirmed for it).
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declarations.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(limits.EMAIL), index=True)
    # SHA-256 of the random secret in the link: a stolen database does not yield working links.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The role of the account to be made: delegate or drafter, never administrator.
    role: Mapped[UserRole] = mapped_column(
        Enum(UserRole, native_enum=False, length=20, validate_strings=True), default=UserRole.delegate
    )
    # The confirmed mandate the new account acts under, once it exists.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    # The account the invitation created or was claimed by.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    declaration: Mapped[Declaration | None] = relationship()
    mandate: Mapped[Mandate | None] = relationship()
    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<DelegateInvitation {self.email} for {self.organization_id} in {self.declaration_id}>"
