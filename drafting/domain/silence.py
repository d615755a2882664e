"""The silence procedure: the host puts the current draft under silence until a moment; unless a
participant breaks the silence by then, naming the clauses and its reason, the draft becomes the
final text and goes to affirmation.

A silence ends once. A break ends it at once and the declaration stays in consultation: the host
answers the objection and circulates a new draft, which may go under silence in turn. An unbroken
silence is closed by `close_due`, which `flask silence close` runs from cron every few minutes;
until it runs the pages already say the silence ended, and a late break is refused by the clock,
not by the closing. Closing takes the declaration's row lock and reads the silence afresh, so two
runs at once, or a run and a break, end it one way only.
"""

from datetime import date, datetime, timezone

from sqlalchemy import select

from drafting.domain import audit, circulation, participation, permissions, signoff, time_zones, workflow
from drafting.domain.clock import as_utc, utcnow
from drafting.domain.permissions import Refusal
from drafting.domain.text import markup, phrasing
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, Silence, User, limits


class SilenceRefused(ValueError):
    """A silence that cannot be started or broken as asked; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def latest(declaration: Declaration) -> Silence | None:
    """Return the declaration's last silence, running or ended, if it ever had one."""
    return db.session.scalars(
        select(Silence).where(Silence.declaration_id == declaration.id).order_by(Silence.id.desc()).limit(1)
    ).first()


def running(declaration: Declaration) -> Silence | None:
    """Return the silence still running on the declaration's current draft, if any (its end may have passed)."""
    silence = latest(declaration)
    if silence is None or not silence.running or declaration.state is not DeclarationState.consultation:
        return None
    return silence if silence.version is circulation.latest_version(declaration) else None


def is_over(silence: Silence, now: datetime | None = None) -> bool:
    """Tell whether the silence's end has come: no break is accepted any more."""
    return (now or utcnow()) >= as_utc(silence.ends_at)


def why_not_start(user, declaration: Declaration) -> Refusal | None:
    """Say why the user cannot put the current draft under silence now, or None if they can."""
    if not permissions.is_host_drafter(user, declaration):
        return Refusal("Only the host's drafters put a draft under silence.")
    if declaration.state is not DeclarationState.consultation:
        return Refusal("Only a circulated draft, in consultation, can be put under silence.")
    if running(declaration) is not None:
        return Refusal(f"{running(declaration).version.label} is under silence already.")
    return None


def may_start(user, declaration: Declaration) -> bool:
    """Tell whether the user may put the current draft under silence."""
    return why_not_start(user, declaration) is None


def start(declaration: Declaration, user: User, ends: datetime, answer_deadline: date,
          now: datetime | None = None) -> Silence:
    """Put the current draft under silence until `ends`, a moment on the wall clock of the user's zone.

    `answer_deadline` is the day, in the same zone, until which participants answer the final
    text that follows if nobody breaks the silence.
    """
    now = now or utcnow()
    declaration = workflow.lock(declaration)
    refusal = why_not_start(user, declaration)
    if refusal is not None:
        raise SilenceRefused(*refusal)
    zone = time_zones.zone_of(user)
    # Stored in UTC, as every moment is (SQLite keeps no offset).
    ends_at = (ends.replace(tzinfo=zone) if ends.tzinfo is None else ends).astimezone(timezone.utc)
    if ends_at <= now:
        raise SilenceRefused("The silence must end after now.", "ends")
    if answer_deadline <= ends_at.astimezone(zone).date():
        raise SilenceRefused("The deadline for answers must be a day after the silence ends.", "answer_deadline")
    draft = circulation.latest_version(declaration)
    silence = Silence(
        declaration=declaration, version=draft, started_by=user, started_at=now, ends_at=ends_at,
        answer_deadline=time_zones.end_of_day(answer_deadline, zone),
    )
    db.session.add(silence)
    db.session.flush()
    audit.record("silence started", declaration, user, version=draft.label, fingerprint=draft.fingerprint,
                 ends_at=as_utc(ends_at).isoformat(), answer_deadline=as_utc(silence.answer_deadline).isoformat())
    return silence


