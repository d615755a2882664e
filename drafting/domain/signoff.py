"""Sign-off: the final text, the participants' answers, reminders, reopening, adoption and withdrawal.

Answers and the changes of state that void or freeze them take the declaration's row lock first
(on SQLite every writing transaction is serialized already), so that an answer and a reopening,
or two answers of one organization, made at the same moment end in one consistent state.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from drafting.domain import archive_index, audit, circulation, completion, permissions, published_record, time_zones, workflow
from drafting.domain.clock import as_utc, utcnow
# Sign-off's callers (the tests, bench/verify.py) ask it for the final version too: signoff.final_version.
from drafting.domain.final_text import final_version, live_answers  # noqa: F401
from drafting.domain.text import markup, phrasing
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.models import (
    Affirmation,
    Answer,
    Declaration,
    DeclarationLayout,
    Mandate,
    Participant,
    User,
    UserRole,
    Version,
    limits,
)
from drafting.rendering import signing, stored_pdfs

REMINDER_INTERVAL = timedelta(days=1)


class SignoffRefused(ValueError):
    """An answer, reminder or change that cannot be made; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def replace_answer(version: Version, organization_id: int, delegate: User, answer: Answer,
                   statement: str | None = None, reason: str | None = None, mandate: Mandate | None = None,
                   **recorded) -> Affirmation:
    """Make this the organization's answer that counts for the version, superseding its last one.

    `recorded` carries what an answer given outside the application adds (its evidence, until when it
    may be contested) and the clauses a statement concerns.
    """
    current = db.session.scalar(
        select(Affirmation).where(
            Affirmation.version_id == version.id,
            Affirmation.organization_id == organization_id,
            Affirmation.live.is_(True),
        )
    )
    if current is not None:
        current.live = None
        current.superseded_at = utcnow()
        db.session.flush()  # the old answer leaves the unique constraint before the new one enters it
    # By ids, not objects: the flush follows no relationship and costs a third less (200 answers at once make 200).
    affirmation = Affirmation(
        declaration_id=version.declaration_id,
        version_id=version.id,
        organization_id=organization_id,
        delegate_id=delegate.id,
        mandate_id=mandate.id if mandate else None,
        answer=answer,
        statement=statement,
        reason=reason,
        fingerprint=version.fingerprint,
        **recorded,
    )
    db.session.add(affirmation)
    db.session.flush()
    return affirmation


@dataclass(frozen=True)
class AnswerText:
    """What an answer says besides itself, checked: the statement and the clauses it concerns, or the reason."""

    statement: str | None
    statement_clauses: list[int] | None
    reason: str | None


def checked_text(version: Version, given: Answer, statement: str | None, reason: str | None,
                 clauses: list[int] | None = None) -> AnswerText:
    """Return the statement, its clauses and the reason that go with the answer, or refuse them."""
    statement = markup.normalize(statement or "") or None
    reason = markup.normalize(reason or "") or None
    if given is Answer.affirmed_with_statement and not statement:
        raise SignoffRefused("Write the statement to be recorded with the affirmation.", "statement")
    for field, value in (("statement", statement), ("reason", reason)):
        if value and len(value) > limits.STATEMENT:
            raise SignoffRefused(f"At most {limits.STATEMENT:,} characters; this has {len(value):,}.", field)
    clauses = sorted(set(clauses or []))
    numbers = {clause.number for clause in Document.from_json(version.document).clauses}
    if not numbers.issuperset(clauses):
        raise SignoffRefused(f"The final text has no clause {min(set(clauses) - numbers)}: name only its clauses.",
                             "clauses")
    if clauses and given is not Answer.affirmed_with_statement:
        raise SignoffRefused("Only a statement names the clauses it concerns: choose “affirm with a statement”.",
                             "clauses")
    with_statement = given is Answer.affirmed_with_statement
    return AnswerText(statement if with_statement else None, (clauses or None) if with_statement else None,
                      reason if given is Answer.declined else None)


def propose_final(declaration: Declaration, user: User, affirmation_deadline: date, today: date) -> Version:
    """Freeze the working draft as the Final version with an answer deadline; move to affirmation.

    Proposing affirms the text for the proposer's own organization only: every other host or
    co-host answers by its own drafters, like any participant.
    """
    version = circulation.issue(
        declaration, user, workflow.Action.propose_final, affirmation_deadline, today,
        ("The deadline for answers must be a day after today.", "affirmation_deadline"),
        "A final text needs at least one clause.",
        # Read before the workflow's check: a user of no organization is refused there.
        affirmed_for=user.organization.name if user.organization is not None else None,
    )
    replace_answer(version, user.organization_id, user, Answer.affirmed)
    return version


