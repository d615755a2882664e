"""The workflow of a declaration (DESIGN.md, "Workflow") as a transition table.

Every change of state goes through `transition()`. A move that the table does not allow, in
that state or for that user, raises TransitionRefused with the reason and changes nothing.
"""

import enum

from sqlalchemy import select

from drafting.domain import audit, participation
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, UserRole

S = DeclarationState


class Action(enum.Enum):
    circulate = "circulate"
    propose_final = "propose final"
    reopen = "reopen"
    adopt = "adopt"
    withdraw = "withdraw"


class Actor(enum.Enum):
    host_drafter = "host drafter"
    administrator = "administrator"


HOST = frozenset({Actor.host_drafter})
HOST_OR_ADMINISTRATOR = frozenset({Actor.host_drafter, Actor.administrator})

# (state, action) -> (next state, who may)
TRANSITIONS: dict[tuple[DeclarationState, Action], tuple[DeclarationState, frozenset[Actor]]] = {
    (S.drafting, Action.circulate): (S.consultation, HOST),
    (S.consultation, Action.circulate): (S.consultation, HOST),
    (S.consultation, Action.propose_final): (S.affirmation, HOST),
    (S.affirmation, Action.reopen): (S.consultation, HOST),
    (S.affirmation, Action.adopt): (S.adopted, HOST),
    (S.drafting, Action.withdraw): (S.withdrawn, HOST_OR_ADMINISTRATOR),
    (S.consultation, Action.withdraw): (S.withdrawn, HOST_OR_ADMINISTRATOR),
    (S.affirmation, Action.withdraw): (S.withdrawn, HOST_OR_ADMINISTRATOR),
}


class TransitionRefused(Exception):
    """A transition the workflow does not allow; the message says why."""


def actors(user, declaration: Declaration) -> set[Actor]:
    """Return the parts the user may play in the declaration's workflow."""
    roles = set()
    if user is None or not user.is_authenticated:
        return roles
    if user.role is UserRole.drafter and participation.hosts(declaration, user.organization_id):
        roles.add(Actor.host_drafter)
    if user.is_admin:
        roles.add(Actor.administrator)
    return roles


def lock(declaration: Declaration, shared: bool = False) -> Declaration:
    """Take the declaration's row lock and read its state afresh, before deciding on a change of state.

    Two changes of state made at the same moment (a circulation and a proposal of the final text,
    an answer and a reopening) then happen one after the other, the second seeing the first. A
    `shared` lock (PostgreSQL's FOR SHARE) is held by many at once and excludes only the others: the
    answers to a final text exclude its reopening, adoption and withdrawal, not each other.
    """
    locked = db.session.scalars(
        select(Declaration).where(Declaration.id == declaration.id).with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).one()
    # Who takes part may have changed while the lock was awaited: read it afresh too.
    participation.forget()
    return locked


def check(user, declaration: Declaration, action: Action) -> DeclarationState:
    """Return the state the action leads to, or raise TransitionRefused saying why it cannot be taken."""
    entry = TRANSITIONS.get((declaration.state, action))
    if entry is None:
        raise TransitionRefused(f"A declaration in {declaration.state.value} cannot {action.value}.")
    target, allowed = entry
    if not actors(user, declaration) & allowed:
        who = " or ".join(sorted(actor.value for actor in allowed))
        raise TransitionRefused(f"Only the {who} may {action.value} this declaration.")
    return target


def transition(user, declaration: Declaration, action: Action, **detail) -> DeclarationState:
    """Take the action: check it, move the declaration to its next state, and record it in the audit trail."""
    target = check(user, declaration, action)
    source = declaration.state
    declaration.state = target
    db.session.flush()
    audit.record(action.value, declaration, user, source.value, target.value, **detail)
    return target
