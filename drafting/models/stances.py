"""Stances: what one organization thinks of one clause of one circulated version."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Clause, Declaration
from drafting.models.organizations import Organization
from drafting.models.users import User
from drafting.models.versions import Version


class Position(enum.Enum):
    agree = "agree"
    can_live_with = "can_live_with"
    object = "object"


class Stance(db.Model):
    """An organization's position on a clause of a version; giving another replaces it (the audit trail keeps each)."""

    __tablename__ = "stances"
    __table_args__ = (
        UniqueConstraint("version_id", "clause_number", "organization_id"),
        limits.length_check("reason", limits.COMMENT, 1),
        limits.length_check("proposed_text", limits.CLAUSE_BODY, 1),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    # The clause's identity across versions; NULL once the clause is removed from the working draft.
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="SET NULL"), index=True)
    # The clause's number in the version, kept for the record.
    clause_number: Mapped[int] = mapped_column(Integer)
    # The organization the author spoke for, fixed when the stance was given.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    position: Mapped[Position] = mapped_column(Enum(Position, native_enum=False, length=30, validate_strings=True))
    # Why: required with an objection, optional with the other positions.
    reason: Mapped[str | None] = mapped_column(Text)
    # The clause body the objecting organization could accept instead, if it proposes one.
    proposed_text: Mapped[str | None] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    declaration: Mapped[Declaration] = relationship()
    version: Mapped[Version] = relationship()
    clause: Mapped[Clause | None] = relationship()
    organization: Mapped[Organization] = relationship()
    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Stance {self.position.value} of {self.organization_id} on clause {self.clause_number} of {self.version_id}>"
