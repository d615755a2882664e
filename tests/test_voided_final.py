"""A final text voided by "Reopen": every page that shows it says so, points to the current draft,
and takes no comment on it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from drafting.domain import circulation, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Comment, ParticipantRole, UserRole
from tests.test_pdf import pages_text


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


def final_pdf_pages(client, reopened, size="a4") -> list[str]:
    final = circulation.latest_version(reopened["declaration"])
    if final.number != 2:
        final = reopened["declaration"].versions[1]
    response = client.get(f"{reopened['base']}/versions/{final.number}.pdf?size={size}")
    assert response.status_code == 200
    return pages_text(response.data)


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_the_voided_final_pdf_says_on_its_first_page_since_when_why_and_which_text_is_current(client, reopened, size):
    pages = final_pdf_pages(client, reopened, size)
    host = reopened["declaration"].host.name
    today = date.today()

    assert f"This text is void: {host} reopened the declaration for consultation on {today:%B %-d, %Y}." in pages[0]
    assert "The reason given: Bangkok asks for a change." in pages[0]
    assert f"The current text is Draft 1, circulated {today:%B %-d, %Y}." in pages[0]
    assert all("VOID FINAL TEXT" in page for page in pages)
    assert not any("FINAL TEXT FOR AFFIRMATION" in page for page in pages)


def test_a_final_pdf_kept_from_before_the_reopening_is_no_longer_served(
    make_declaration, make_user, circulate, propose_final, client, login_as
):
    declaration = make_declaration(clauses=1)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    login_as(drafter)
    base = f"/declarations/{declaration.id}"
    before = client.get(f"{base}/versions/{final.number}.pdf")
    assert "FINAL TEXT FOR AFFIRMATION" in pages_text(before.data)[0]

    signoff.reopen(declaration, drafter, "The title changes.")
    db.session.commit()
    after = client.get(f"{base}/versions/{final.number}.pdf", headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200, "a copy cached before the reopening is not valid any more"
    assert "This text is void" in pages_text(after.data)[0] and "The reason given: The title changes." in pages_text(after.data)[0]


def test_the_voided_final_pdf_names_the_next_draft_once_circulated(client, reopened, circulate):
    circulate(reopened["declaration"], by=reopened["drafter"])

    pages = final_pdf_pages(client, reopened)

    assert "The current text is Draft 2, circulated" in pages[0]
    assert "Draft 1" not in pages[0]


def test_a_japanese_voided_final_says_so_in_japanese(make_declaration, make_user, circulate, propose_final, client,
                                                      login_as):
    declaration = make_declaration(clauses=1, language="ja", title="東京宣言")
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    signoff.reopen(declaration, drafter, "第3項を見直します。")
    db.session.commit()
    login_as(drafter)

    page = pages_text(client.get(f"/declarations/{declaration.id}/versions/{final.number}.pdf").data)[0]
    first_page = page.replace(" ", "")  # a line broken inside a Japanese sentence reads as a space

    assert "この文書は無効です" in first_page and "宣言を再び意見照会に付しました" in first_page
    assert "示された理由：第3項を見直します。" in first_page
    assert "無効となった最終案" in first_page and "回付された第1次草案です" in first_page
