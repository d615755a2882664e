"""Consultation: comments, replies and amendments on circulated versions, and the host's replies and decisions.

The organization a comment speaks for is always the author's own, never taken from the request,
so that a delegate cannot comment on behalf of another organization.

A delegation may prepare its comments and amendments before it sends them: a prepared item is
seen by the organization's own people only, and reaches the host, as news, when one of them
sends the organization's contribution on the version. Replies are sent at once.
"""


from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from drafting.domain import audit, comment_targets, contribution_permissions, draft_editing, permissions
from drafting.domain.clock import utcnow
from drafting.domain.locking import EditConflict
from drafting.domain.text import markup, redline
from drafting.domain.text.composed_document import Document, DocumentClause
from drafting.extensions import db
from drafting.models import (
    AmendmentDecision,
    Clause,
    Comment,
    CommentPart,
    CommentStatus,
    Declaration,
    User,
    Version,
    limits,
)


class CommentRefused(ValueError):
    """A comment, reply or decision that cannot be taken; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _checked_text(text: str | None, field: str, maximum: int, what: str) -> str:
    text = markup.normalize(text or "")
    if not text.strip():
        raise CommentRefused(f"Write the {what}.", field)
    if len(text) > maximum:
        raise CommentRefused(f"The {what} has {len(text):,} characters; at most {maximum:,} are allowed.", field)
    return text


def _refuse_if(refusal: permissions.Refusal | None) -> None:
    if refusal is not None:
        raise CommentRefused(*refusal)


def _checked_proposal(proposed_text: str, clause: DocumentClause) -> str:
    proposed_text = _checked_text(proposed_text, "proposed_text", limits.CLAUSE_BODY, "proposed text")
    if markup.paragraphs(proposed_text) == clause.paragraphs:
        raise CommentRefused("The proposed text is the same as the circulated clause.", "proposed_text")
    return proposed_text


def add_comment(
    version: Version, clause_number: int | None, author: User, body: str, proposed_text: str | None = None,
    justification: str | None = None, *, part: CommentPart = CommentPart.clause, paragraph: int | None = None,
    quote: str | None = None, prepare: bool = False,
) -> Comment:
    """Comment on a part of the latest version (a clause by default), or on one paragraph of it, optionally
    quoting the words it is about; propose an amendment to a whole clause when proposed_text is given. Send it
    to the host at once, or keep it prepared for the author's organization when `prepare`.

    An amendment carries its justification: the host weighs it and the compilation prints it with the redline,
    so an amendment without its reasons is refused.
    """
    declaration = version.declaration
    _refuse_if(permissions.why_not_comment(author, version))
    document = version_document(version)
    if part is not CommentPart.clause:
        clause_number = None
    target = comment_targets.Target(part, clause_number, paragraph)
    text = comment_targets.passage(document, target)
    if text is None:
        if part is CommentPart.clause and document.clause_numbered(clause_number or 0) is None:
            raise CommentRefused(f"{version.label} has no clause {clause_number}.", "clause_number")
        raise CommentRefused(f"{version.label} has no {target.phrase}.", "paragraph")
    body = _checked_text(body, "body", limits.COMMENT, "comment")
    quote = markup.normalize(quote or "").strip() or None
    if quote is not None:
        if len(quote) > limits.COMMENT:
            raise CommentRefused(
                f"The quote has {len(quote):,} characters; at most {limits.COMMENT:,} are allowed.", "quote"
            )
        if not comment_targets.quotes(text, quote):
            raise CommentRefused(
                f"“{quote}” is not in {target.phrase} of {version.label}: quote the words "
                "as this version reads them.",
                "quote",
            )
    clause = document.clause_numbered(clause_number) if part is CommentPart.clause else None
    if proposed_text is not None:
        if clause is None or paragraph is not None:
            raise CommentRefused("An amendment proposes the text of a whole clause.", "proposed_text")
        proposed_text = _checked_proposal(proposed_text, clause)
        justification = _checked_text(justification, "justification", limits.JUSTIFICATION, "justification")
    elif justification is not None:
        raise CommentRefused("Only an amendment carries a justification.", "justification")
    comment = Comment(
        declaration=declaration,
        version=version,
        part=part,
        clause_id=clause.clause_id if clause else None,
        clause_number=clause_number,
        paragraph=paragraph,
        quote=quote,
        organization_id=author.organization_id,
        author=author,
        body=body,
        proposed_text=proposed_text,
        justification=justification,
    )
    if not prepare:
        _sent(comment, author)
    db.session.add(comment)
    db.session.flush()
    return comment


def reply(parent: Comment, author: User, body: str) -> Comment:
    """Reply to a comment, in its thread."""
    if parent.parent_id is not None:
        parent = parent.parent
    _refuse_if(permissions.why_not_reply(author, parent))
    answer = Comment(
        declaration=parent.declaration,
        version=parent.version,
        part=parent.part,
        clause_id=parent.clause_id,
        clause_number=parent.clause_number,
        paragraph=parent.paragraph,
        parent=parent,
        organization_id=author.organization_id,
        author=author,
        body=_checked_text(body, "body", limits.COMMENT, "reply"),
    )
    _sent(answer, author)
    db.session.add(answer)
    db.session.flush()
    return answer


def _sent(comment: Comment, sender: User) -> None:
    # Sent at the moment it was made: the host's news is ordered by when items were sent.
    comment.created_at = comment.sent_at = utcnow()
    comment.sent_by = sender


def revise_prepared(comment: Comment, user: User, body: str, proposed_text: str | None = None) -> None:
    """Rewrite a comment, or an amendment's proposed text and reason, that the user's organization prepared and
    has not sent; `proposed_text` is read for an amendment only."""
    # A colleague sending the contribution meanwhile: the revision waits, then finds it sent and refuses.
    db.session.refresh(comment, with_for_update=True)
    _refuse_if(contribution_permissions.why_not_revise(user, comment))
    body = _checked_text(body, "body", limits.COMMENT, "comment")
    if comment.is_amendment:
        clause = version_document(comment.version).clause_numbered(comment.clause_number)
        comment.proposed_text = _checked_proposal(proposed_text, clause)
    comment.body = body
    db.session.flush()


def prepared_items(user: User, version: Version) -> list[Comment]:
    """Return the comments and amendments prepared for the user's organization on this version and not sent."""
    if not permissions.signed_in(user) or user.organization_id is None:
        return []
    return list(db.session.scalars(
        select(Comment).where(
            Comment.version_id == version.id, Comment.organization_id == user.organization_id,
            Comment.parent_id.is_(None), Comment.sent_at.is_(None), Comment.status != CommentStatus.withdrawn,
        ).order_by(Comment.clause_number, Comment.created_at, Comment.id)
    ))


