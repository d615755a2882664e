"""What a delegation may do with the comments it prepares before it sends them to the host: send them
as its contribution, rewrite them. Who reads them is in drafting.domain.permissions."""

from drafting.domain import permissions
from drafting.domain.permissions import Refusal
from drafting.models import Comment, CommentStatus, Version


def why_not_send(user, version: Version) -> Refusal | None:
    """Say why the user may not send their organization's prepared comments on this version now; None if they may.

    Sending is commenting: the same people, on the latest version, before its deadline.
    """
    return permissions.why_not_comment(user, version)


def may_send(user, version: Version) -> bool:
    """Tell whether the user may send their organization's prepared comments on this version now."""
    return why_not_send(user, version) is None


def why_not_revise(user, comment: Comment) -> Refusal | None:
    """Say why the user may not rewrite this prepared comment now; None if they may.

    Until it is sent, a prepared comment is its organization's draft: any of its people may rewrite it
    while they may still comment on its version.
    """
    if not (comment.is_prepared and permissions.is_own_organization(user, comment)):
        return Refusal("Only a prepared comment is rewritten, by its own organization, before it is sent.")
    if comment.status is CommentStatus.withdrawn:
        return Refusal("This comment is withdrawn: it is no longer rewritten.")
    return permissions.why_not_comment(user, comment.version)


def may_revise(user, comment: Comment) -> bool:
    """Tell whether the user may rewrite this prepared comment now."""
    return why_not_revise(user, comment) is None
