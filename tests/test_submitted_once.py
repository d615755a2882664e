"""Every form that creates something is safe to send twice: the back button, a double click, a retry."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import (
    Clause,
    ClauseTemplate,
    Comment,
    Declaration,
    Network,
    Organization,
    ParticipantRole,
    User,
    UserRole,
    Version,
)
from drafting.web.submitted_once import ALREADY_SENT


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def key_in_form(page: str, action: str | None = None) -> str:
    """Return the form key of the form posting to `action` on the page, or of its only form that has one."""
    start = page.index(f'action="{action}"') if action else 0
    form = page[start:page.index("</form>", start)] if action else page
    return re.search(r'name="submission" value="([A-Za-z0-9_-]{43})"', form).group(1)


@pytest.fixture
def host(make_user, login_as, make_declaration):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization, clauses=1)
    return {"drafter": drafter, "declaration": declaration, "editor": f"/declarations/{declaration.id}"}


def send_twice(client, url, data):
    first = client.post(url, data=data)
    second = client.post(url, data=data, follow_redirects=True)
    return first, second


def test_adding_the_same_clause_twice_adds_it_once_and_says_so(client, host):
    page = client.get(host["editor"]).get_data(as_text=True)
    url = f"{host['editor']}/clauses"
    data = {"heading": "Joint drills", "body": "We hold joint drills.", "submission": key_in_form(page, url)}
    before = count(Clause)

    first, second = send_twice(client, url, data)

    assert first.status_code == 302 and count(Clause) == before + 1
    assert ALREADY_SENT in second.get_data(as_text=True) and second.request.path == host["editor"]


def test_two_forms_shown_twice_add_two_clauses(client, host):
    url = f"{host['editor']}/clauses"
    keys = [key_in_form(client.get(host["editor"]).get_data(as_text=True), url) for _ in range(2)]
    assert keys[0] != keys[1]
    before = count(Clause)
    for key in keys:
        client.post(url, data={"body": "Another clause.", "submission": key})
    assert count(Clause) == before + 2


def test_a_refused_form_keeps_nothing_and_can_be_sent_again_corrected(client, host):
    page = client.get(host["editor"]).get_data(as_text=True)
    url = f"{host['editor']}/clauses"
    key = key_in_form(page, url)
    before = count(Clause)
    assert client.post(url, data={"body": "", "submission": key}).status_code == 422
    assert client.post(url, data={"body": "Now with text.", "submission": key}).status_code == 302
    assert count(Clause) == before + 1


def test_inserting_a_template_twice_inserts_it_once(client, host, make_template):
    template = make_template()
    url = f"{host['editor']}/insert/{template.id}"
    key = key_in_form(client.get(url).get_data(as_text=True))
    before = count(Clause)
    send_twice(client, url, {"submission": key})
    assert count(Clause) == before + 1


def test_creating_the_same_declaration_twice_creates_one(client, host):
    key = key_in_form(client.get("/declarations/new").get_data(as_text=True))
    data = {"title": "Yokohama Declaration", "meeting_name": "Asia Smart City Conference", "place": "Yokohama",
            "starts_on": "2024-10-16", "ends_on": "2024-10-18", "language": "en", "layout": "listed_by_country",
            "network_id": 0, "submission": key}
    before = count(Declaration)
    first, second = send_twice(client, "/declarations/new", data)
    assert first.status_code == 302 and count(Declaration) == before + 1
    assert ALREADY_SENT in second.get_data(as_text=True)


def test_circulating_twice_circulates_one_draft(client, host, make_organization):
    invite(host["declaration"], make_organization("Seoul", "KR"), ParticipantRole.participant)
    db.session.commit()
    url = f"{host['editor']}/circulate"
    key = key_in_form(client.get(host["editor"]).get_data(as_text=True), url)
    deadline = (date.today() + timedelta(days=14)).isoformat()
    send_twice(client, url, {"comment_deadline": deadline, "submission": key})
    assert count(Version) == 1


def test_a_delegates_comment_and_reply_sent_twice_are_recorded_once(
    client, login_as, make_user, make_organization, make_declaration, circulate
):
    declaration = make_declaration(clauses=1)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    circulate(declaration)
    login_as(make_user(role=UserRole.delegate, organization=seoul))
    page_url = f"/declarations/{declaration.id}/versions/1"
    url = f"/declarations/{declaration.id}/versions/1/comments"
    key = key_in_form(client.get(page_url).get_data(as_text=True), url)
    send_twice(client, url, {"clause_number": 1, "kind": "comment", "body": "Seoul agrees.", "submission": key})
    assert count(Comment) == 1
    thread = db.session.scalar(select(Comment))
    reply_url = f"/declarations/{declaration.id}/threads/{thread.id}/replies"
    key = key_in_form(client.get(page_url).get_data(as_text=True), reply_url)
    send_twice(client, reply_url, {"body": "And adds a word.", "submission": key})
    assert count(Comment) == 2


def test_the_library_and_the_administration_create_once(client, make_user, login_as):
    login_as(make_user(role=UserRole.administrator))
    for url, model, data in [
        ("/library/new", ClauseTemplate, {"name": "Joint drills", "category": "cooperation", "language": "en",
                                          "body": "We hold joint drills."}),
        ("/admin/organizations/new", Organization, {"name": "Yokohama", "kind": "city", "country": "JP"}),
        ("/admin/networks/new", Network, {"name": "CityNet", "acronym": "CN"}),
        ("/admin/users/new", User, {"name": "Aiko", "email": "aiko@yokohama.example.org", "role": "administrator",
                                    "organization_id": 0, "password": "a long enough password"}),
    ]:
        key = key_in_form(client.get(url).get_data(as_text=True))
        before = count(model)
        first, second = send_twice(client, url, {**data, "submission": key})
        assert first.status_code == 302, (url, first.get_data(as_text=True)[:2000])
        assert count(model) == before + 1 and ALREADY_SENT in second.get_data(as_text=True), url
