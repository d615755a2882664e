"""Where the messages of a save or a refusal are printed: in the section the page lands on, tied to their field."""

import re

import pytest

from drafting.domain.people.participants import invite
from drafting.models import ParticipantRole, UserRole


@pytest.fixture
def drafter(make_user, login_as):
    return login_as(make_user())


def section(page: str, element_id: str) -> str:
    """Return the HTML of the element of this id, up to the end of the page's next element of its kind."""
    start = re.search(rf'<(\w+)[^>]* id="{element_id}"', page)
    return page[start.start():page.index(f"</{start.group(1)}>", start.start())]


def test_a_saved_clause_is_confirmed_inside_that_clause_not_at_the_top(client, drafter, make_declaration):
    declaration = make_declaration(host=drafter.organization, clauses=6)
    clause = declaration.clauses[-1]
    saved = client.post(f"/declarations/{declaration.id}/clauses/{clause.id}/edit",
                        data={"heading": "Last", "body": "The last word.", "lock_version": clause.lock_version})
    assert saved.status_code == 302 and saved.location.endswith(f"#clause-{clause.id}")
    page = client.get(saved.location).get_data(as_text=True)
    assert '<p class="flash message" role="status">Clause 6 is saved.</p>' in section(page, f"clause-{clause.id}")
    assert page.count("Clause 6 is saved.") == 1


@pytest.mark.parametrize("slug", ["closing-formula", "opening", "header"])
def test_a_saved_part_is_confirmed_in_its_own_form(client, drafter, make_declaration, slug):
    declaration = make_declaration(host=drafter.organization)
    field = slug.replace("-", "_")
    saved = client.post(f"/declarations/{declaration.id}/{slug}",
                        data={field: "Our own words.", "lock_version": declaration.lock_version})
    assert saved.location.endswith(f"#part-{slug}")
    page = client.get(saved.location).get_data(as_text=True)
    assert "is saved." in section(page, f"part-{slug}")


def test_a_message_for_a_section_the_page_lacks_is_printed_at_the_top(client, drafter, make_declaration):
    declaration = make_declaration(host=drafter.organization)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Clause 9 is saved."), ("error", "Something was refused.")]
        session["_flash_sections"] = {"Clause 9 is saved.": "clause-999999"}
    page = client.get(f"/declarations/{declaration.id}").get_data(as_text=True)
    content = page[page.index('<main id="content">'):]
    assert content.index('role="status">Clause 9 is saved.') < content.index("<h1")
    assert content.index('<p class="flash error" role="alert">Something was refused.') < content.index("<h1")


def test_a_refused_comment_marks_its_field_invalid_and_names_its_message(client, login_as, make_declaration,
                                                                           make_organization, make_user, circulate):
    declaration = make_declaration(clauses=3)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    circulate(declaration, by=make_user(organization=declaration.host))
    login_as(make_user(role=UserRole.delegate, organization=seoul))
    url = f"/declarations/{declaration.id}/versions/1/comments"
    for data, field in [({"kind": "comment", "body": ""}, "comment-on-3"),
                        ({"kind": "amendment", "body": "Why not.", "proposed_text": "x" * 20_001}, "proposed-3"),
                        ({"kind": "amendment", "body": " ", "proposed_text": "Shorter."}, "why-3"),
                        ({"kind": "amendment", "body": "Why not.", "proposed_text": "Shorter."}, "justification-3")]:
        response = client.post(url, data={"clause_number": 3, **data})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert re.search(rf'<textarea id="{field}"[^>]* aria-invalid="true" aria-describedby="{field}-errors"', page)
        assert re.search(rf'<ul class="errors" id="{field}-errors" role="alert"><li>[^<]+</li></ul>', page)
        assert page.count('aria-invalid="true"') == 1


def test_a_refused_invitation_is_told_in_the_participants_section(client, drafter, make_declaration):
    declaration = make_declaration(host=drafter.organization)
    response = client.post(f"/declarations/{declaration.id}/participants", data={"organization_id": 0})
    assert response.location.endswith("#participants")
    page = client.get(response.location).get_data(as_text=True)
    assert '<p class="flash error" role="alert">Choose an organization to invite.</p>' in section(page, "participants")
