"""The part one organization takes in a declaration, read from that organization's own row.

Every request that acts on a declaration asks who the user's organization is in it: a host, an
invited participant, an observer. Answering that from the declaration's whole list of participants
made the work of one delegate's answer grow with the number of participants, and 200 delegates
answering at once read 200 lists of 200. So it reads the list only where the page loaded it
already, and otherwise the one row of the user's organization.
"""

from sqlalchemy import inspect, select

from drafting.extensions import db
from drafting.models import Declaration, Participant, ParticipantRole


def role_of(declaration: Declaration, organization_id: int | None) -> ParticipantRole | None:
    """Return the role in which the organization takes part in the declaration, or None if it does not."""
    if organization_id is None:
        return None
    if "participants" not in inspect(declaration).unloaded:
        return next((p.role for p in declaration.participants if p.organization_id == organization_id), None)
    return db.session.scalar(
        select(Participant.role).where(Participant.declaration_id == declaration.id,
                                       Participant.organization_id == organization_id)
    )


def hosts(declaration: Declaration, organization_id: int | None) -> bool:
    """Tell whether the organization is the declaration's host or a co-host that accepted."""
    if organization_id is None:
        return False
    return organization_id == declaration.host_id or role_of(declaration, organization_id) is ParticipantRole.host


def is_invited(declaration: Declaration, organization_id: int | None) -> bool:
    """Tell whether the organization is invited to the declaration as a participant or an observer, not as a host."""
    return role_of(declaration, organization_id) in (ParticipantRole.participant, ParticipantRole.observer)
