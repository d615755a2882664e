"""What a person may do for their own organization: decide who speaks for it, and answer a proposal
that it co-host a declaration. The rules of a declaration's own work are in drafting.domain.permissions."""

from drafting.domain.permissions import EDITABLE_STATES, Refusal, signed_in
from drafting.models import Organization, Participant, UserRole


def is_focal_point_of(user, organization_id: int | None) -> bool:
    """Tell whether the user is an active focal point of that organization."""
    return signed_in(user) and user.focal_point and organization_id is not None and user.organization_id == organization_id


def why_not_vouch(user, organization: Organization) -> Refusal | None:
    """Say why the user may not decide who speaks for the organization (its delegates, drafters,
    mandates and requests); None if they may: its own focal points and administrators."""
    if signed_in(user) and (user.is_admin or is_focal_point_of(user, organization.id)):
        return None
    return Refusal(f"Only a focal point of {organization.name} or an administrator decides who speaks for it.")


def may_vouch(user, organization: Organization) -> bool:
    """Tell whether the user decides who speaks for the organization."""
    return why_not_vouch(user, organization) is None


def why_not_answer_co_host_proposal(user, participant: Participant) -> Refusal | None:
    """Say why the user may not accept or decline, for its organization, a proposal to co-host; None if they may.

    The organization's own drafters answer (and administrators): never the host that proposed.
    """
    name = participant.organization.name
    if not signed_in(user):
        return Refusal(f"Only the drafters of {name} answer a proposal that {name} co-host.")
    own_drafter = user.role is UserRole.drafter and user.organization_id == participant.organization_id
    if not (own_drafter or user.is_admin):
        return Refusal(f"Only the drafters of {name} answer a proposal that {name} co-host.")
    if not participant.co_host_proposed:
        return Refusal(f"There is no proposal waiting for {name}'s answer.")
    declaration = participant.declaration
    if declaration.state not in EDITABLE_STATES:
        return Refusal(
            f"The declaration is in {declaration.state.value}: a co-host joins only while its text can change, "
            "before the final text is proposed."
        )
    return None


def may_answer_co_host_proposal(user, participant: Participant) -> bool:
    """Tell whether the user may accept or decline, for its organization, a proposal to co-host now."""
    return why_not_answer_co_host_proposal(user, participant) is None
