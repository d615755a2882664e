"""Inviting organizations to take part in a declaration."""

from datetime import date

from drafting.extensions import db
from drafting.models import Declaration, Network, Organization, Participant, ParticipantRole


class InvitationError(ValueError):
    """An invitation that cannot be made; the message says why."""


def invite(declaration: Declaration, organization: Organization, role: ParticipantRole) -> Participant:
    """Invite one organization as participant or observer; refuse one that takes part already."""
    if role is ParticipantRole.host and organization.id == declaration.host_id:
        raise InvitationError(f"{organization.name} is the host already.")
    for participant in declaration.participants:
        if participant.organization_id == organization.id:
            raise InvitationError(f"{organization.name} takes part already, as {participant.role.value}.")
    participant = Participant(organization=organization, role=role)
    declaration.participants.append(participant)
    db.session.flush()
    return participant


def invite_network_members(
    declaration: Declaration, network: Network, role: ParticipantRole, on: date
) -> list[Participant]:
    """Invite every organization that is a member of the network on the given day and not yet invited."""
    taking_part = {participant.organization_id for participant in declaration.participants}
    invited = []
    for organization in network.members_on(on):
        if organization.id not in taking_part:
            participant = Participant(organization=organization, role=role)
            declaration.participants.append(participant)
            invited.append(participant)
    db.session.flush()
    return invited


def uninvite(participant: Participant) -> None:
    """Withdraw an invitation; the host itself cannot be removed."""
    declaration = participant.declaration
    if participant.is_host:
        raise InvitationError("The host cannot be removed from its own declaration.")
    declaration.participants.remove(participant)
    db.session.delete(participant)
    db.session.flush()
