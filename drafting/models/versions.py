"""Versions: immutable snapshots of a declaration's whole text, as circulated."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.declarations import Declaration

from drafting.models.users import User


class Version(db.Model):
    """A circulated text. Nothing here is ever updated: later edits of the working draft, of a
    template or of an organization's name cannot change what a version says."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("declaration_id", "number"),
        limits.length_check("label", limits.VERSION_LABEL, 1),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    # 1, 2, 3 ... in order of circulation; the final text continues the same sequence.
    number: Mapped[int] = mapped_column(Integer)
    # "Draft 1", "Draft 2", ... or "Final".
    label: Mapped[str] = mapped_column(String(limits.VERSION_LABEL))
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    # The document as drafting.domain.text.composed_document.Document.to_json() wrote it when circulated.
    document: Mapped[dict] = mapped_column(JSON)
    canonical_text: Mapped[str] = mapped_column(Text)
    # SHA-256 of canonical_text, hex; see drafting.domain.text.fingerprint.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    circulated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Comments on this version are accepted until then (drafts); the answer deadline (final).
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Circulated for an open consultation: every participant reads the others' comments on this version.
    # Closed (the default) keeps each organization's comments between it and the host.
    open_consultation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    declaration: Mapped[Declaration] = relationship(back_populates="versions")
    circulated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Version {self.label} of {self.declaration_id} {self.fingerprint[:12]}>"
