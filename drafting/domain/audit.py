"""The audit trail: append-only, hash-chained, with a sealed head and anchors in the published record.

Each event's hash is the SHA-256 of a canonical JSON of its content together with the hash of
the event before it (the first event follows GENESIS). Changing or removing any event in the
middle breaks the link of the next one, which `verify()` reports.

The links alone cannot show that the chain's end was cut, nor that someone changed an event and
recomputed every hash after it. So the chain's head (its count of events and last hash) is kept
in a row of its own, sealed with an HMAC under AUDIT_KEY, a key from the environment that the
database does not hold: whoever can write the tables cannot seal a head for the chain they made.
The event hashes themselves stay plain SHA-256, on purpose: anyone holding a copy checks the
links without the key, and the heads printed in adopted PDFs (AuditAnchor) stay checkable forever,
even after the key is replaced or leaks. Those printed heads catch what the seal cannot: a chain
rebuilt by someone who has the key, or an older head put back together with the events it ended.

Events are added one at a time: each append locks the head row (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's writing transactions take the database's write lock at their start), so
two sessions appending at once take turns and never fork the chain or its head.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import joinedload

from drafting.domain.clock import as_utc
from drafting.domain.pages import Page
from drafting.extensions import db
from drafting.models import AuditAnchor, AuditEvent, AuditHead, Declaration, DeclarationState, User

GENESIS = "0" * 64


class UnsealedHead(RuntimeError):
    """The chain's head does not carry the seal of AUDIT_KEY: nothing is appended to a chain that may be forged."""


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
    """Append an event to the chain and move its sealed head, in the caller's transaction.

    The event returned is not in the session: it is written, and the head moved, by two plain
    statements. Every answer appends one, and the unit of work's bookkeeping for an object it will
    never be asked about again cost more than the two rows.
    """
    head = _sealed_head()
    event = AuditEvent(
        declaration_id=declaration.id if declaration else None,
        actor_id=actor.id if actor else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        detail=detail,
        created_at=datetime.now(timezone.utc).replace(microsecond=0),
        previous_hash=head.hash,
    )
    event.hash = event_hash(event)
    if head in db.session.new:
        db.session.flush()  # the head this chain starts with (_locked_head) is written before it is moved
    connection = db.session.connection()
    written = connection.execute(_WRITE_EVENT, {column: getattr(event, column) for column in _EVENT_COLUMNS})
    event.id = written.inserted_primary_key[0]
    events = head.events + 1
    connection.execute(_MOVE_HEAD, {"events": events, "hash": event.hash, "seal": seal(events, event.hash),
                                    "head_id": head.id})
    # The session's head is read again if asked: the row moved, and a savepoint may yet move it back.
    db.session.expire(head, ["events", "hash", "seal"])
    return event


_EVENT_COLUMNS = ("declaration_id", "actor_id", "action", "from_state", "to_state", "detail", "created_at",
                  "previous_hash", "hash")
_WRITE_EVENT = insert(AuditEvent.__table__)
_MOVE_HEAD = update(AuditHead.__table__).where(AuditHead.__table__.c.id == bindparam("head_id"))


def seal(events: int, last_hash: str, key: str | None = None) -> str:
    """Return the HMAC, under AUDIT_KEY (or the key given), that vouches for a chain of `events` events ending in `last_hash`."""
    message = f"drafting audit head\n{events}\n{last_hash}"
    key = current_app.config["AUDIT_KEY"] if key is None else key
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _locked_head() -> AuditHead:
    """Return the chain's head under its row lock, read afresh: the append waits for any other one."""
    head = db.session.scalars(
        select(AuditHead).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:
        # Only a database made without the migrations (which seal the head) has none: its chain
        # starts here. Were there events already, the new one would not follow them and verify() says so.
        head = AuditHead(id=1, events=0, hash=GENESIS)
        head.seal = seal(head.events, head.hash)
        db.session.add(head)
    return head


def _sealed_head() -> AuditHead:
    """Return the locked head, or raise UnsealedHead if its seal does not hold.

    Sealing a new head over one that someone rewrote would launder the forgery; refusing instead
    stops every change of state until an operator has looked (`flask audit verify`, `audit seal`).
    """
    head = _locked_head()
    if not hmac.compare_digest(head.seal, seal(head.events, head.hash)):
        raise UnsealedHead(
            "The audit trail's head is not sealed with this installation's AUDIT_KEY, so nothing more is "
            "recorded: run `flask audit verify`."
        )
    return head


def head() -> AuditHead | None:
    """Return the chain's head as it is now."""
    return db.session.scalars(select(AuditHead).execution_options(populate_existing=True)).one_or_none()


def anchor(declaration: Declaration) -> AuditAnchor:
    """Record the chain's head now as the one the declaration's published record prints."""
    current = _sealed_head()
    anchored = AuditAnchor(declaration_id=declaration.id, events=current.events, hash=current.hash)
    db.session.add(anchored)
    db.session.flush()
    return anchored


def anchor_of(declaration: Declaration) -> AuditAnchor | None:
    """Return the head the declaration's published record prints, if it was adopted since heads are printed."""
    return db.session.get(AuditAnchor, declaration.id)


@dataclass(frozen=True)
class ChainCheck:
    """What verify() found: how many events it read, and where and why the chain does not hold, if it does not."""

    events: int
    # The event at which the chain stops holding, if the fault is at one.
    first_broken: AuditEvent | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.reason is None

    @property
    def problem(self) -> str | None:
        """Say where and why the chain does not hold ("broken at event 7 (adopt, …): …"), or None if it is intact."""
        if self.intact:
            return None
        if self.first_broken is None:
            return f"broken: {self.reason}"
        event = self.first_broken
        return f"broken at event {event.id} ({event.action}, {event.created_at:%Y-%m-%d %H:%M:%S}): {self.reason}"


def verify(check_seal: bool = True) -> ChainCheck:
    """Check the chain: each link and event in order, the heads adopted records printed, its sealed head, and that it records every adoption."""
    anchors: dict[int, list[AuditAnchor]] = {}
    for anchored in db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.events)):
        anchors.setdefault(anchored.events, []).append(anchored)
    previous = GENESIS
    count = 0
    # The declarations whose adoption (or import as adopted) the chain records.
    adoptions: set[int] = set()
    # Read from the database, never from objects this session holds already: they may be stale.
    events = select(AuditEvent).order_by(AuditEvent.id).execution_options(populate_existing=True)
    for event in db.session.scalars(events).yield_per(500):
        count += 1
        if event.previous_hash != previous:
            return ChainCheck(count, event, "it does not follow the event before it: one was removed or changed")
        if event_hash(event) != event.hash:
            return ChainCheck(count, event, "its content does not match its hash: it was changed")
        for anchored in anchors.pop(count, []):
            if anchored.hash != event.hash:
                return ChainCheck(
                    count, event,
                    f"the adopted record of “{anchored.declaration.title}” printed another hash for event {count:,} "
                    "of the trail: the chain up to it was rebuilt",
                )
        if event.to_state == DeclarationState.adopted.value:
            adoptions.add(event.declaration_id)
        previous = event.hash
    end = _check_end(count, previous, anchors, check_seal)
    if not end.intact:
        return end
    unrecorded = db.session.scalars(
        select(Declaration.title).where(Declaration.state == DeclarationState.adopted, Declaration.id.not_in(adoptions))
        .order_by(Declaration.id).limit(1)
    ).first()
    if unrecorded is not None:
        # An older sealed head put back, the events after it removed with the head that the record printed.
        return ChainCheck(
            count, reason=f"“{unrecorded}” is adopted, but the trail holds no event of its adoption: events were removed"
        )
    return end