def send_contribution(version: Version, user: User) -> list[Comment]:
    """Send every item prepared for the user's organization on this version to the host, at once; return them.

    The sender and the moment are kept on each item and in the audit trail.
    """
    _refuse_if(contribution_permissions.why_not_send(user, version))
    # Two delegates sending at once: the second waits for the first, then finds nothing left to send.
    items = list(db.session.scalars(
        select(Comment).where(Comment.id.in_([item.id for item in prepared_items(user, version)]))
        .with_for_update().execution_options(populate_existing=True)
    ))
    items = sorted(
        (item for item in items if item.sent_at is None and item.status is not CommentStatus.withdrawn),
        key=lambda item: (item.clause_number, item.created_at, item.id),
    )
    if not items:
        raise CommentRefused(f"{user.organization.name} has nothing prepared on {version.label} to send.")
    now = utcnow()
    for item in items:
        item.sent_at = now
        item.sent_by = user
    db.session.flush()
    audit.record(
        "send contribution", version.declaration, user, version=version.label,
        organization=user.organization.name, comments=[item.id for item in items],
    )
    return items


def withdraw(comment: Comment, user: User) -> None:
    """Withdraw one's own comment: it stays in the record, marked withdrawn."""
    _refuse_if(permissions.why_not_withdraw(user, comment))
    comment.status = CommentStatus.withdrawn
    comment.withdrawn_at = utcnow()
    db.session.flush()


def mark_addressed(comment: Comment, user: User) -> None:
    """Mark a comment addressed (host drafters)."""
    _refuse_if(permissions.why_not_mark_addressed(user, comment))
    comment.status = CommentStatus.addressed
    db.session.flush()


def amendment_redline(circulated: DocumentClause, proposed_text: str) -> list[list[redline.Segment]]:
    """Compare the text proposed for a clause (by an amendment or an objection) with the clause as circulated,
    paragraph by paragraph."""
    return redline.compare_paragraphs(circulated.paragraphs, markup.paragraphs(proposed_text))


def changed_since_circulated(circulated: DocumentClause, clause: Clause) -> bool:
    """Tell whether a working clause no longer reads as the version circulated it."""
    return (clause.heading or None, markup.paragraphs(clause.body)) != (circulated.heading, circulated.paragraphs)


