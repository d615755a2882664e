"""Consultation: comments, replies and amendments on circulated versions, and the host's replies and decisions.

The organization a comment speaks for is always the author's own, never taken from the request,
so that a delegate cannot comment on behalf of another organization.

A delegation may prepare its comments and amendments before it sends them: a prepared item is
seen by the organization's own people only, and reaches the host, as news, when one of them
sends the organization's contribution on the version. Replies are sent at once.
"""


from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.domain import audit, contribution_permissions, draft_editing, permissions
from drafting.domain.clock import utcnow
from drafting.domain.locking import EditConflict
from drafting.domain.text import markup
from drafting.domain.text.composed_document import Document, DocumentClause
from drafting.extensions import db
from drafting.models import (
    AmendmentDecision,
    Clause,
    Comment,
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
    version: Version, clause_number: int, author: User, body: str, proposed_text: str | None = None,
    prepare: bool = False,
) -> Comment:
    """Comment on a clause of the latest version, or propose an amendment when proposed_text is given;
    send it to the host at once, or keep it prepared for the author's organization when `prepare`."""
    declaration = version.declaration
    _refuse_if(permissions.why_not_comment(author, version))
    clause = version_document(version).clause_numbered(clause_number)
    if clause is None:
        raise CommentRefused(f"{version.label} has no clause {clause_number}.", "clause_number")
    body = _checked_text(body, "body", limits.COMMENT, "comment")
    if proposed_text is not None:
        proposed_text = _checked_proposal(proposed_text, clause)
    comment = Comment(
        declaration=declaration,
        version=version,
        clause_id=clause.clause_id,
        clause_number=clause_number,
        organization_id=author.organization_id,
        author=author,
        body=body,
        proposed_text=proposed_text,
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
        clause_id=parent.clause_id,
        clause_number=parent.clause_number,
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
    """Return the condition on comments that the user may read: every one sent for the host, their own
    organization's, prepared or sent, for a delegate."""
    if permissions.can_see_working_draft(user, declaration):
        return Comment.sent_at.is_not(None)
    return Comment.organization_id == user.organization_id


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