def _check_end(count: int, last_hash: str, anchors_beyond: dict[int, list[AuditAnchor]], check_seal: bool) -> ChainCheck:
    """Check that a chain of `count` events ending in last_hash ends where its sealed head and every printed head say."""
    sealed = head()
    if sealed is None:
        return ChainCheck(count, reason="its head is missing" if count else None)
    if check_seal and not hmac.compare_digest(sealed.seal, seal(sealed.events, sealed.hash)):
        return ChainCheck(
            count,
            reason="its head was not sealed with this installation's AUDIT_KEY: the head was rewritten, "
            "or AUDIT_KEY is not the key this database was sealed with",
        )
    if count < sealed.events:
        return ChainCheck(
            count, reason=f"it holds {count:,} events, but its sealed head counts {sealed.events:,}: "
            "events were removed from its end",
        )
    if (count, last_hash) != (sealed.events, sealed.hash):
        return ChainCheck(
            count, reason=f"it holds {count:,} events ending in {last_hash[:12]}, but its sealed head says "
            f"{sealed.events:,} ending in {sealed.hash[:12]}: the chain was rebuilt or added to outside the application",
        )
    if anchors_beyond:
        position = min(anchors_beyond)
        return ChainCheck(
            count, reason=f"it holds {count:,} events, but the adopted record of "
            f"“{anchors_beyond[position][0].declaration.title}” vouches for {position:,} events: "
            "events were removed from its end",
        )
    return ChainCheck(count)


def reseal(previous_key: str) -> ChainCheck:
    """Seal the head again with the present AUDIT_KEY, after the key changed from previous_key, if all else about the chain holds.

    Only the seal is made anew: a chain that does not end exactly at its head's count and hash, or
    that contradicts a printed head, is refused, so that a cut or rebuilt chain cannot be blessed.
    The head must carry the previous key's seal: someone who cut the chain and set the head to its
    new end, without a key, would otherwise have it sealed by the operator who took the failing seal
    for a change of key.
    """
    head = _locked_head()
    check = verify(check_seal=False)
    if check.intact and not hmac.compare_digest(head.seal, seal(head.events, head.hash, previous_key)):
        return ChainCheck(
            check.events, reason="its head is not sealed with the previous AUDIT_KEY either: the head was rewritten, "
            "or that is not the key it was sealed with"
        )
    if check.intact:
        head.seal = seal(head.events, head.hash)
        db.session.flush()
    return check


def trail(declaration: Declaration) -> list[AuditEvent]:
    """Return a declaration's events, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent).options(joinedload(AuditEvent.actor))
            .where(AuditEvent.declaration_id == declaration.id).order_by(AuditEvent.id)
        )
    )


@dataclass(frozen=True)
class PlatformEventsPage(Page):
    """One page of the events that belong to no declaration, newest first."""

    size: ClassVar[int] = 50
    events: list[AuditEvent]


def platform_events(page: int = 1) -> PlatformEventsPage:
    """Return one page of the events that belong to no declaration, newest first: focal points named and
    unnamed, mandates for every declaration given and revoked, accounts closed. Two queries, whatever the page."""
    of_no_declaration = AuditEvent.declaration_id.is_(None)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(of_no_declaration))
    events = db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor)).where(of_no_declaration)
        .order_by(AuditEvent.id.desc()).limit(PlatformEventsPage.size).offset(PlatformEventsPage.offset(page))
    )
    return PlatformEventsPage(number=page, total=total, events=list(events))
