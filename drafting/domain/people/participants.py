"""Inviting organizations to take part in a declaration, giving them another role, removing them;
proposing an organization co-host, and its answer.

Naming an organization co-host is a proposal: until one of its own drafters accepts, it keeps the
role it had (observer when it was invited as co-host), has no host's right and is named nowhere.
Every change of who takes part goes into the audit trail.
"""

from datetime import date

from sqlalchemy import select

from drafting.domain import audit, organization_permissions, permissions
from drafting.extensions import db
from drafting.models import CoHostStatus, Declaration, Network, Organization, Participant, ParticipantRole, User


class InvitationError(ValueError):
    """An invitation that cannot be made; the message says why."""


def _propose_co_host(participant: Participant, by: User | None) -> None:
    participant.co_host_status = CoHostStatus.proposed
    audit.record("co-host proposed", participant.declaration, by, organization=participant.organization.name)


def _add(declaration: Declaration, organization: Organization, role: ParticipantRole) -> Participant:
    # A co-host is proposed: it takes part as an observer, commenting, until it accepts.
    participant = Participant(
        organization=organization, role=ParticipantRole.observer if role is ParticipantRole.host else role
    )
    declaration.participants.append(participant)
    db.session.flush()
    return participant


def invite(declaration: Declaration, organization: Organization, role: ParticipantRole,
           by: User | None = None) -> Participant:
    """Invite one organization as participant or observer, or propose it co-host; refuse one that takes part already."""
    if role is ParticipantRole.host and organization.id == declaration.host_id:
        raise InvitationError(f"{organization.name} is the host already.")
    for participant in declaration.participants:
        if participant.organization_id == organization.id:
            raise InvitationError(f"{organization.name} takes part already, as {participant.role.value}.")
    participant = _add(declaration, organization, role)
    audit.record("participant invited", declaration, by, organization=organization.name, role=participant.role.value)
    if role is ParticipantRole.host:
        _propose_co_host(participant, by)
    return participant


def invite_network_members(
    declaration: Declaration, network: Network, role: ParticipantRole, on: date, by: User | None = None
) -> list[Participant]:
    """Invite every organization that is a member of the network on the given day and not yet invited."""
    taking_part = {participant.organization_id for participant in declaration.participants}
    invited = [
        _add(declaration, organization, role) for organization in network.members_on(on)
        if organization.id not in taking_part
    ]
    if invited:
        audit.record("network members invited", declaration, by, network=network.name,
                     role=invited[0].role.value, organizations=[p.organization.name for p in invited])
    if role is ParticipantRole.host:
        for participant in invited:
            _propose_co_host(participant, by)
    return invited


def uninvite(participant: Participant, by: User | None = None) -> None:
    """Withdraw an invitation; the host itself cannot be removed."""
    declaration = participant.declaration
    if participant.is_host:
        raise InvitationError("The host cannot be removed from its own declaration.")
    audit.record("participant removed", declaration, by, organization=participant.organization.name,
                 role=participant.role.value)
    declaration.participants.remove(participant)
    db.session.delete(participant)
    db.session.flush()


def change_role(participant: Participant, role: ParticipantRole, by: User | None = None) -> None:
    """Give a participant another role; the role of co-host is proposed to it, and an unanswered proposal withdrawn."""
    declaration = participant.declaration
    name = participant.organization.name
    if participant.is_host:
        raise InvitationError(f"{name} is the host: its role does not change.")
    if declaration.state not in permissions.EDITABLE_STATES:
        raise InvitationError(f"The declaration is in {declaration.state.value}: who takes part, and how, is settled.")
    if role is ParticipantRole.host:
        if participant.is_co_host or participant.co_host_proposed:
            raise InvitationError(f"{name} is {'co-host' if participant.is_co_host else 'proposed co-host'} already.")
        _propose_co_host(participant, by)
        return
    if participant.role is role and not participant.co_host_proposed:
        raise InvitationError(f"{name} takes part as {role.value} already.")
    if participant.co_host_proposed:
        audit.record("co-host proposal withdrawn", declaration, by, organization=name)
    if participant.co_host_proposed or participant.is_co_host:
        participant.co_host_status = None
    if participant.role is not role:
        audit.record("participant role changed", declaration, by, organization=name,
                     **{"from": participant.role.value, "to": role.value})
        participant.role = role
    db.session.flush()


def answer_co_host_proposal(participant: Participant, user: User, accept: bool) -> None:
    """Accept or decline, for the participant's organization, the proposal to co-host its declaration."""
    refusal = organization_permissions.why_not_answer_co_host_proposal(user, participant)
    if refusal is not None:
        raise InvitationError(refusal.message)
    declaration = participant.declaration
    if accept:
        participant.role = ParticipantRole.host
        participant.co_host_status = CoHostStatus.accepted
    else:
        participant.co_host_status = CoHostStatus.declined
    db.session.flush()
    audit.record("co-host accepted" if accept else "co-host declined", declaration, user,
                 organization=participant.organization.name)


def settle_imported_co_hosts(declaration: Declaration) -> None:
    """Settle the co-hosts an imported document lists, which nobody here asked: as the migration settled them.

    While its text can change, each is proposed and takes part as an observer until its own drafters
    accept; from the final text on, the text names them and they stay co-hosts, answering for themselves.
    """
    for participant in declaration.participants:
        if not participant.is_co_host:
            continue
        if declaration.state in permissions.EDITABLE_STATES:
            participant.role = ParticipantRole.observer
            participant.co_host_status = CoHostStatus.proposed
        else:
            participant.co_host_status = CoHostStatus.accepted
    db.session.flush()


def who_answers_co_host_proposal(participant: Participant) -> list[User]:
    """Return the active people of the proposed organization who may answer its proposal to co-host, by e-mail address."""
    people = db.session.scalars(
        select(User).where(User.organization_id == participant.organization_id, User.active).order_by(User.email)
    )
    return [person for person in people if organization_permissions.may_answer_co_host_proposal(person, participant)]


def pending_co_host_proposals(user) -> list[Participant]:
    """Return the proposals to co-host that the user may answer now, oldest first."""
    query = select(Participant).where(Participant.co_host_status == CoHostStatus.proposed).order_by(Participant.id)
    if not user.is_admin:
        query = query.where(Participant.organization_id == user.organization_id)
    return [p for p in db.session.scalars(query) if organization_permissions.may_answer_co_host_proposal(user, p)]
