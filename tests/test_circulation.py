"""Circulating drafts: immutable versions with fingerprints, and the workflow's refusals."""

from datetime import date, timedelta

import pytest

from drafting.domain import circulation, draft_editing as composition, workflow
from drafting.domain.text import fingerprint
from drafting.domain.text.composed_document import Document
from drafting.models import DeclarationState, UserRole


def test_circulating_makes_draft_1_then_draft_2_and_moves_to_consultation(make_declaration, circulate):
    declaration = make_declaration(clauses=2)
    first = circulate(declaration)
    assert (first.label, first.number, declaration.state) == ("Draft 1", 1, DeclarationState.consultation)
    assert first.fingerprint == fingerprint.fingerprint(first.canonical_text)
    composition.add_clause(declaration, "Youth", "We will invite young people.")
    second = circulate(declaration)
    assert (second.label, second.number) == ("Draft 2", 2)
    assert second.fingerprint != first.fingerprint


def test_a_version_does_not_change_when_the_working_draft_template_or_organization_does(
    make_declaration, circulate, make_template, db
):
    declaration = make_declaration(clauses=1)
    template = make_template()
    composition.insert_template(declaration, template, {})
    version = circulate(declaration)
    before = (version.canonical_text, version.fingerprint, version.document)
    clause = declaration.clauses[0]
    composition.update_clause(clause, clause.lock_version, "Changed", "Changed text.")
    template.body = "Another body."
    declaration.host.name = "Renamed Host"
    db.session.commit()
    db.session.expire_all()
    assert (version.canonical_text, version.fingerprint, version.document) == before
    assert fingerprint.canonical_text(Document.from_json(version.document)) == version.canonical_text


def test_the_deadline_must_be_after_today_and_nothing_changes(make_declaration, make_user):
    declaration = make_declaration(clauses=1)
    drafter = make_user(organization=declaration.host)
    with pytest.raises(circulation.CirculationError) as refused:
        circulation.circulate(declaration, drafter, date.today(), date.today())
    assert refused.value.field == "comment_deadline"
    assert declaration.state is DeclarationState.drafting and declaration.versions == []


def test_an_empty_draft_is_not_circulated(make_declaration, make_user):
    declaration = make_declaration()
    with pytest.raises(circulation.CirculationError):
        circulation.circulate(declaration, make_user(organization=declaration.host), date.today() + timedelta(1), date.today())


@pytest.mark.parametrize("role", [UserRole.delegate, UserRole.administrator])
def test_only_host_drafters_circulate(make_declaration, make_user, role):
    declaration = make_declaration(clauses=1)
    someone = make_user(role=role, organization=declaration.host if role is UserRole.delegate else None)
    with pytest.raises(workflow.TransitionRefused):
        circulation.circulate(declaration, someone, date.today() + timedelta(1), date.today())
    assert declaration.state is DeclarationState.drafting and declaration.versions == []


@pytest.mark.parametrize("deadline, clauses, message", [
    (date.today(), 1, "The deadline for answers must be a day after today."),
    (date.today() + timedelta(days=7), 0, "A final text needs at least one clause."),
])
def test_a_final_text_too_soon_or_empty_is_refused_on_the_page_and_nothing_changes(
    client, login_as, make_declaration, make_user, circulate, deadline, clauses, message
):
    declaration = make_declaration(clauses=1)
    drafter = login_as(make_user(organization=declaration.host))
    circulate(declaration, by=drafter)
    if not clauses:
        composition.remove_clause(declaration.clauses[0])
    response = client.post(f"/declarations/{declaration.id}/final",
                           data={"affirmation_deadline": deadline.isoformat()}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert declaration.state is DeclarationState.consultation and [v.label for v in declaration.versions] == ["Draft 1"]
