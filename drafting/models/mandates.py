"""Mandates: who an organization's focal points, or an administrator, vouched for as its delegate."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Declaration
from drafting.models.organizations import Organization
from drafting.models.users import User


class MandateStatus(enum.Enum):
    requested = "requested"  # a host asked the organization for a delegate; nobody acts under it yet
    confirmed = "confirmed"  # a focal point or an administrator vouched for the delegate
    declined = "declined"  # the organization's focal point said no to the host's request
    revoked = "revoked"  # the organization withdrew a confirmed mandate


class Mandate(db.Model):
    """A delegate's authority to act for their organization: on one declaration, or on every one.

    A host's request for a delegate is a mandate in the state `requested` until a focal point of
    the organization (or an administrator) confirms or declines it. Rows are never deleted: the
    affirmations keep the mandate they were given under.
    """

    __tablename__ = "mandates"
    __table_args__ = (limits.length_check("email", limits.EMAIL, 3),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # NULL: every declaration the organization is invited to.
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declarations.id"), index=True)
    # The delegate; NULL while a request names nobody yet, or the person has not made their account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The address the host proposed, or the one the focal point invited; lower-cased.
    email: Mapped[str | None] = mapped_column(String(limits.EMAIL))
    status: Mapped[MandateStatus] = mapped_column(
        Enum(MandateStatus, native_enum=False, length=20, validate_strings=True)
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # NULL with confirmed_at set: an administrator's delegate carried over when mandates began.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who declined the request or revoked the mandate, and when.
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organization: Mapped[Organization] = relationship()
    declaration: Mapped[Declaration | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    @classmethod
    def covering(cls, declaration_id: int):
        """The SQL condition of a confirmed mandate that covers the declaration."""
        return and_(
            cls.status == MandateStatus.confirmed,
            cls.user_id.is_not(None),
            cls.organization_id == User.organization_id,
            or_(cls.declaration_id.is_(None), cls.declaration_id == declaration_id),
        )

    @property
    def scope(self) -> str:
        return self.declaration.title if self.declaration else "every declaration"

    def __repr__(self) -> str:
        return f"<Mandate {self.id} {self.status.value} {self.user_id} for {self.organization_id} on {self.declaration_id}>"
