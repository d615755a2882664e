"""Comments, replies and amendments made on one part or paragraph of one circulated version."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Clause, Declaration
from drafting.models.organizations import Organization
from drafting.models.users import User
from drafting.models.versions import Version


class CommentStatus(enum.Enum):
    open = "open"
    addressed = "addressed"
    withdrawn = "withdrawn"  # kept in the record, never erased


class CommentPart(enum.Enum):
    """The part of the document a comment is about, in the order the document reads."""

    opening = "opening"
    preamble = "preamble"
    clause = "clause"
    closing_formula = "closing_formula"


class AmendmentDecision(enum.Enum):
    accepted = "accepted"
    accepted_with_changes = "accepted_with_changes"
    rejected = "rejected"


def _enum(enum_class: type[enum.Enum]) -> Enum:
    return Enum(enum_class, native_enum=False, length=30, validate_strings=True)


class Comment(db.Model):
    """A remark on a part, or a paragraph of a part, of a version; with proposed_text it is an amendment
    (on a whole clause); with parent_id, a reply."""

    __tablename__ = "comments"
    __table_args__ = (
        limits.length_check("body", limits.COMMENT, 1),
        limits.length_check("proposed_text", limits.CLAUSE_BODY, 1),
        limits.length_check("decision_reason", limits.DECISION_REASON),
        limits.length_check("accepted_text", limits.CLAUSE_BODY, 1),
        limits.length_check("quote", limits.COMMENT, 1),
        # A clause number exactly when the comment is on a clause.
        CheckConstraint("(part = 'clause') = (clause_number IS NOT NULL)", name="clause_number_of_clause"),
        CheckConstraint("paragraph >= 1", name="paragraph_positive"),
        limits.length_check("justification", limits.JUSTIFICATION, 1),
        CheckConstraint("justification IS NULL OR proposed_text IS NOT NULL", name="justification_of_amendment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    # The clause's identity across versions; NULL once the clause is removed from the working draft.
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("clauses.id", ondelete="SET NULL"), index=True)
    part: Mapped[CommentPart] = mapped_column(_enum(CommentPart), default=CommentPart.clause)
    # The clause's number in the version commented on, kept for the record; NULL when the part is not a clause.
    clause_number: Mapped[int | None] = mapped_column(Integer)
    # The paragraph of the part commented on, counted from 1 as the review page numbers it; NULL: the whole part.
    paragraph: Mapped[int | None] = mapped_column(Integer)
    # Words of that paragraph (or part) in the version commented on, which the comment is about.
    quote: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # The organization the author spoke for, fixed when the comment was made.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # Replacement text for the whole clause body: makes the comment an amendment.
    proposed_text: Mapped[str | None] = mapped_column(Text)
    # Why the clause should read as proposed (Akoma Ntoso's amendmentJustification); amendments only,
    # NULL on those made before amendments carried one.
    justification: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(_enum(CommentStatus), default=CommentStatus.open)
    decision: Mapped[AmendmentDecision | None] = mapped_column(_enum(AmendmentDecision))
    # The reason of a rejection, or a note on an acceptance.
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The text that entered the working draft when accepted with changes.
    accepted_text: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # NULL while the comment is prepared: only its organization's own people see it until they send it.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    declaration: Mapped[Declaration] = relationship()
    version: Mapped[Version] = relationship()
    clause: Mapped[Clause | None] = relationship()
    organization: Mapped[Organization] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent", order_by="Comment.created_at")

    @property
    def is_amendment(self) -> bool:
        return self.proposed_text is not None

    @property
    def is_prepared(self) -> bool:
        """Tell whether the comment is prepared for its organization and not sent yet."""
        return self.sent_at is None

    @property
    def sent_in_contribution(self) -> bool:
        """Tell whether the comment was prepared first, then sent with its organization's contribution."""
        # A comment sent at once is sent at the moment it is made.
        return self.sent_at is not None and self.sent_at != self.created_at

    def __repr__(self) -> str:
        kind = "Amendment" if self.is_amendment else "Comment"
        where = f"clause {self.clause_number}" if self.part is CommentPart.clause else self.part.value
        if self.paragraph is not None:
            where += f" paragraph {self.paragraph}"
        return f"<{kind} {self.id} on {where} of version {self.version_id}>"