def decide_amendment(
    amendment: Comment, user: User, decision: AmendmentDecision, reason: str | None = None,
    changed_text: str | None = None, based_on: int | None = None,
) -> None:
    """Accept an amendment (its text enters the working draft), accept it with changes, or reject it with a reason.

    `based_on` is the lock_version of the working clause that the host saw when deciding: if the
    clause was saved since, nothing is decided. An amendment was written against the clause as
    circulated, so it is accepted as proposed only while the working clause still reads so;
    otherwise accepting it would silently undo the changes made since, and the host accepts it
    with changes instead, writing the text the clause is to have.
    """
    declaration = amendment.declaration
    # Two drafters deciding the same amendment at once: the second waits, then finds it decided.
    db.session.refresh(amendment, with_for_update=True)
    _refuse_if(permissions.why_not_decide(user, amendment))
    reason = markup.normalize(reason or "") or None
    if reason and len(reason) > limits.DECISION_REASON:
        raise CommentRefused(f"At most {limits.DECISION_REASON:,} characters.", "reason")
    if decision is AmendmentDecision.rejected:
        if not reason:
            raise CommentRefused("Give the reason for rejecting the amendment.", "reason")
    else:
        text = amendment.proposed_text
        if decision is AmendmentDecision.accepted_with_changes:
            text = _checked_text(changed_text, "changed_text", limits.CLAUSE_BODY, "text as changed")
            if markup.paragraphs(text) == markup.paragraphs(amendment.proposed_text):
                raise CommentRefused("This is the proposed text unchanged: accept it as proposed.", "changed_text")
        clause = amendment.clause
        if clause is None:
            raise CommentRefused("The clause was removed from the working draft; the amendment cannot enter it.")
        circulated = version_document(amendment.version).clause_numbered(amendment.clause_number)
        if decision is AmendmentDecision.accepted and changed_since_circulated(circulated, clause):
            raise CommentRefused(
                f"Clause {clause.position} of the working draft has changed since {amendment.version.label} was "
                "circulated, and accepting the amendment as proposed would undo that change. Accept it with changes, "
                "writing the text the clause is to have.",
                "decision",
            )
        try:
            draft_editing.update_clause(clause, clause.lock_version if based_on is None else based_on, clause.heading, text)
        except draft_editing.CompositionError as error:
            raise CommentRefused(str(error)) from None
        except EditConflict as conflict:
            raise CommentRefused(
                f"Clause {conflict.current.position} of the working draft was saved by someone else while you were "
                "deciding: read it again as it stands now, then decide."
            ) from None
        amendment.accepted_text = text
    amendment.decision = decision
    amendment.decision_reason = reason
    amendment.decided_by = user
    amendment.decided_at = utcnow()
    amendment.status = CommentStatus.addressed
    audit.record(
        "decide amendment", declaration, user, comment=amendment.id, decision=decision.value,
        version=amendment.version.label, clause=amendment.clause_number,
        organization=amendment.organization.name,
    )


def version_document(version: Version) -> Document:
    """Return the document a version circulated."""
    return Document.from_json(version.document)


def readable_by(user: User, declaration: Declaration):
    """Return the condition on comments that the user may read: every one sent, for the host; for a delegate
    their own organization's, prepared or sent, and those sent on versions circulated for an open consultation."""
    if permissions.can_see_working_draft(user, declaration):
        return Comment.sent_at.is_not(None)
    opened = select(Version.id).where(Version.declaration_id == declaration.id, Version.open_consultation)
    return or_(Comment.organization_id == user.organization_id,
               and_(Comment.sent_at.is_not(None), Comment.version_id.in_(opened)))


def visible_threads(user: User, declaration: Declaration, version: Version | None = None) -> list[Comment]:
    """Return the top-level comments the user may read (readable_by), with their replies."""
    query = (
        select(Comment)
        .where(Comment.declaration_id == declaration.id, Comment.parent_id.is_(None))
        .options(
            selectinload(Comment.replies).joinedload(Comment.author),
            selectinload(Comment.replies).joinedload(Comment.organization),
            selectinload(Comment.author),
            selectinload(Comment.organization),
            selectinload(Comment.version),
        )
        .order_by(Comment.clause_number, Comment.created_at)
    )
    if version is not None:
        query = query.where(Comment.version_id == version.id)
    return list(db.session.scalars(query.where(readable_by(user, declaration))))


@dataclass(frozen=True)
class TargetThreads:
    """The threads on one target of a version, and for each whether its passage has changed since, and where."""

    target: comment_targets.Target
    threads: list[Comment]
    # The first later version in which the thread's passage changed, by thread id; absent while still attached.
    changed_in: dict[int, Version] = field(default_factory=dict)


def threads_by_target(user: User, version: Version) -> list[TargetThreads]:
    """Return the threads the user may read that were made on this version, grouped by target in the order the
    document reads (opening, preamble and its paragraphs, each clause then its paragraphs, closing formula).

    Each group tells which of its threads are outdated: their passage changed in a later version
    (see comment_targets for how a passage is found again).
    """
    declaration = version.declaration
    threads = visible_threads(user, declaration, version)
    versions = sorted(declaration.versions, key=lambda v: v.number)
    documents = {v.id: version_document(v) for v in versions}
    groups: dict[comment_targets.Target, TargetThreads] = {}
    for thread in threads:
        target = comment_targets.of_comment(thread)
        group = groups.setdefault(target, TargetThreads(target, []))
        group.threads.append(thread)
        changed = comment_targets.changed_in(thread, versions, documents)
        if changed is not None:
            group.changed_in[thread.id] = changed
    return [groups[target] for target in sorted(groups, key=comment_targets.Target.order)]
