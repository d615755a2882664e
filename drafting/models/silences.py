"""Silence procedures: a circulated draft that becomes the final text unless a participant objects by a deadline."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Declaration
from drafting.models.organizations import Organization
from drafting.models.users import User
from drafting.models.versions import Version


class Silence(db.Model):
    """One draft put under silence. It ends once: broken by a participant, closed without objection
    (the draft's text is then proposed as the final text), or lapsed when another draft took its place."""

    __tablename__ = "silences"
    __table_args__ = (limits.length_check("break_reason", limits.STATEMENT, 1),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    # The circulated draft whose text becomes the final text if nobody objects.
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A break is accepted until then; afterwards the silence is closed without objection.
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The deadline for answers to the final text that follows an unbroken silence.
    answer_deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    broken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    broken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    broken_for_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # The numbers of the clauses the break concerns, in the draft under silence.
    broken_clauses: Mapped[list | None] = mapped_column(JSON)
    break_reason: Mapped[str | None] = mapped_column(Text)
    # When the silence was closed unbroken; with final_version_id NULL it lapsed instead (another draft, a withdrawal).
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    final_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))

    declaration: Mapped[Declaration] = relationship()
    version: Mapped[Version] = relationship(foreign_keys=[version_id])
    final_version: Mapped[Version | None] = relationship(foreign_keys=[final_version_id])
    started_by: Mapped[User] = relationship(foreign_keys=[started_by_id])
    broken_by: Mapped[User | None] = relationship(foreign_keys=[broken_by_id])
    broken_for: Mapped[Organization | None] = relationship(foreign_keys=[broken_for_id])

    @property
    def running(self) -> bool:
        """Tell whether the silence has neither been broken nor closed (its end may have passed, awaiting closing)."""
        return self.broken_at is None and self.closed_at is None

    def __repr__(self) -> str:
        return f"<Silence of version {self.version_id} until {self.ends_at}>"
