"""The audit trail: an append-only, hash-chained record of every state change and decision."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.extensions import db
from drafting.moments import utcnow
from drafting.models.declarations import Declaration

from drafting.models.users import User


class AuditEvent(db.Model):
    """One event. Its hash covers its own content and the hash of the event before it, so an edit
    or removal anywhere in the middle breaks every later link (see drafting.audit)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declarations.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # e.g. "circulate", "propose final", "affirm", "decide amendment".
    action: Mapped[str] = mapped_column(String(50))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    declaration: Mapped[Declaration | None] = relationship()
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.from_state}->{self.to_state}>"
