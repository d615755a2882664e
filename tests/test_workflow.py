"""The workflow's transition table, walked over every state, action and role."""

import pytest

from drafting.domain import workflow
from drafting.domain.people.participants import invite
from drafting.models import DeclarationState, ParticipantRole, UserRole

S, A = DeclarationState, workflow.Action

ALLOWED = {
    # (state, action): next state, for the drafters of the host and of its co-hosts (who share the
    # host's rights); administrators may only withdraw.
    (S.drafting, A.circulate): S.consultation,
    (S.consultation, A.circulate): S.consultation,
    (S.consultation, A.propose_final): S.affirmation,
    (S.affirmation, A.reopen): S.consultation,
    (S.affirmation, A.adopt): S.adopted,
    (S.drafting, A.withdraw): S.withdrawn,
    (S.consultation, A.withdraw): S.withdrawn,
    (S.affirmation, A.withdraw): S.withdrawn,
}

ROLES = ["host drafter", "host delegate", "co-host drafter", "co-host delegate", "other drafter",
         "participant delegate", "administrator", "anonymous"]
DRAFTERS_OF_THE_HOSTS = {"host drafter", "co-host drafter"}


@pytest.fixture
def people(make_user, make_organization, make_co_host):
    def co_host(declaration):
        organization = make_organization("Co-hosting City", country="KR")
        make_co_host(declaration, organization)
        return organization

    def who(role, declaration):
        if role == "anonymous":
            return None
        return {
            "co-host drafter": lambda: make_user(organization=co_host(declaration)),
            "co-host delegate": lambda: make_user(role=UserRole.delegate, organization=co_host(declaration)),
            "host drafter": lambda: make_user(organization=declaration.host),
            "host delegate": lambda: make_user(role=UserRole.delegate, organization=declaration.host),
            "other drafter": lambda: make_user(),
            "participant delegate": lambda: make_user(role=UserRole.delegate),
            "administrator": lambda: make_user(role=UserRole.administrator),
        }[role]()

    return who


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(A), ids=lambda a: a.name)
@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_every_state_action_and_role(make_declaration, people, state, action, role):
    declaration = make_declaration(clauses=1, state=state)
    user = people(role, declaration)
    target = ALLOWED.get((state, action))
    allowed = target is not None and (
        role in DRAFTERS_OF_THE_HOSTS or (role == "administrator" and action is A.withdraw)
    )
    if allowed:
        assert workflow.transition(user, declaration, action) is target
        assert declaration.state is target
    else:
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.transition(user, declaration, action)
        reason = str(refused.value)
        assert reason.startswith("Only the") if target else reason == f"A declaration in {state.value} cannot {action.value}."
        assert declaration.state is state
