"""Affirmations: each participant's answer to the final text."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.answer_evidence import AnswerEvidence
from drafting.models.declarations import Declaration
from drafting.models.mandates import Mandate
from drafting.models.organizations import Organization
from drafting.models.users import User
from drafting.models.versions import Version


class Answer(enum.Enum):
    affirmed = "affirmed"
    affirmed_with_statement = "affirmed with statement"
    declined = "declined"

    @property
    def affirms(self) -> bool:
        return self is not Answer.declined


class Affirmation(db.Model):
    """One answer of one organization to one final version. A changed answer supersedes the last one
    and a reopened declaration voids them all; neither is ever deleted."""

    __tablename__ = "affirmations"
    __table_args__ = (
        # `live` is True for the answer that counts and NULL for the others; NULLs never collide in a
        # unique constraint, so this allows exactly one live answer per organization and version.
        UniqueConstraint("version_id", "organization_id", "live"),
        limits.length_check("statement", limits.STATEMENT),
        limits.length_check("reason", limits.STATEMENT),
        limits.length_check("void_reason", limits.STATEMENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The mandate the delegate answered under (who confirmed them, when); NULL for a drafter or a
    # focal point, who act for their organization without one, and for answers older than mandates.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"))
    answer: Mapped[Answer] = mapped_column(Enum(Answer, native_enum=False, length=30, validate_strings=True))
    # Printed in the annex when the answer is "affirmed with statement".
    statement: Mapped[str | None] = mapped_column(Text)
    # The numbers of the clauses a statement concerns, ascending; NULL when it names none.
    statement_clauses: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    # The optional reason of a decline.
    reason: Mapped[str | None] = mapped_column(Text)
    # The fingerprint of the text answered: an answer never counts for another text.
    fingerprint: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    live: Mapped[bool | None] = mapped_column(Boolean, default=True)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str | None] = mapped_column(Text)
    # An answer given outside the application (on paper, at a signing ceremony) that a host drafter,
    # `delegate` here, recorded on the strength of this evidence; NULL for an answer given here.
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("answer_evidence.id"))
    # Until when the organization's own people may contest a recorded answer.
    contestable_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    declaration: Mapped[Declaration] = relationship()
    version: Mapped[Version] = relationship()
    organization: Mapped[Organization] = relationship()
    delegate: Mapped[User] = relationship()
    mandate: Mapped[Mandate | None] = relationship()
    evidence: Mapped[AnswerEvidence | None] = relationship()

    @property
    def recorded(self) -> bool:
        """Tell whether the answer was given outside the application and recorded by the host."""
        return self.evidence_id is not None

    def __repr__(self) -> str:
        return f"<Affirmation {self.answer.value} by {self.organization_id} of version {self.version_id}>"
