"""Focal points: the people of an organization, named by an administrator, who vouch for it."""

from drafting.domain import audit, permissions
from drafting.domain.people.delegate_invitations import InvitationRefused
from drafting.models import User


def name_focal_point(user: User, named: bool, by: User) -> None:
    """Name the user a focal point of their own organization, or unname them.

    Raise InvitationRefused, changing nothing, unless `by` is an administrator and the user an
    active account of an organization.
    """
    if not permissions.can_administer(by):
        raise InvitationRefused("Only an administrator names the focal points of an organization.")
    if user.organization is None or not user.active:
        raise InvitationRefused(f"{user.name} is not an active account of an organization.")
    if user.focal_point == named:
        raise InvitationRefused(f"{user.name} is {'' if named else 'not '}a focal point of {user.organization.name} already.")
    user.focal_point = named
    audit.record("focal point named" if named else "focal point unnamed", None, by,
                 organization=user.organization.name, user=user.email)
