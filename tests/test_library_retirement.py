"""Retiring a clause template: it leaves what the library offers, stays readable, and can come back."""

import pytest
from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import Clause, ClauseTemplate, TemplateCategory, UserRole


@pytest.fixture
def template(make_template):
    return make_template(name="Joint disaster drills", body="We hold joint disaster drills every year.",
                         category=TemplateCategory.crisis_management)


def page_of(response) -> str:
    return response.get_data(as_text=True)


def clause_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Clause))


def test_a_delegate_may_not_retire_or_restore_a_template(client, make_user, login_as, template):
    login_as(make_user(role=UserRole.delegate))
    assert client.post(f"/library/{template.id}/retire").status_code == 403
    db.session.refresh(template)
    assert template.retired_at is None
    template.retired_at = func.now()
    db.session.commit()
    assert client.post(f"/library/{template.id}/restore").status_code == 403
    db.session.refresh(template)
    assert template.retired_at is not None


def test_anonymous_visitors_may_not_retire_a_template(client, template):
    response = client.post(f"/library/{template.id}/retire")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(template)
    assert template.retired_at is None


def test_a_drafter_retires_a_template_and_it_leaves_the_list_and_the_editor(
    client, make_user, login_as, make_declaration, template, make_template
):
    kept = make_template(name="Joint projects continue")
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)

    response = client.post(f"/library/{template.id}/retire", follow_redirects=True)

    assert "“Joint disaster drills” is retired" in page_of(response)
    db.session.refresh(template)
    assert template.retired_at is not None and template.retired_by_id == drafter.id
    listing = page_of(client.get("/library/"))
    assert "Joint projects continue" in listing and "Joint disaster drills" not in listing
    chooser = page_of(client.get(f"/declarations/{declaration.id}/insert"))
    assert kept.name in chooser and template.name not in chooser


def test_the_library_lists_retired_templates_when_asked_and_marks_them(client, make_user, login_as, template):
    drafter = login_as(make_user())
    client.post(f"/library/{template.id}/retire")
    listing = page_of(client.get("/library/?retired=y"))
    assert "Joint disaster drills" in listing and ">retired<" in listing
    shown = page_of(client.get(f"/library/{template.id}"))
    assert "Retired on" in shown and drafter.name in shown and "Restore" in shown


def test_a_retired_template_cannot_be_inserted_even_by_its_address(
    client, make_user, login_as, make_declaration, template
):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    client.post(f"/library/{template.id}/retire")
    before = clause_count()

    response = client.post(f"/declarations/{declaration.id}/insert/{template.id}", follow_redirects=True)

    assert "“Joint disaster drills” is retired from the library" in page_of(response)
    assert clause_count() == before


def test_clauses_made_from_a_template_stay_as_they_are_when_it_is_retired(
    client, make_user, login_as, make_declaration, template
):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    client.post(f"/declarations/{declaration.id}/insert/{template.id}")
    client.post(f"/library/{template.id}/retire")
    clause = db.session.scalar(select(Clause).where(Clause.declaration_id == declaration.id))
    assert clause.body == "We hold joint disaster drills every year." and clause.template_id == template.id


def test_a_restored_template_is_offered_again(client, make_user, login_as, make_declaration, template):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    client.post(f"/library/{template.id}/retire")

    response = client.post(f"/library/{template.id}/restore", follow_redirects=True)

    assert "“Joint disaster drills” is back in the library" in page_of(response)
    db.session.refresh(template)
    assert template.retired_at is None and template.retired_by_id is None
    assert template.name in page_of(client.get(f"/declarations/{declaration.id}/insert"))


def test_retiring_twice_says_so_and_keeps_the_first_retirement(client, make_user, login_as, template):
    first = login_as(make_user())
    client.post(f"/library/{template.id}/retire")
    db.session.refresh(template)
    retired_at = template.retired_at
    login_as(make_user())

    response = client.post(f"/library/{template.id}/retire", follow_redirects=True)

    assert "is retired already" in page_of(response)
    db.session.refresh(template)
    assert template.retired_at == retired_at and template.retired_by_id == first.id


def test_retiring_needs_the_form_token(app, client, make_user, login_as, template, monkeypatch):
    login_as(make_user())
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    assert client.post(f"/library/{template.id}/retire").status_code == 400

    db.session.refresh(template)
    assert template.retired_at is None


def test_an_unknown_template_is_not_found(client, make_user, login_as):
    login_as(make_user())
    assert client.post("/library/999999/retire").status_code == 404
