"""Who takes part in a declaration, read for one organization or one person at a time.

Every request that acts on a declaration asks who the user's organization is in it (a host, an
invited participant, an observer) and under which mandate the user speaks for it. Answering that
from the declaration's whole list of participants made the work of one delegate's answer grow with
the number of participants: 200 delegates answering at once read 200 lists of 200. So the role is
read from the list only where the page loaded it already, and otherwise from the one row of the
user's organization.

A request asks the same several times (the loader, the domain before it writes, the template), so
the session remembers each answer until it flushes, commits or rolls back, or until a row lock is
taken to read afresh (`forget`); while it holds changes not yet flushed, it asks the database,
whose autoflush writes them first.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from drafting.extensions import db
from drafting.models import Declaration, Mandate, Organization, Participant, ParticipantRole, User

MEMORY = "drafting.participation"
Read = TypeVar("Read")


def _remembered(key: tuple, read: Callable[[], Read]) -> Read:
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return read()
    memory = session.info.setdefault(MEMORY, {})
    if key not in memory:
        memory[key] = read()
    return memory[key]


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_in(session: Session, *_) -> None:
    session.info.pop(MEMORY, None)


def forget() -> None:
    """Forget who takes part as this session read it: the next question reads the database again."""
    _forget_in(db.session())


def role_of(declaration: Declaration, organization_id: int | None) -> ParticipantRole | None:
    """Return the role in which the organization takes part in the declaration, or None if it does not."""
    if organization_id is None:
        return None
    if "participants" not in inspect(declaration).unloaded:
        return next((p.role for p in declaration.participants if p.organization_id == organization_id), None)
    return _remembered(("role", declaration.id, organization_id), lambda: db.session.scalar(
        select(Participant.role).where(Participant.declaration_id == declaration.id,
                                       Participant.organization_id == organization_id)
    ))


def hosts(declaration: Declaration, organization_id: int | None) -> bool:
    """Tell whether the organization is the declaration's host or a co-host that accepted."""
    if organization_id is None:
        return False
    return organization_id == declaration.host_id or role_of(declaration, organization_id) is ParticipantRole.host


def is_invited(declaration: Declaration, organization_id: int | None) -> bool:
    """Tell whether the organization is invited to the declaration as a participant or an observer, not as a host."""
    return role_of(declaration, organization_id) in (ParticipantRole.participant, ParticipantRole.observer)


def mandate_for(user, declaration: Declaration) -> Mandate | None:
    """Return the confirmed, unrevoked mandate under which the user acts on the declaration, if any.

    A mandate for this declaration comes before one for every declaration: it says more.
    """
    if user is None or not user.is_authenticated or user.organization_id is None:
        return None
    return _remembered(("mandate", user.id, declaration.id), lambda: db.session.scalars(
        select(Mandate).join(User, User.id == Mandate.user_id)
        .where(Mandate.user_id == user.id, Mandate.covering(declaration.id))
        .order_by(Mandate.declaration_id.is_(None), Mandate.id)
    ).first())


def load_organizations(declaration: Declaration) -> None:
    """Load every participant of the declaration with its organization and that organization's names in every
    language, in a few queries however many take part, for a page or a document that names them all."""
    participants = db.session.scalars(
        select(Participant).where(Participant.declaration_id == declaration.id)
        .options(selectinload(Participant.organization).selectinload(Organization.names))
    ).all()
    # Held by the declaration's list, they stay in the session: unreferenced, it would let them go, loaded and all.
    if "participants" in inspect(declaration).unloaded:
        set_committed_value(declaration, "participants", participants)
