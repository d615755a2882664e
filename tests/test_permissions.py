"""The permission predicates on their own, as a table of (who, state) against the answer."""

import pytest

from drafting.domain import permissions
from drafting.domain.people.participants import invite
from drafting.models import DeclarationState, ParticipantRole, UserRole

S = DeclarationState


@pytest.fixture
def cast(make_declaration, make_organization, make_user, make_co_host):
    """A declaration and one user of each kind that matters to it."""
    declaration = make_declaration()
    co_host, guest, watcher = make_organization(), make_organization(), make_organization()
    make_co_host(declaration, co_host)
    invite(declaration, guest, ParticipantRole.participant)
    invite(declaration, watcher, ParticipantRole.observer)
    return declaration, {
        "anonymous": None,
        "host drafter": make_user(organization=declaration.host),
        "host delegate": make_user(role=UserRole.delegate, organization=declaration.host),
        "co-host drafter": make_user(organization=co_host),
        "participant delegate": make_user(role=UserRole.delegate, organization=guest),
        "observer delegate": make_user(role=UserRole.delegate, organization=watcher),
        "outsider drafter": make_user(),
        "administrator": make_user(role=UserRole.administrator),
    }


VIEW = {
    # who: states in which they may see the declaration
    "anonymous": {S.adopted},
    "host drafter": set(S),
    "host delegate": set(S),
    "co-host drafter": set(S),
    "participant delegate": {S.consultation, S.affirmation, S.adopted},
    "observer delegate": {S.consultation, S.affirmation, S.adopted},
    "outsider drafter": {S.adopted},
    "administrator": set(S),
}

EDIT = {
    "host drafter": {S.drafting, S.consultation},
    "co-host drafter": {S.drafting, S.consultation},
}


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
@pytest.mark.parametrize("who", list(VIEW))
def test_who_may_view_and_edit(cast, who, state):
    declaration, users = cast
    declaration.state = state
    user = users[who]
    assert permissions.can_view(user, declaration) == (state in VIEW[who])
    assert permissions.can_edit(user, declaration) == (state in EDIT.get(who, set()))


def test_only_drafters_with_an_organization_create_declarations(make_user):
    assert permissions.can_create_declaration(make_user(role=UserRole.drafter))
    assert not permissions.can_create_declaration(make_user(role=UserRole.delegate))
    assert not permissions.can_create_declaration(make_user(role=UserRole.administrator))
    assert not permissions.can_create_declaration(None)


def test_library_is_managed_by_administrators_and_drafters(make_user):
    assert permissions.can_manage_library(make_user(role=UserRole.administrator))
    assert permissions.can_manage_library(make_user(role=UserRole.drafter))
    assert not permissions.can_manage_library(make_user(role=UserRole.delegate))
