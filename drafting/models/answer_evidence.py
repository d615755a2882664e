"""The evidence of an answer given outside the application: a scanned letter or a photograph of a signed page."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Declaration
from drafting.models.users import User


class AnswerEvidence(db.Model):
    """One uploaded scan, kept in the database so that every application server serves the same bytes."""

    __tablename__ = "answer_evidence"
    __table_args__ = (limits.length_check("description", limits.SHORT_TEXT, 1),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    # What the host says it is, as every mention of the answer names it: "letter of 3 December 2026".
    description: Mapped[str] = mapped_column(Text)
    # "application/pdf", "image/jpeg" or "image/png", as the content was found to be, never as the upload claimed.
    media_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    declaration: Mapped[Declaration] = relationship()
    uploaded_by: Mapped[User] = relationship()

    @property
    def extension(self) -> str:
        """Return the file name extension that matches the content."""
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[self.media_type]

    def __repr__(self) -> str:
        return f"<AnswerEvidence {self.media_type} of declaration {self.declaration_id}, {self.size} bytes>"
