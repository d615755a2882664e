"""Comments on any part through the review page and the host's desk."""

import html
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Comment, CommentPart, ParticipantRole, UserRole
from tests.test_comment_targets import PREAMBLE


@pytest.fixture
def consultation(make_declaration, make_organization, make_user, circulate):
    """Draft 1 with a preamble of three paragraphs; Seoul participates, Bangkok observes."""
    declaration = make_declaration(clauses=2, preamble=PREAMBLE)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    db.session.commit()
    circulate(declaration, by=drafter, deadline=date.today() + timedelta(days=7))
    return {
        "declaration": declaration, "id": declaration.id, "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok),
    }


def post(client, c, number=1, **data):
    return client.post(f"/declarations/{c['id']}/versions/{number}/comments", data={"kind": "comment", **data})


def page(client, path):
    return html.unescape(client.get(path).get_data(as_text=True))


def stored():
    return db.session.execute(select(Comment.id, Comment.part, Comment.paragraph, Comment.quote, Comment.body)).all()


def test_a_delegate_comments_on_a_preamble_paragraph_with_a_quote_and_the_host_sees_it(client, login_as, consultation):
    login_as(consultation["seoul"])
    review = page(client, f"/declarations/{consultation['id']}/versions/1")
    assert 'id="comment-on-preamble-2"' in review and 'id="quote-preamble-2"' in review
    assert 'id="comment-on-opening"' in review and 'id="comment-on-clause-2-1"' in review
    assert 'id="comment-on-closing-formula-1"' in review
    response = post(client, consultation, part="preamble", paragraph=2, body="Name the year.", quote="Yokohama Declaration")
    assert response.status_code == 302
    assert "Your comment on paragraph 2 of the preamble is recorded." in page(client, response.location)
    assert stored()[0][1:] == (CommentPart.preamble, 2, "Yokohama Declaration", "Name the year.")
    login_as(consultation["drafter"])
    desk = page(client, f"/declarations/{consultation['id']}/comments")
    assert "Draft 1, paragraph 2 of the preamble" in desk and "“Yokohama Declaration”" in desk


def test_a_quote_not_in_the_paragraph_is_refused_at_the_quote_field(client, login_as, consultation):
    login_as(consultation["seoul"])
    response = post(client, consultation, part="preamble", paragraph=1, body="Hm.", quote="Yokohama Declaration")
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "“Yokohama Declaration” is not in paragraph 1 of the preamble of Draft 1" in text
    assert 'id="quote-preamble-1" name="quote" rows="2" aria-invalid="true"' in text
    assert stored() == []


@pytest.mark.parametrize(
    "data, message",
    [
        (dict(part="preamble", paragraph=99), "Draft 1 has no paragraph 99 of the preamble."),
        (dict(part="clause", clause_number=2, paragraph=99), "Draft 1 has no paragraph 99 of clause 2."),
    ],
)
def test_a_paragraph_that_does_not_exist_is_refused(client, login_as, consultation, data, message):
    login_as(consultation["seoul"])
    response = post(client, consultation, body="Here?", **data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored() == []


def test_an_unknown_part_is_a_bad_request(client, login_as, consultation):
    login_as(consultation["seoul"])
    assert post(client, consultation, part="signatories", body="Here?").status_code == 400
    assert stored() == []


def test_no_comment_on_another_declarations_version(client, login_as, consultation, make_declaration, circulate):
    other = make_declaration(clauses=1, preamble=PREAMBLE)
    circulate(other)
    login_as(consultation["seoul"])
    response = client.post(f"/declarations/{other.id}/versions/1/comments",
                           data={"kind": "comment", "part": "preamble", "paragraph": 1, "body": "Not invited."})
    assert response.status_code == 404
    assert stored() == []


def test_after_the_deadline_no_paragraph_comment(client, login_as, consultation):
    version = consultation["declaration"].versions[0]
    version.deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    login_as(consultation["seoul"])
    assert 'id="comment-on-preamble-1"' not in page(client, f"/declarations/{consultation['id']}/versions/1")
    response = post(client, consultation, part="preamble", paragraph=1, body="Too late?")
    assert response.status_code == 422 and "Commenting closed at the deadline" in response.get_data(as_text=True)
    assert stored() == []


def test_the_observer_does_not_see_the_participants_paragraph_comments(client, login_as, consultation):
    login_as(consultation["seoul"])
    post(client, consultation, part="opening", body="From Seoul on the opening.")
    login_as(consultation["bangkok"])
    assert "From Seoul on the opening." not in page(client, f"/declarations/{consultation['id']}/versions/1")
    assert post(client, consultation, part="opening", body="From Bangkok.").status_code == 302


def test_outdated_comments_are_marked_on_the_review_page_and_the_desk(client, login_as, consultation, circulate):
    login_as(consultation["seoul"])
    post(client, consultation, part="preamble", paragraph=2, quote="Yokohama", body="Still attached.")
    post(client, consultation, part="preamble", paragraph=1, quote="met in Tokyo", body="Its passage changed.")
    declaration = consultation["declaration"]
    declaration.preamble = PREAMBLE.replace("met in Tokyo", "met in Kyoto").replace("We recall", "We recall gladly")
    db.session.commit()
    circulate(declaration, by=consultation["drafter"])
    review = page(client, f"/declarations/{consultation['id']}/versions/2")
    login_as(consultation["drafter"])
    desk = page(client, f"/declarations/{consultation['id']}/comments")
    for shown in (review, desk):
        cards = {card for card in shown.split("<article")[1:] if "Its passage changed." in card or "Still attached." in card}
        assert {("Its passage changed." in card, "outdated: the passage changed in Draft 2" in card) for card in cards} == {
            (True, True), (False, False),
        }
    # The review page of Draft 2 shows both under their paragraph, as numbered there.
    assert review.index('id="comment-on-preamble-1"') < review.index("Still attached.") < review.index('id="comment-on-preamble-2"')


def test_the_e_mails_name_the_paragraph_commented_on(client, login_as, consultation, outbox):
    consultation["drafter"].email = "aiko@tokyo.example.org"
    db.session.commit()
    login_as(consultation["seoul"])
    post(client, consultation, part="preamble", paragraph=2, body="Name the year.")
    thread = db.session.scalars(select(Comment)).one()
    assert [m["Subject"] for m in outbox()] == ["Tokyo Declaration: Seoul commented on paragraph 2 of the preamble"]
    assert "commented on paragraph 2 of the preamble\nof Draft 1" in outbox()[0].get_body(("plain",)).get_content()
    login_as(consultation["drafter"])
    client.post(f"/declarations/{consultation['id']}/comments/{thread.id}/reply", data={"body": "The year is 2008."})
    host = consultation["declaration"].host.name
    assert outbox()[-1]["Subject"] == f"Tokyo Declaration: {host} answered your comment on paragraph 2 of the preamble"


def test_a_japanese_declaration_names_the_paragraph_in_japanese(client, login_as, consultation, outbox):
    consultation["declaration"].language = "ja"
    db.session.commit()
    login_as(consultation["seoul"])
    post(client, consultation, part="closing_formula", paragraph=1, body="結びの文について。")
    assert outbox()[0]["Subject"] == "Tokyo Declaration：Seoulが結びの文第1段落にご意見を寄せました"
