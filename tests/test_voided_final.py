"""A final text voided by "Reopen": every page that shows it says so, points to the current draft,
and takes no comment on it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from drafting.domain import circulation
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Comment, ParticipantRole, UserRole


@pytest.fixture
def reopened(make_declaration, make_organization, make_user, circulate, client, login_as):
    """A declaration whose Final was proposed, answered by Seoul, then reopened by the host."""
    declaration = make_declaration(clauses=2)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    delegate = make_user(role=UserRole.delegate, organization=seoul)
    base = f"/declarations/{declaration.id}"
    login_as(drafter)
    client.post(f"{base}/final", data={"affirmation_deadline": (date.today() + timedelta(days=12)).isoformat()})
    login_as(delegate)
    client.post(f"{base}/affirmation", data={"answer": "affirmed", "authorised": "y"})
    login_as(drafter)
    assert client.post(f"{base}/reopen", data={"reason": "Bangkok asks for a change."}).status_code == 302
    login_as(delegate)
    return {"declaration": declaration, "base": base, "drafter": drafter, "delegate": delegate}


def comment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Comment))


def test_the_voided_final_says_it_is_void_and_points_to_the_current_draft(client, reopened):
    final = circulation.latest_version(reopened["declaration"])

    page = client.get(f"{reopened['base']}/versions/{final.number}").get_data(as_text=True)

    assert "This final text is void: the host reopened the declaration for consultation." in page
    assert f'href="{reopened["base"]}/versions/1"' in page and "Read the current draft, Draft 1" in page
    assert "Comments are open until" not in page
    assert 'name="body"' not in page


def test_no_comment_is_taken_on_a_voided_final(client, reopened):
    final = circulation.latest_version(reopened["declaration"])
    before = comment_count()

    response = client.post(f"{reopened['base']}/versions/{final.number}/comments",
                           data={"clause_number": 1, "kind": "comment", "body": "Still a comment?"})

    assert response.status_code == 422
    assert "Final is void: the declaration was reopened" in response.get_data(as_text=True)
    assert comment_count() == before


def test_my_declarations_shows_the_final_as_void_without_a_deadline_or_an_answer_link(client, reopened):
    page = client.get("/").get_data(as_text=True)
    row = page[page.index(reopened["declaration"].title):]
    row = row[:row.index("</tr>")]

    assert "Final (void)" in row
    assert f"{reopened['base']}/affirmation" not in row
    assert row.rstrip().endswith('<td data-label="Deadline">—</td>'), "no deadline: nothing is open until the next draft"


def test_the_next_draft_is_the_current_one_once_circulated(client, reopened, circulate):
    circulate(reopened["declaration"], by=reopened["drafter"])

    page = client.get(f"{reopened['base']}/versions/3").get_data(as_text=True)
    voided = client.get(f"{reopened['base']}/versions/2").get_data(as_text=True)

    assert "Comments are open until" in page and "is void" not in page
    assert "This final text is void" in voided and "Read the current draft, Draft 2" in voided
