"""Circulating drafts: immutable versions of the working draft, with their fingerprints."""

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from drafting.domain import time_zones, workflow
from drafting.domain.clock import as_utc
from drafting.domain.text import composed_document, fingerprint
from drafting.extensions import db
from drafting.models import AuditEvent, Declaration, DeclarationState, Mandate, User, UserRole, Version


class CirculationError(ValueError):
    """A draft that cannot be circulated as asked; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def deadline_passed(version: Version, now: datetime | None = None) -> bool:
    """Tell whether the version's deadline is behind us."""
    now = now or datetime.now(timezone.utc)
    return version.deadline is not None and now >= as_utc(version.deadline)


def is_void(version: Version) -> bool:
    """Tell whether the version is a final text that was reopened: it no longer stands for answers or adoption."""
    declaration = version.declaration
    reopened = declaration.state in (DeclarationState.drafting, DeclarationState.consultation)
    return version.is_final and (reopened or version is not latest_version(declaration))


def current_draft(declaration: Declaration) -> Version | None:
    """Return the latest circulated draft that is not a final text, if any."""
    drafts = [version for version in declaration.versions if not version.is_final]
    return drafts[-1] if drafts else None


@dataclass(frozen=True)
class Voiding:
    """Since when and why a final text no longer stands, and which circulated text stands instead."""

    since: datetime | None  # when the host reopened the declaration; None if the record does not say
    reason: str | None
    current: Version | None


def voiding(version: Version) -> Voiding | None:
    """Tell since when and why a voided final text is void, and which version is current; None if it stands."""
    if not is_void(version):
        return None
    declaration = version.declaration
    # The audit trail keeps whole seconds.
    circulated = as_utc(version.circulated_at).replace(microsecond=0)
    reopening = next((
        event for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.declaration_id == declaration.id, AuditEvent.action == "reopen")
            .order_by(AuditEvent.id)
        ) if as_utc(event.created_at) >= circulated
    ), None)
    latest = latest_version(declaration)
    return Voiding(
        since=as_utc(reopening.created_at) if reopening else None,
        reason=reopening.detail.get("reason") if reopening else None,
        # A later final text under affirmation stands in its place; otherwise the last draft does.
        current=latest if not is_void(latest) else current_draft(declaration),
    )


def open_for_comments(declaration: Declaration, now: datetime | None = None) -> Version | None:
    """Return the circulated draft still open for comments (in consultation, before its deadline), or None."""
    latest = latest_version(declaration)
    if declaration.state is not DeclarationState.consultation or latest is None or is_void(latest):
        return None
    return None if deadline_passed(latest, now) else latest


def snapshot(declaration: Declaration, user: User, label: str, is_final: bool, deadline: datetime) -> Version:
    """Store the working draft's document as the next version of the declaration."""
    composed = composed_document.compose(declaration)
    text = fingerprint.canonical_text(composed)
    version = Version(
        declaration=declaration,
        number=len(declaration.versions) + 1,
        label=label,
        is_final=is_final,
        document=composed.to_json(),
        canonical_text=text,
        fingerprint=fingerprint.fingerprint(text),
        circulated_by=user,
        deadline=deadline,
    )
    db.session.add(version)
    db.session.flush()
    return version


def issue(declaration: Declaration, user: User, action: workflow.Action, deadline: date, today: date,
          too_soon: tuple[str, str], empty: str, **detail) -> Version:
    """Freeze the working draft as the declaration's next version with its deadline, taking the workflow's action.

    The deadline closes at the end of its day in the zone of `user`, the drafter who gave it; `today`
    is the date there. Refuse with `too_soon` (the message, the form field) a deadline that is not
    after today, and with `empty` a draft without clauses. `detail` goes into the audit trail's event with the version.
    """
    declaration = workflow.lock(declaration)
    workflow.check(user, declaration, action)
    if deadline <= today:
        raise CirculationError(*too_soon)
    if not declaration.clauses:
        raise CirculationError(empty)
    final = action is workflow.Action.propose_final
    drafts = sum(1 for version in declaration.versions if not version.is_final)
    version = snapshot(declaration, user, "Final" if final else f"Draft {drafts + 1}", final,
                       time_zones.end_of_day(deadline, time_zones.zone_of(user)))
    workflow.transition(user, declaration, action, version=version.label, fingerprint=version.fingerprint, **detail)
    return version


def circulate(declaration: Declaration, user: User, comment_deadline: date, today: date,
              open_consultation: bool = False) -> Version:
    """Circulate the working draft as Draft N with a comment deadline; move to consultation.

    In an open consultation every participant reads the others' comments on this draft; in a closed one
    (the default) each organization's comments stay between it and the host. The choice is the draft's,
    so that comments made in confidence are never shown to others by a later choice.
    """
    version = issue(
        declaration, user, workflow.Action.circulate, comment_deadline, today,
        ("The comment deadline must be a day after today.", "comment_deadline"),
        "Write at least one clause before circulating the draft.",
        consultation="open" if open_consultation else "closed",
    )
    version.open_consultation = open_consultation
    return version


def latest_version(declaration: Declaration) -> Version | None:
    """Return the last version circulated, if any."""
    return declaration.versions[-1] if declaration.versions else None


def delegates(declaration: Declaration) -> list[User]:
    """Return the confirmed delegates of the invited participants and observers: the active
    delegates whose confirmed mandate covers the declaration. They are the ones e-mailed about it,
    so that a host reaches nobody its invited organizations did not vouch for."""
    invited = [participant.organization_id for participant in declaration.invited_participants]
    mandated = select(Mandate.id).where(Mandate.user_id == User.id, Mandate.covering(declaration.id)).exists()
    return list(
        db.session.scalars(
            select(User)
            .where(User.organization_id.in_(invited), User.active, User.role == UserRole.delegate, mandated)
            .order_by(User.email)
        )
    )
