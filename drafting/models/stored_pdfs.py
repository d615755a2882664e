"""Rendered PDFs, kept in the database so that every application server serves the same bytes."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models.versions import Version


class StoredPdf(db.Model):
    __tablename__ = "stored_pdfs"
    __table_args__ = (UniqueConstraint("version_id", "kind", "page_size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    # "adopted": the final text with the participants that affirmed it; "circulated": a version as sent.
    kind: Mapped[str] = mapped_column(String(20))
    # "A4" or "Letter".
    page_size: Mapped[str] = mapped_column(String(10))
    # Read only when the bytes are sent: a download answered 304, or a listing of stored PDFs, never loads them.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    version: Mapped[Version] = relationship()

    def __repr__(self) -> str:
        return f"<StoredPdf {self.kind} {self.page_size} of version {self.version_id}, {len(self.content)} bytes>"
