"""Answers given outside the application: recorded by the host on the strength of evidence, and contested.

A delegation may affirm on paper, by letter or at a signing ceremony. A host drafter records that
answer with a scan of it (drafting.domain.evidence); it counts like any other answer, and every
mention of it says who recorded it, when, and on what evidence. The organization's own people are
told, and may contest it until a time the host sets: contesting voids it, and the organization
then answers for itself.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from drafting.domain import (
    audit, circulation, evidence, recorded_answer_permissions, signoff, time_zones, workflow,
)
from drafting.domain.clock import as_utc, utcnow
from drafting.domain.text import markup
from drafting.extensions import db
from drafting.models import Affirmation, Answer, AnswerEvidence, Mandate, User, UserRole, Version, limits

# The void reason names who contested before the reason: both fit in limits.STATEMENT.
CONTEST_REASON = limits.STATEMENT - limits.NAME * 2 - 30


@dataclass(frozen=True)
class PaperAnswer:
    """What the host read on the paper: whose answer, which, and what it says besides."""

    organization_id: int
    given: Answer
    statement: str | None = None
    reason: str | None = None
    clauses: list[int] | None = None


def record(version: Version, drafter: User, paper: PaperAnswer, scan: bytes, description: str,
           contestable_until: date, today: date) -> Affirmation:
    """Record a participant's answer given outside the application, with its evidence, replacing its earlier answer.

    The organization may contest it until the end of `contestable_until` in the drafter's zone;
    `today` is the date there. Nothing is stored unless everything is accepted.
    """
    declaration = workflow.lock(version.declaration)
    refusal = recorded_answer_permissions.why_not_record_answer(drafter, declaration, paper.organization_id)
    if refusal is not None:
        raise signoff.SignoffRefused(*refusal)
    if version is not circulation.latest_version(declaration) or not version.is_final:
        raise signoff.SignoffRefused("This is not the final text under affirmation.")
    description = markup.normalize(description or "")
    if not description:
        raise signoff.SignoffRefused("Say what the evidence is, for example “letter of 3 December 2026”.", "description")
    if len(description) > limits.SHORT_TEXT:
        raise signoff.SignoffRefused(f"At most {limits.SHORT_TEXT:,} characters.", "description")
    if contestable_until < today:
        raise signoff.SignoffRefused("The time to contest cannot end before today.", "contestable_until")
    text = signoff.checked_text(version, paper.given, paper.statement, paper.reason, paper.clauses)
    try:
        checked = evidence.checked(scan)
    except evidence.EvidenceRefused as refused:
        raise signoff.SignoffRefused(str(refused), "evidence") from None
    kept = AnswerEvidence(declaration_id=declaration.id, description=description, media_type=checked.media_type,
                          content=checked.content, size=len(checked.content), uploaded_by=drafter)
    db.session.add(kept)
    affirmation = signoff.replace_answer(
        version, paper.organization_id, drafter, paper.given, text.statement, text.reason,
        statement_clauses=text.statement_clauses, evidence=kept,
        contestable_until=time_zones.end_of_day(contestable_until, time_zones.zone_of(drafter)),
    )
    audit.record("record answer", declaration, drafter, organization=affirmation.organization.name,
                 answer=paper.given.value, fingerprint=version.fingerprint, evidence=description,
                 media_type=checked.media_type, contestable_until=as_utc(affirmation.contestable_until).isoformat())
    return affirmation


def contest(affirmation: Affirmation, user: User, reason: str, now: datetime | None = None) -> Affirmation:
    """Contest a recorded answer for one's own organization: it stops counting, with the reason, and the host is told."""
    workflow.lock(affirmation.declaration)
    refusal = recorded_answer_permissions.why_not_contest(user, affirmation, now)
    if refusal is not None:
        raise signoff.SignoffRefused(*refusal)
    reason = markup.normalize(reason or "")
    if not reason:
        raise signoff.SignoffRefused("Say why the recorded answer is not your organization's: the host is told.",
                                     "reason")
    if len(reason) > CONTEST_REASON:
        raise signoff.SignoffRefused(f"At most {CONTEST_REASON:,} characters.", "reason")
    affirmation.live = None
    affirmation.voided_at = now or utcnow()
    affirmation.void_reason = f"Contested by {user.name} of {affirmation.organization.name}: {reason}"
    audit.record("contest recorded answer", affirmation.declaration, user, organization=affirmation.organization.name,
                 answer=affirmation.answer.value, evidence=affirmation.evidence.description, reason=reason)
    db.session.flush()
    return affirmation


def own_people(affirmation: Affirmation) -> list[User]:
    """Return who is told of an answer recorded for their organization: its drafters, focal points and confirmed delegates."""
    mandated = select(Mandate.id).where(Mandate.user_id == User.id, Mandate.covering(affirmation.declaration_id)).exists()
    return list(db.session.scalars(
        select(User).where(
            User.organization_id == affirmation.organization_id, User.active,
            or_(User.role == UserRole.drafter, User.focal_point, (User.role == UserRole.delegate) & mandated),
        ).order_by(User.email)
    ))


def host_drafters(affirmation: Affirmation) -> list[User]:
    """Return who is told that a recorded answer was contested: the drafters of the host and co-hosts."""
    return list(db.session.scalars(
        select(User).where(
            User.organization_id.in_(affirmation.declaration.host_organization_ids), User.active,
            User.role == UserRole.drafter,
        ).order_by(User.email)
    ))
