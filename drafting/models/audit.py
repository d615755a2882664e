"""The audit trail: an append-only, hash-chained record of every state change and decision, the
chain's sealed head, and the heads that adopted declarations printed."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models.declarations import Declaration

from drafting.models.users import User


class AuditEvent(db.Model):
    """One event. Its hash covers its own content and the hash of the event before it, so an edit
    or removal anywhere in the middle breaks every later link (see drafting.domain.audit)."""

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


class AuditHead(db.Model):
    """The end of the chain: how many events it holds and the last one's hash, sealed with an HMAC
    under the installation's AUDIT_KEY, which is not in the database. Whoever can write the tables
    can cut the chain's end or rebuild it, but cannot seal the head that would match (drafting.domain.audit)."""

    __tablename__ = "audit_heads"
    # One chain, one head: every append locks and moves this row.
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    events: Mapped[int]
    # The hash of the last event, or the chain's GENESIS while it is empty.
    hash: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditHead {self.events} events, {self.hash[:12]}>"


class AuditAnchor(db.Model):
    """The chain's head at a declaration's adoption, as its PDF and verification page print it: the
    published record vouches that the trail's first `events` events end in `hash`."""

    __tablename__ = "audit_anchors"

    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), primary_key=True)
    events: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))

    declaration: Mapped[Declaration] = relationship()

    def __repr__(self) -> str:
        return f"<AuditAnchor declaration {self.declaration_id}: {self.events} events, {self.hash[:12]}>"
