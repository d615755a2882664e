"""The audit trail: append-only and hash-chained.

Each event's hash is the SHA-256 of a canonical JSON of its content together with the hash of
the event before it (the first event follows GENESIS). Changing or removing any event in the
middle breaks the link of the next one, which `verify()` reports. Events are only ever added,
and one at a time: on PostgreSQL a transaction-level advisory lock orders writers; SQLite
serializes writing transactions itself.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, text

from drafting.extensions import db
from drafting.models import AuditEvent, Declaration, User
from drafting.moments import as_utc

GENESIS = "0" * 64
# Any constant works; it names the lock that serializes writers of the chain on PostgreSQL.
CHAIN_LOCK = 0x64726166


def _moment(value: datetime) -> str:
    return as_utc(value).astimezone(timezone.utc).isoformat()


def event_hash(event: AuditEvent) -> str:
    """Return the hash an event must carry, from its content and its previous_hash."""
    content = {
        "previous_hash": event.previous_hash,
        "declaration_id": event.declaration_id,
        "actor_id": event.actor_id,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "detail": event.detail,
        "created_at": _moment(event.created_at),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    action: str,
    declaration: Declaration | None = None,
    actor: User | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **detail,
) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    previous = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        declaration_id=declaration.id if declaration else None,
        actor_id=actor.id if actor else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
        created_at=datetime.now(timezone.utc).replace(microsecond=0),
        previous_hash=previous or GENESIS,
    )
    event.hash = event_hash(event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    first_broken: AuditEvent | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify() -> ChainCheck:
    """Walk the chain in order and return the first event whose link or content does not hold."""
    previous = GENESIS
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        count += 1
        if event.previous_hash != previous:
            return ChainCheck(count, event, "it does not follow the event before it: one was removed or changed")
        if event_hash(event) != event.hash:
            return ChainCheck(count, event, "its content does not match its hash: it was changed")
        previous = event.hash
    return ChainCheck(count)


def trail(declaration: Declaration) -> list[AuditEvent]:
    """Return a declaration's events, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.declaration_id == declaration.id).order_by(AuditEvent.id)
        )
    )
