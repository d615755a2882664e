"""What is new for a declaration's host drafters: the comments, amendments and replies of the invited organizations.

Each host drafter hears of them as they chose (HostNotifications): an e-mail for each as it is
made, one daily digest, or no e-mail. Whatever they chose, the desk of comments counts for each
of them what it has not shown them yet. Only what an invited organization writes is news: the
replies of the host and its co-hosts are their drafters' own doing. An item is news from the moment
it was sent: what a delegation prepares is its own until it sends its contribution.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from drafting.domain import permissions
from drafting.domain.clock import as_utc
from drafting.extensions import db
from drafting.models import (
    Comment, CommentStatus, Declaration, DeskVisit, HostNotifications, Participant, ParticipantRole, User, UserRole,
)


@dataclass(frozen=True)
class DeclarationNews:
    """The news of one declaration that a digest lists, oldest first."""

    declaration: Declaration
    items: list[Comment]


def is_news(comment: Comment) -> bool:
    """Tell whether a comment, amendment or reply was sent for an invited organization, not written for a host."""
    return not comment.is_prepared and comment.organization_id not in comment.declaration.host_organization_ids


def host_drafters(declaration: Declaration) -> list[User]:
    """Return the active drafters of the host and of every co-host that accepted (permissions.is_host_drafter)."""
    return list(db.session.scalars(
        select(User).where(
            User.organization_id.in_(declaration.host_organization_ids), User.role == UserRole.drafter,
            User.active.is_(True),
        ).order_by(User.id)
    ))


def told_at_once(comment: Comment) -> list[User]:
    """Return the host drafters to e-mail about a new comment, amendment or reply now: those who chose an
    e-mail for each. Its author is never one of them: news comes from invited organizations only."""
    if not is_news(comment):
        return []
    return [
        drafter for drafter in host_drafters(comment.declaration)
        if drafter.host_notifications is HostNotifications.each
    ]


def choose(user: User, choice: HostNotifications, now: datetime) -> None:
    """Record how the user hears of news as a host drafter; a digest chosen now begins with what comes after now."""
    if choice is HostNotifications.daily_digest and user.host_notifications is not HostNotifications.daily_digest:
        user.digest_sent_up_to = now
    user.host_notifications = choice
    db.session.flush()


def digest_readers() -> list[int]:
    """Return the ids of the active drafters who chose one daily digest."""
    return list(db.session.scalars(
        select(User.id).where(
            User.host_notifications == HostNotifications.daily_digest, User.role == UserRole.drafter,
            User.active.is_(True),
        ).order_by(User.id)
    ))


def _hosted_declaration_ids(user: User):
    """Return a query of the ids of the declarations the user's organization hosts or co-hosts."""
    co_hosted = select(Participant.declaration_id).where(
        Participant.organization_id == user.organization_id, Participant.role == ParticipantRole.host
    )
    return select(Declaration.id).where(or_(Declaration.host_id == user.organization_id, Declaration.id.in_(co_hosted)))


def news_for(user: User, since: datetime | None, until: datetime) -> list[DeclarationNews]:
    """Return, declaration by declaration, the news sent after `since` (from the start if None) up to `until`
    on the declarations the user drafts for as host; withdrawn comments are left out."""
    query = select(Comment).where(
        Comment.declaration_id.in_(_hosted_declaration_ids(user)), Comment.sent_at <= until,
        Comment.status != CommentStatus.withdrawn,
    ).order_by(Comment.declaration_id, Comment.sent_at, Comment.id)
    if since is not None:
        query = query.where(Comment.sent_at > since)
    found: dict[int, DeclarationNews] = {}
    for comment in db.session.scalars(query):
        if is_news(comment) and permissions.is_host_drafter(user, comment.declaration):
            found.setdefault(comment.declaration_id, DeclarationNews(comment.declaration, [])).items.append(comment)
    return list(found.values())


def digest_reader(user_id: int) -> User | None:
    """Return a digest reader under a row lock, read afresh: two digests sent at once then tell them once."""
    return db.session.scalars(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def digest_sent(user: User, until: datetime) -> None:
    """Record that the user's digest has told them of everything made up to `until`."""
    user.digest_sent_up_to = until
    db.session.flush()


def seen_up_to(user, declaration: Declaration) -> datetime | None:
    """Return the moment of the newest news the desk showed the user on this declaration; None if it never did."""
    if not permissions.signed_in(user):
        return None
    seen = db.session.scalar(
        select(DeskVisit.seen_up_to).where(DeskVisit.user_id == user.id, DeskVisit.declaration_id == declaration.id)
    )
    return None if seen is None else as_utc(seen)


def is_new(comment: Comment, seen: datetime | None) -> bool:
    """Tell whether a comment, amendment or reply is news sent after what the desk showed (`seen_up_to`)."""
    return (
        is_news(comment) and comment.status is not CommentStatus.withdrawn
        and (seen is None or as_utc(comment.sent_at) > seen)
    )


def unread_counts(user, declarations: list[Declaration]) -> dict[int, int]:
    """Count, for each declaration the user drafts for as host, the news its desk has not shown them yet.

    Withdrawn comments are not counted. Nobody else has a count: it is the host drafters' to-do.
    """
    hosted = {d.id: d for d in declarations if permissions.is_host_drafter(user, d)}
    if not hosted:
        return {}
    rows = db.session.execute(
        select(Comment.declaration_id, Comment.organization_id, func.count())
        .outerjoin(DeskVisit, and_(DeskVisit.declaration_id == Comment.declaration_id, DeskVisit.user_id == user.id))
        .where(
            Comment.declaration_id.in_(hosted), Comment.status != CommentStatus.withdrawn,
            Comment.sent_at.is_not(None),
            or_(DeskVisit.seen_up_to.is_(None), Comment.sent_at > DeskVisit.seen_up_to),
        )
        .group_by(Comment.declaration_id, Comment.organization_id)
    )
    counts = dict.fromkeys(hosted, 0)
    for declaration_id, organization_id, count in rows:
        if organization_id not in hosted[declaration_id].host_organization_ids:
            counts[declaration_id] += count
    return counts


def unread_count(user, declaration: Declaration) -> int:
    """Count the news the desk of this declaration has not shown the user yet; 0 for anyone but its host drafters."""
    return unread_counts(user, [declaration]).get(declaration.id, 0)


def mark_seen(user: User, declaration: Declaration, shown: list[Comment]) -> None:
    """Remember the newest news the desk showed the host drafter, so that only what comes after counts as new."""
    moments = [as_utc(comment.sent_at) for comment in shown if is_news(comment)]
    if not moments or not permissions.is_host_drafter(user, declaration):
        return
    newest = max(moments)
    visit = db.session.scalar(
        select(DeskVisit).where(DeskVisit.user_id == user.id, DeskVisit.declaration_id == declaration.id)
    )
    if visit is None:
        try:
            # Two tabs opening the desk at once both find no visit; the second then updates the first's.
            with db.session.begin_nested():
                db.session.add(DeskVisit(user_id=user.id, declaration_id=declaration.id, seen_up_to=newest))
            return
        except IntegrityError:
            visit = db.session.scalars(
                select(DeskVisit).where(DeskVisit.user_id == user.id, DeskVisit.declaration_id == declaration.id)
                .execution_options(populate_existing=True)
            ).one()
    if as_utc(visit.seen_up_to) < newest:
        visit.seen_up_to = newest
    db.session.flush()