def answer(version: Version, delegate: User, given: Answer, authorised: bool,
           statement: str | None = None, reason: str | None = None, clauses: list[int] | None = None) -> Affirmation:
    """Record the delegate's organization's answer to the final text, replacing its earlier answer.

    A statement may name the clauses it concerns (`clauses`, by number): the annex prints it under them.
    """
    # Who may answer for which organization, under which mandate, and what the answer says: the
    # declaration's row lock guards none of it, so it is checked before the lock, which every answer
    # to the text waits for in turn and which is then held only for what it guards and the write.
    declaration = version.declaration
    refusal = permissions.why_not_answer(delegate, declaration)
    if refusal is not None:
        raise SignoffRefused(*refusal)
    if version is not circulation.latest_version(declaration) or not version.is_final:
        raise SignoffRefused("This is not the final text under affirmation.")
    if not authorised:
        raise SignoffRefused(
            f"Confirm that you are authorised to answer for {delegate.organization.name}.", "authorised"
        )
    text = checked_text(version, given, statement, reason, clauses)
    # The record keeps under whose confirmation a delegate answered; drafters and focal points need none.
    mandate = permissions.mandate_for(delegate, declaration) if delegate.is_delegate else None
    organization = delegate.organization.name
    _lock_still_answerable(version, delegate)
    affirmation = replace_answer(
        version, delegate.organization_id, delegate, given, text.statement, text.reason, mandate,
        statement_clauses=text.statement_clauses,
    )
    audit.record("answer", declaration, delegate, organization=organization,
                 answer=given.value, fingerprint=version.fingerprint, mandate=mandate.id if mandate else None)
    return affirmation


def _lock_still_answerable(version: Version, user: User) -> None:
    """Take the declaration's row lock, then refuse if the final text stopped taking answers before it was taken.

    A reopening, an adoption or a withdrawal changes the state under this lock, and proposing the
    final text again makes another version: what the answer was checked against may have changed
    while it waited. The latest version is asked of the database, never of the declaration's loaded list.

    Answers share the lock, so that each excludes the changes of state but not the other organizations'
    answers; two answers of one organization take turns on its participant row, the second replacing
    the first (on SQLite every writing transaction takes its turn already).
    """
    declaration = workflow.lock(version.declaration, shared=True)
    db.session.execute(
        select(Participant.id).where(Participant.declaration_id == declaration.id,
                                     Participant.organization_id == user.organization_id).with_for_update()
    )
    latest = db.session.scalar(
        select(Version.id).where(Version.declaration_id == declaration.id).order_by(Version.number.desc()).limit(1)
    )
    refusal = permissions.why_answers_closed(user, declaration, version)
    if refusal is not None:
        raise SignoffRefused(*refusal)
    if latest != version.id:
        raise SignoffRefused("This is not the final text under affirmation.")


def _checked_reason(reason: str | None, missing: str) -> str:
    reason = markup.normalize(reason or "")
    if not reason:
        raise SignoffRefused(missing, "reason")
    if len(reason) > limits.STATEMENT:
        raise SignoffRefused(f"At most {limits.STATEMENT:,} characters.", "reason")
    return reason


def reopen(declaration: Declaration, user: User, reason: str) -> int:
    """Go back to consultation: every answer to the final text becomes void, with the reason. Return how many."""
    declaration = workflow.lock(declaration)
    workflow.check(user, declaration, workflow.Action.reopen)
    reason = _checked_reason(reason, "Say why the declaration is reopened: every delegate is told.")
    version = circulation.latest_version(declaration)
    # Answers replaced by a later one are voided too: the record says of every answer that it no longer stands.
    standing = db.session.scalars(
        select(Affirmation).where(Affirmation.version_id == version.id, Affirmation.voided_at.is_(None))
    ).all()
    counted = sum(1 for affirmation in standing if affirmation.live)
    for affirmation in standing:
        affirmation.live = None
        affirmation.voided_at = utcnow()
        affirmation.void_reason = reason
    workflow.transition(user, declaration, workflow.Action.reopen, reason=reason, voided=counted)
    return counted


