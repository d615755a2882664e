"""Who gives a stance on the clauses of a draft, and who sees every organization's on the board."""

from drafting.domain import permissions
from drafting.domain.permissions import Refusal
from drafting.models import Declaration, DeclarationState, Version


def why_not_take_stance(user, version: Version) -> Refusal | None:
    """Say why the user may not give their organization's stance on the clauses of this version now; None if they may.

    Stances are the participants' (observers comment but take no stance), on the latest draft, until
    its comment deadline: for everyone, the host included, since the board counts them then.
    """
    declaration = version.declaration
    latest = permissions.latest_version(declaration)
    if declaration.state is not DeclarationState.consultation:
        return Refusal(f"Stances are closed: the declaration is in {declaration.state.value}.")
    if permissions.is_void(version):
        return Refusal(f"{version.label} is void: the declaration was reopened.")
    if version is not latest:
        return Refusal(f"{version.label} has been replaced by {latest.label}: give your stance on the latest draft.")
    if permissions.deadline_passed(version):
        return Refusal(f"Stances closed with the comment deadline, {permissions.deadline_phrase(version, user)}.")
    if not permissions.acts_for_participant(user, declaration):
        return permissions.refusal_without_mandate(user, declaration, "Only delegates of the participating organizations give stances, each for their own.")
    return None


def may_take_stance(user, version: Version) -> bool:
    """Tell whether the user may give their organization's stance on the clauses of this version now."""
    return why_not_take_stance(user, version) is None


def can_see_stance_board(user, declaration: Declaration) -> bool:
    """Tell whether the user may see every organization's stances: host staff and administrators."""
    return permissions.can_see_working_draft(user, declaration)
