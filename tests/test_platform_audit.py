"""The administration's audit trail of the platform: the events that belong to no declaration (focal
points named, mandates for every declaration, accounts closed), newest first, a page at a time,
for administrators only."""

import html
import re

import pytest

from drafting.domain import audit
from drafting.domain.clock import utcnow
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.extensions import db
from drafting.models import UserRole

ROW = re.compile(r"<tr>\s*<td data-label=\"When \(UTC\)\">.*?</tr>", re.S)


def rows_of(response) -> list[str]:
    """Return the text of each event row of the page, cells separated by " | "."""
    return [
        " | ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td.*?</td>", row, re.S))
        for row in ROW.findall(response.get_data(as_text=True))
    ]


@pytest.fixture
def administrator(make_user, login_as):
    return login_as(make_user(role=UserRole.administrator, name="Secretariat Admin"))


def test_a_focal_point_may_not_read_it(client, make_organization, make_user, login_as):
    seoul = make_organization(name="Seoul", country="KR")
    focal = make_user(organization=seoul, name="Seo-yeon Park")
    focal.focal_point = True
    db.session.commit()
    login_as(focal)
    assert client.get("/admin/audit").status_code == 403


def test_it_lists_what_concerns_no_declaration_newest_first(client, administrator, make_organization, make_user,
                                                            make_declaration, login_as):
    seoul = make_organization(name="Seoul", country="KR")
    focal = make_user(organization=seoul, name="Seo-yeon Park", email="focal@seoul.example.org")
    drafter = make_user(organization=seoul, name="Min-jun Lee", email="drafter@seoul.example.org")
    delegate = make_user(role=UserRole.delegate, organization=seoul, email="delegate@seoul.example.org", mandate=False)
    # A declaration's own event stays on the declaration's trail.
    audit.record("circulate", make_declaration(), administrator, "drafting", "consultation")
    mandate_from_the_operator(delegate, utcnow())
    db.session.commit()
    assert client.post(f"/admin/users/{focal.id}/focal-point", data={"named": "yes"}).status_code == 302
    login_as(focal)
    assert client.post(f"/people/{drafter.id}/deactivate").status_code == 302
    login_as(administrator)

    response = client.get("/admin/audit")

    assert response.status_code == 200
    events = [row.split(" | ", 1)[1] for row in rows_of(response)]
    assert events == [
        "Seo-yeon Park | drafter removed | organization: Seoul; user: drafter@seoul.example.org; mandates_revoked: 0",
        "Secretariat Admin | focal point named | organization: Seoul; user: focal@seoul.example.org",
        "— | mandate given | organization: Seoul; delegate: delegate@seoul.example.org; scope: every declaration",
    ]
    assert "3 events" in response.get_data(as_text=True)


def test_the_administration_links_to_it(client, administrator):
    assert 'href="/admin/audit"' in client.get("/admin/").get_data(as_text=True)


@pytest.fixture
def many_events(administrator):
    for number in range(1, 121):
        audit.record("focal point named", None, administrator, organization="Seoul", user=f"person{number}@seoul.example.org")
    db.session.commit()


def test_it_comes_a_page_of_50_at_a_time(client, many_events):
    first = client.get("/admin/audit")
    text = first.get_data(as_text=True)
    assert "120 events, page 1 of 3" in text
    assert len(rows_of(first)) == 50
    assert "person120@" in rows_of(first)[0] and "person71@" in rows_of(first)[-1]
    assert '<a href="/admin/audit?page=2" rel="next">Older events</a>' in text
    assert 'rel="prev"' not in text

    last = client.get("/admin/audit?page=3")
    assert [row.split("user: ")[1] for row in rows_of(last)] == [
        f"person{number}@seoul.example.org" for number in range(20, 0, -1)
    ]
    assert '<a href="/admin/audit?page=2" rel="prev">Newer events</a>' in last.get_data(as_text=True)
    assert 'rel="next"' not in last.get_data(as_text=True)
    # The first page is named without a number, as the administration links to it.
    assert '<a href="/admin/audit" rel="prev">Newer events</a>' in client.get("/admin/audit?page=2").get_data(as_text=True)


@pytest.mark.parametrize("query, status, message", [
    ("page=4", 404, "There is no page 4: the list has 3 pages. Go to the last page"),
    ("page=0", 400, "The page must be a whole number from 1, not “0”."),
    ("page=two", 400, "The page must be a whole number from 1, not “two”."),
    ("action=revoked", 400, "Unknown parameter “action”: the audit trail takes “page”."),
])
def test_a_page_that_is_not_there_is_refused_clearly(client, many_events, query, status, message):
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == status
    alert = re.search(r'<p class="errors" role="alert">(.*?)</p>', response.get_data(as_text=True), re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", alert)) == message
    assert "<tbody>" not in response.get_data(as_text=True)


def test_the_last_page_is_linked_from_beyond_it(client, many_events):
    assert 'href="/admin/audit?page=3">Go to the last page' in client.get("/admin/audit?page=9").get_data(as_text=True)


def test_its_queries_do_not_grow_with_the_events_nor_their_authors(client, administrator, make_user, count_queries):
    def queries_for_a_page() -> int:
        db.session.expire_all()  # the page reads the signed-in account each time, as in its own request
        with count_queries() as counted:
            assert client.get("/admin/audit").status_code == 200
        return len(counted)

    audit.record("focal point named", None, administrator, organization="Seoul", user="one@seoul.example.org")
    db.session.commit()
    few = queries_for_a_page()
    for number in range(60):
        author = make_user(role=UserRole.administrator)
        audit.record("focal point named", None, author, organization="Seoul", user=f"p{number}@seoul.example.org")
    db.session.commit()
    assert queries_for_a_page() == few


def test_a_declarations_trail_reads_its_authors_in_the_same_query(make_declaration, make_user, count_queries):
    declaration = make_declaration()

    def queries_for_the_trail() -> int:
        db.session.expire_all()
        with count_queries() as counted:
            assert all(event.actor.name for event in audit.trail(declaration))
        return len(counted)

    audit.record("decide amendment", declaration, make_user())
    db.session.commit()
    one_author = queries_for_the_trail()
    for _ in range(20):
        audit.record("decide amendment", declaration, make_user())
    db.session.commit()
    assert queries_for_the_trail() == one_author