@dataclass(frozen=True)
class AdoptionOutlook:
    """What adopting the final text now would publish, as the host confirms it before adopting."""

    version: Version
    counts: dict[str, int]  # by answer ("affirmed", ...) and "no answer yet", over the listed participants
    total: int
    affirming: list[str]  # the organizations the adopted text names, in alphabetical order
    missing: list[str]  # the listed participants without an answer
    deadline: datetime | None  # when answers close
    deadline_passed: bool
    # A token of the answers as they stand: a confirmation made on other answers is refused.
    answers_seen: str

    @property
    def needs_reason(self) -> bool:
        """Tell whether adopting now leaves answers behind that could still come: then the host says why."""
        return bool(self.missing) and not self.deadline_passed


def adoption_outlook(declaration: Declaration, now: datetime | None = None) -> AdoptionOutlook:
    """Return what adopting the declaration's final text now would publish, and which answers it would leave out."""
    version = circulation.latest_version(declaration)
    live = live_answers(version)
    listed = declaration.listed_participants
    counts = {answer.value: 0 for answer in Answer} | {"no answer yet": 0}
    for participant in listed:
        given = live.get(participant.organization_id)
        counts[given.answer.value if given else "no answer yet"] += 1
    return AdoptionOutlook(
        version=version,
        counts=counts,
        total=len(listed),
        affirming=sorted((a.organization.name for a in live.values() if a.answer.affirms), key=str.casefold),
        missing=sorted((p.organization.name for p in listed if p.organization_id not in live), key=str.casefold),
        deadline=version.deadline,
        deadline_passed=circulation.deadline_passed(version, now),
        answers_seen=hashlib.sha256(
            ",".join(str(answer_id) for answer_id in sorted(a.id for a in live.values())).encode()
        ).hexdigest()[:16],
    )


def adopt(declaration: Declaration, user: User, without_missing_answers_reason: str | None = None,
          answers_seen: str | None = None) -> Version:
    """Adopt the final text: nothing about the declaration can change afterwards, and it becomes public.

    While participants have not answered and the answer deadline is ahead, the host adopts only by
    saying why it does not wait for them; the reason goes into the audit trail and the published
    record. `answers_seen` is the token of the outlook the host confirmed (adoption_outlook): if an
    answer came or changed since, nothing is adopted, so that the host never publishes what it did not see.
    """
    declaration = workflow.lock(declaration)
    workflow.check(user, declaration, workflow.Action.adopt)
    outlook = adoption_outlook(declaration)
    if answers_seen is not None and answers_seen != outlook.answers_seen:
        raise SignoffRefused(
            "The answers changed since you opened this page: nothing is adopted. Check what will be published now, "
            "and confirm again."
        )
    reason = markup.normalize(without_missing_answers_reason or "") or None
    if outlook.needs_reason and reason is None:
        raise SignoffRefused(
            f"{len(outlook.missing)} of {outlook.total} participants have not answered, and answers are open until "
            f"{phrasing.format_deadline(as_utc(outlook.deadline), time_zones.zone_of(user))}. Nothing is adopted: wait for their answers, or "
            "confirm that you adopt without them and say why; the record keeps your reason.", "reason"
        )
    if reason and len(reason) > limits.STATEMENT:
        raise SignoffRefused(f"At most {limits.STATEMENT:,} characters.", "reason")
    version = outlook.version
    affirming = [a for a in live_answers(version).values() if a.answer.affirms]
    if Document.from_json(version.document).layout is DeclarationLayout.named_in_opening:
        _require_named_affirmed(declaration, {a.organization_id for a in affirming})
    without = {"without_answers_from": outlook.missing, "reason": reason} if outlook.missing and reason else {}
    try:
        # A savepoint: a PDF that cannot be signed as configured leaves nothing of the adoption behind.
        with db.session.begin_nested():
            _publish(declaration, user, version, affirming, without)
    except signing.TimestampUnavailable as unavailable:
        raise SignoffRefused(f"{unavailable} Nothing is adopted: try again when it answers.") from None
    return version


def told_of_adoption(declaration: Declaration) -> list[User]:
    """Return who is e-mailed the adoption: every confirmed delegate of the declaration and the drafters of its co-hosts."""
    co_hosts = declaration.host_organization_ids - {declaration.host_id}
    drafters = db.session.scalars(
        select(User).where(User.organization_id.in_(co_hosts), User.active, User.role == UserRole.drafter)
        .order_by(User.email)
    ).all()
    return [*circulation.delegates(declaration), *drafters]