def why_not_break(user, declaration: Declaration, now: datetime | None = None) -> Refusal | None:
    """Say why the user cannot break the silence now, or None if they can."""
    silence = running(declaration)
    if silence is None:
        return Refusal("No draft of this declaration is under silence.")
    if not permissions.acts_for_participant(user, declaration):
        if permissions.is_host_staff(user, declaration):
            return Refusal("The host does not break its own silence: circulate a new draft instead.")
        if (permissions.signed_in(user) and user.is_delegate
                and participation.is_invited(declaration, user.organization_id)
                and permissions.mandate_for(user, declaration) is None):
            return Refusal(f"{user.organization.name} has not confirmed you as its delegate for the "
                           f"{declaration.title}: ask one of its focal points.")
        return Refusal("Only the delegates of participants break the silence; observers comment.")
    if is_over(silence, now):
        ended = phrasing.format_moment(as_utc(silence.ends_at), time_zones.zone_of(user))
        return Refusal(f"The silence ended at {ended}: it can no longer be broken, and nothing was recorded.")
    return None


def may_break(user, declaration: Declaration) -> bool:
    """Tell whether the user may break the silence on the declaration's current draft now."""
    return why_not_break(user, declaration) is None


def break_silence(declaration: Declaration, user: User, clauses: list[int], reason: str | None,
                  now: datetime | None = None) -> Silence:
    """Break the silence for the user's organization, naming the clauses it objects to and why; it ends at once."""
    now = now or utcnow()
    declaration = workflow.lock(declaration)
    refusal = why_not_break(user, declaration, now)
    if refusal is not None:
        raise SilenceRefused(*refusal)
    silence = running(declaration)
    numbers = {clause["number"] for clause in silence.version.document["clauses"]}
    chosen = sorted(set(clauses))
    if not chosen:
        raise SilenceRefused("Name at least one clause that you object to.", "clauses")
    if not set(chosen) <= numbers:
        raise SilenceRefused(f"{silence.version.label} has no such clause.", "clauses")
    reason = markup.normalize(reason or "")
    if not reason:
        raise SilenceRefused("Say why your organization breaks the silence: the host reads it.", "reason")
    if len(reason) > limits.STATEMENT:
        raise SilenceRefused(f"At most {limits.STATEMENT:,} characters; this has {len(reason):,}.", "reason")
    silence.broken_at = now
    silence.broken_by = user
    silence.broken_for_id = user.organization_id
    silence.broken_clauses = chosen
    silence.break_reason = reason
    db.session.flush()
    audit.record("silence broken", declaration, user, version=silence.version.label,
                 organization=user.organization.name, clauses=chosen, reason=reason)
    return silence


def close_due(now: datetime | None = None) -> list[Silence]:
    """Close every silence whose end has come unbroken: propose its draft as the final text. Return those closed.

    A silence whose draft is no longer the current one (a new draft was circulated, the
    declaration withdrawn, its host drafter gone) lapses instead, and says so in the audit trail.
    The caller commits, with the e-mails announcing each final text.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Silence.id).where(Silence.broken_at.is_(None), Silence.closed_at.is_(None), Silence.ends_at <= now)
        .order_by(Silence.ends_at)
    ).all()
    closed = []
    for silence_id in due:
        silence = db.session.get(Silence, silence_id)
        declaration = workflow.lock(silence.declaration)
        db.session.refresh(silence)
        if not silence.running:
            continue  # broken or closed by someone else while we waited for the lock
        current = running(declaration) is silence
        silence.closed_at = now
        if not current:
            audit.record("silence lapsed", declaration, None, version=silence.version.label,
                         reason="another draft or the withdrawal of the declaration took its place")
        elif not (silence.started_by.active and permissions.is_host_drafter(silence.started_by, declaration)):
            # The final text is proposed in the name of the drafter who started the silence, and they can no longer.
            audit.record("silence lapsed", declaration, None, version=silence.version.label,
                         reason=f"{silence.started_by.name} no longer drafts for the host")
        else:
            silence.final_version = signoff.propose_silenced_final(
                silence.version, silence.started_by, silence.answer_deadline
            )
            audit.record("silence ended", declaration, None, version=silence.version.label,
                         outcome="without objection", final_fingerprint=silence.final_version.fingerprint)
            closed.append(silence)
        db.session.flush()
    return closed
