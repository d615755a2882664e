"""The sign-off journey through the web pages, and who may take each step."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from drafting.domain import signoff
from drafting.domain.clock import as_utc
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Affirmation, Answer, DeclarationState, ParticipantRole, UserRole, Version
from tests.conftest import ADOPTED_IN_SESSION, adopt_as_confirmed


@pytest.fixture
def case(make_declaration, make_organization, make_user, circulate):
    declaration = make_declaration(clauses=2)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    return {
        "declaration": declaration, "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org"),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok),
        "outsider": make_user(role=UserRole.delegate),
    }


def url(case, path):
    return f"/declarations/{case['declaration'].id}{path}"


def propose(client, login_as, case):
    login_as(case["drafter"])
    deadline = (date.today() + timedelta(days=7)).isoformat()
    return client.post(url(case, "/final"), data={"affirmation_deadline": deadline})


def test_the_host_proposes_the_final_text_and_the_delegates_are_asked(client, login_as, case, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    response = propose(client, login_as, case)
    assert response.status_code == 302 and response.location.endswith("/tracker")
    assert case["declaration"].state is DeclarationState.affirmation
    mails = [path.read_text() for path in tmp_path.glob("*.eml")]
    assert len(mails) == 2 and any("minji@seoul.example.org" in m and "Please answer for Seoul" in m for m in mails)
    final = signoff.final_version(case["declaration"])
    assert all(url(case, f"/versions/{final.number}.pdf") in m for m in mails)
    page = client.get(url(case, "/tracker")).get_data(as_text=True)
    assert "1 of 3 participants have answered" in page and "no answer yet" in page
    login_as(case["seoul"])
    page = client.get(url(case, "/affirmation")).get_data(as_text=True)
    assert f'href="{url(case, f"/versions/{final.number}.pdf")}">Final text as PDF</a>' in page


def test_a_delegate_answers_with_a_statement_and_may_change_the_answer(client, login_as, case):
    propose(client, login_as, case)
    login_as(case["seoul"])
    page = client.get(url(case, "/affirmation")).get_data(as_text=True)
    final = signoff.final_version(case["declaration"])
    assert final.fingerprint in page and "Send the answer" in page
    refused = client.post(url(case, "/affirmation"), data={"answer": "affirmed"})
    assert refused.status_code == 422 and "Confirm that you are authorised to answer for Seoul." in refused.get_data(as_text=True)
    given = client.post(url(case, "/affirmation"), data={
        "answer": "affirmed with statement", "statement": "Seoul will report on heat shelters.", "authorised": "y"})
    assert given.status_code == 302
    changed = client.post(url(case, "/affirmation"), data={"answer": "declined", "authorised": "y"})
    assert changed.status_code == 302
    assert signoff.live_answers(final)[case["seoul"].organization_id].answer is Answer.declined


@pytest.mark.parametrize("data, message", [
    ({"answer": "affirmed with statement", "statement": "", "authorised": "y"}, "Write the statement"),
    ({"answer": "affirmed with statement", "statement": "s" * 5001, "authorised": "y"}, "At most 5,000 characters"),
    ({"answer": "maybe", "authorised": "y"}, "Not a valid choice"),
])
def test_bad_answers_get_a_message_and_nothing_is_stored(client, login_as, case, data, message):
    propose(client, login_as, case)
    login_as(case["seoul"])
    before = db.session.scalar(select(func.count()).select_from(Affirmation))
    response = client.post(url(case, "/affirmation"), data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Affirmation)) == before


def test_answering_outside_affirmation_or_for_another_organization_is_impossible(client, login_as, case):
    login_as(case["seoul"])
    early = client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"}, follow_redirects=True)
    assert "The declaration is in consultation: it takes no answers now." in early.get_data(as_text=True)
    propose(client, login_as, case)
    login_as(case["outsider"])
    assert client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"}).status_code == 404
    # The organization answered for is always the delegate's own: there is no field to name another.
    login_as(case["bangkok"])
    client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y",
                                                 "organization_id": case["seoul"].organization_id})
    answers = signoff.live_answers(signoff.final_version(case["declaration"]))
    assert case["seoul"].organization_id not in answers and case["bangkok"].organization_id in answers


def test_reminders_at_most_once_a_day(client, login_as, case):
    propose(client, login_as, case)
    first = client.post(url(case, "/remind"), follow_redirects=True).get_data(as_text=True)
    assert "Reminded: Bangkok, Seoul." in first
    second = client.post(url(case, "/remind"), follow_redirects=True).get_data(as_text=True)
    assert "reminded less than a day ago" in second


@pytest.mark.parametrize("who", ["seoul", "outsider"])
def test_only_host_drafters_move_the_declaration(client, login_as, case, who, make_user):
    propose(client, login_as, case)
    login_as(case[who])
    expected = 403 if who == "seoul" else 404
    for path, data in [("/adopt", {}), ("/reopen", {"reason": "No"}), ("/withdraw", {"reason": "No"}),
                       ("/remind", {}), ("/tracker", None), ("/audit", None)]:
        response = client.get(url(case, path)) if data is None else client.post(url(case, path), data=data)
        assert response.status_code == expected, path
    login_as(make_user(role=UserRole.delegate, organization=case["declaration"].host))
    assert client.post(url(case, "/adopt")).status_code == 302  # host staff, but not a drafter: refused
    assert case["declaration"].state is DeclarationState.affirmation


@pytest.mark.parametrize("path", ["/reopen", "/withdraw"])
def test_a_reason_with_a_control_character_is_refused_with_a_message(client, login_as, case, path):
    propose(client, login_as, case)
    response = client.post(url(case, path), data={"reason": "Bangkok\x1b needs a change."}, follow_redirects=True)
    assert "This field holds a control character (U+001B), which it does not accept." in response.get_data(as_text=True)
    assert case["declaration"].state is DeclarationState.affirmation


def test_reopen_then_adopt_and_the_audit_trail_tells_it(client, login_as, case, app, tmp_path, monkeypatch):
    propose(client, login_as, case)
    login_as(case["seoul"])
    client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"})
    login_as(case["drafter"])
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    assert client.post(url(case, "/reopen"), data={"reason": "Bangkok needs a change."}).status_code == 302
    assert case["declaration"].state is DeclarationState.consultation
    told = [path.read_text() for path in tmp_path.glob("*.eml")]
    assert len(told) == 2 and all("Bangkok needs a change." in mail for mail in told)
    assert any(case["seoul"].email in mail for mail in told) and any(case["bangkok"].email in mail for mail in told)
    propose(client, login_as, case)
    login_as(case["seoul"])
    client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"})
    login_as(case["drafter"])
    assert adopt_as_confirmed(client, case["declaration"].id, ADOPTED_IN_SESSION).status_code == 302
    assert case["declaration"].state is DeclarationState.adopted
    trail = client.get(url(case, "/audit")).get_data(as_text=True)
    for action in ("circulate", "propose final", "answer", "reopen", "adopt"):
        assert f'<td data-label="What">{action}</td>' in trail
    assert "Bangkok needs a change." in trail


@pytest.mark.parametrize("moment", ["after the deadline", "after adoption"])
def test_no_answer_is_taken_after_the_deadline_or_after_adoption(client, login_as, case, moment):
    propose(client, login_as, case)
    final = signoff.final_version(case["declaration"])
    if moment == "after the deadline":
        db.session.execute(update(Version).where(Version.id == final.id).values(deadline=final.circulated_at - timedelta(days=1)))
        expected = "Answers closed at the deadline"
    else:
        login_as(case["seoul"])
        client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"})
        login_as(case["drafter"])
        assert adopt_as_confirmed(client, case["declaration"].id, ADOPTED_IN_SESSION).status_code == 302
        expected = "The declaration is in adopted: it takes no answers now."
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Affirmation))
    login_as(case["bangkok"])
    response = client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"}, follow_redirects=True)
    assert expected in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Affirmation)) == before


def test_the_editor_offers_circulating_first_and_says_that_proposing_the_final_text_ends_the_comments(
    client, login_as, case
):
    login_as(case["drafter"])
    draft = case["declaration"].versions[-1]

    page = client.get(url(case, "")).get_data(as_text=True)

    assert page.index("Circulate as Draft 2") < page.index("Propose the working draft as the final text")
    last_day = as_utc(draft.deadline) - timedelta(days=1)
    assert f"Proposing it ends the comments on Draft 1, open until 23:59 on {last_day:%B} {last_day.day}, {last_day.year}," in page


def test_after_the_comment_deadline_the_editor_does_not_warn_of_ending_comments(client, login_as, case):
    draft = case["declaration"].versions[-1]
    draft.deadline = draft.deadline - timedelta(days=30)
    db.session.commit()
    login_as(case["drafter"])

    page = client.get(url(case, "")).get_data(as_text=True)

    assert "Propose the working draft as the final text" in page and "Proposing it ends the comments" not in page


def test_a_delegate_following_the_title_finds_how_to_answer_the_final_text(client, login_as, case):
    propose(client, login_as, case)
    login_as(case["seoul"])
    home = client.get("/").get_data(as_text=True)
    title_link = f'href="/declarations/{case["declaration"].id}"'
    assert title_link in home

    final_text = client.get(url(case, ""), follow_redirects=True).get_data(as_text=True)

    assert "· Final</small>" in final_text
    assert f'<a class="button primary" href="{url(case, "/affirmation")}">Answer for Seoul</a>' in final_text


def test_the_final_text_offers_no_answer_to_those_who_may_not_answer(
    client, login_as, case, make_organization, make_user
):
    observer = make_organization("Observer City", "PH")
    invite(case["declaration"], observer, ParticipantRole.observer)
    db.session.commit()
    propose(client, login_as, case)
    login_as(case["outsider"])
    assert client.get(url(case, ""), follow_redirects=True).status_code == 404
    login_as(make_user(role=UserRole.delegate, organization=observer))
    final = signoff.final_version(case["declaration"])
    page = client.get(url(case, f"/versions/{final.number}")).get_data(as_text=True)
    assert "· Final</small>" in page and url(case, "/affirmation") not in page