def _publish(declaration: Declaration, user: User, version: Version, affirming: list, without: dict) -> None:
    declaration.adopted_at = utcnow()
    # What the publication names is frozen now: renaming an organization later changes none of it.
    declaration.published_record = published_record.compose(
        declaration, live_answers(version), certificate=completion.entries(declaration),
        missing_answers_reason=without.get("reason"),
    ).to_json()
    archive_index.add(declaration, version)
    workflow.transition(user, declaration, workflow.Action.adopt, fingerprint=version.fingerprint,
                        affirmed_by=sorted(a.organization.name for a in affirming), **without)
    # The published record prints the audit trail's head as it stands with this adoption in it.
    audit.anchor(declaration)
    # The final PDFs are made now, in this transaction: if they cannot be, nothing is adopted.
    stored_pdfs.store_adopted(declaration)


def _require_named_affirmed(declaration: Declaration, affirming_ids: set[int]) -> None:
    # The older layout names the participants in its opening paragraph, inside the text that was
    # affirmed: it cannot drop those that did not affirm, so it is adopted only once all of them have.
    silent = [
        p.organization.name for p in declaration.listed_participants if p.organization_id not in affirming_ids
    ]
    if silent:
        verb = "has" if len(silent) == 1 else "have"
        raise SignoffRefused(
            f"The opening paragraph names {phrasing.join_names(sorted(silent, key=str.casefold))}, which {verb} not "
            "affirmed the text, and an adopted declaration names only those that affirmed it. Wait for their "
            "answers, or reopen the declaration and remove them from its participants."
        )


def withdraw(declaration: Declaration, user: User, reason: str) -> None:
    """Withdraw a declaration that is not adopted; it is kept, marked withdrawn."""
    declaration = workflow.lock(declaration)
    workflow.check(user, declaration, workflow.Action.withdraw)
    reason = _checked_reason(reason, "Say why the declaration is withdrawn.")
    workflow.transition(user, declaration, workflow.Action.withdraw, reason=reason)


def remind(declaration: Declaration, user: User, now: datetime | None = None) -> list[Participant]:
    """Remind the participants that have not answered, each at most once a day; return those reminded."""
    now = now or utcnow()
    declaration = workflow.lock(declaration)
    refusal = permissions.why_not_remind(user, declaration)
    if refusal is not None:
        raise SignoffRefused(*refusal)
    answered = live_answers(circulation.latest_version(declaration))
    waiting = [p for p in declaration.listed_participants if p.organization_id not in answered]
    if not waiting:
        raise SignoffRefused("Every participant has answered.")
    due = [p for p in waiting if p.last_reminded_at is None or now - as_utc(p.last_reminded_at) >= REMINDER_INTERVAL]
    if not due:
        soonest = min(as_utc(p.last_reminded_at) for p in waiting) + REMINDER_INTERVAL
        raise SignoffRefused(
            f"Every participant without an answer was reminded less than a day ago; "
            f"the next reminder can go at {soonest:%H:%M} UTC on {phrasing.format_date(soonest.date())}."
        )
    for participant in due:
        participant.last_reminded_at = now
    audit.record("remind", declaration, user, reminded=sorted(p.organization.name for p in due))
    db.session.flush()
    return due


def propose_silenced_final(draft: Version, user: User, answer_deadline: datetime) -> Version:
    """Propose a draft whose silence ended without objection as the final text, word for word; move to affirmation.

    The caller holds the declaration's row lock. As with propose_final, the text is affirmed for
    the organization of `user`, the host drafter who put the draft under silence.
    """
    declaration = draft.declaration
    version = Version(
        declaration=declaration,
        number=len(declaration.versions) + 1,
        label="Final",
        is_final=True,
        document=draft.document,
        canonical_text=draft.canonical_text,
        fingerprint=draft.fingerprint,
        circulated_by=user,
        deadline=answer_deadline,
    )
    db.session.add(version)
    db.session.flush()
    workflow.transition(user, declaration, workflow.Action.propose_final, version=version.label,
                        fingerprint=version.fingerprint, affirmed_for=user.organization.name,
                        after_silence_on=draft.label)
    replace_answer(version, user.organization_id, user, Answer.affirmed)
    return version
