"""Rules that each hold in one line of code, pinned by what a user sees: the pages, real POSTs, the PDFs read back.

Each test here fails if its rule is dropped (a state check, the home page's filter, the clearing of a
statement typed with a plain answer, the author check of the Withdraw button, the adopted PDF's
unnumbered paragraphs, the deadline's `>=`), which the rest of the suite would let pass.
"""

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import func, select

from drafting.domain import consultation, signoff
from drafting.domain.clock import as_utc
from drafting.domain.draft_editing import add_clause
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Affirmation, Answer, Comment, CommentStatus, DeclarationState, ParticipantRole, UserRole
from tests.conftest import ADOPTED_IN_SESSION, adopt_as_confirmed

MICROSECOND = timedelta(microseconds=1)
# A deadline is the first instant at which it is closed: open a microsecond before, closed at it and after.
AROUND_THE_DEADLINE = [(-MICROSECOND, True), (timedelta(0), False), (MICROSECOND, False)]


@pytest.fixture
def case(make_declaration, make_organization, make_user):
    """A declaration still in drafting, Seoul and Bangkok invited as participants, each with a delegate;
    Seoul with a second delegate (a colleague), and a host drafter."""
    declaration = make_declaration(clauses=2, title="Secret Harbour Declaration")
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    db.session.commit()
    return {
        "declaration": declaration,
        "drafter": make_user(organization=declaration.host),
        "seoul": make_user(role=UserRole.delegate, organization=seoul),
        "colleague": make_user(role=UserRole.delegate, organization=seoul),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok),
    }


def url(case, path=""):
    return f"/declarations/{case['declaration'].id}{path}"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def page_text(response) -> str:
    return response.get_data(as_text=True)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def bring_to(case, state: str, circulate, propose_final) -> None:
    """Move the declaration through its real transitions into `state`; Seoul comments during consultation."""
    declaration, drafter = case["declaration"], case["drafter"]
    if state == "drafting":
        return
    version = circulate(declaration, by=drafter)
    consultation.add_comment(version, 1, case["seoul"], "Seoul comments while it may.")
    db.session.commit()
    if state == "consultation":
        return
    if state == "reopened":
        propose_final(declaration, by=drafter)
        signoff.reopen(declaration, drafter, "One more round of comments.")
        db.session.commit()
        return
    final = propose_final(declaration, by=drafter)
    if state == "affirmation":
        return
    if state == "withdrawn":
        signoff.withdraw(declaration, drafter, "The meeting was cancelled.")
    else:
        signoff.answer(final, case["seoul"], Answer.affirmed, True)
        signoff.adopt(declaration, drafter, without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    assert declaration.state is DeclarationState(state)


# Comments: only during consultation -----------------------------------------------------------------

# Invited delegates see neither a draft not yet circulated nor a withdrawn declaration.
HIDDEN = ("drafting", "withdrawn")
COMMENT_FORMS = ("Send the comment", "Propose the amendment", "/replies")


@pytest.mark.parametrize("state", ["drafting", "affirmation", "adopted", "withdrawn"])
def test_a_delegate_is_offered_no_comment_form_and_cannot_comment_outside_consultation(
    client, login_as, case, circulate, propose_final, state
):
    bring_to(case, state, circulate, propose_final)
    stored = count(Comment)
    login_as(case["seoul"])
    latest = len(case["declaration"].versions) or 1
    page = client.get(url(case, f"/versions/{latest}"))
    if state in HIDDEN:
        assert page.status_code == 404
    else:
        assert page.status_code == 200 and "Seoul comments while it may." in page_text(page)
        assert not [offer for offer in COMMENT_FORMS if offer in page_text(page)]
    commented = client.post(url(case, f"/versions/{latest}/comments"),
                            data={"clause_number": 1, "kind": "comment", "body": "Too late?"})
    amended = client.post(url(case, f"/versions/{latest}/comments"),
                          data={"clause_number": 1, "kind": "amendment", "body": "Too late?",
                                "proposed_text": "Another body."})
    for response in (commented, amended):
        if state in HIDDEN:
            assert response.status_code == 404
        else:
            assert response.status_code == 422
            assert f"Comments are closed: the declaration is in {state}." in page_text(response)
    thread = db.session.scalar(select(Comment).where(Comment.declaration_id == case["declaration"].id))
    if thread is not None and state not in HIDDEN:
        # Refused, though today the page that refuses it shows no message (the reply form is gone).
        assert client.post(url(case, f"/threads/{thread.id}/replies"), data={"body": "Too late?"}).status_code == 422
    assert count(Comment) == stored


def test_during_consultation_the_same_delegate_is_offered_the_comment_forms(client, login_as, case, circulate,
                                                                            propose_final):
    bring_to(case, "consultation", circulate, propose_final)
    login_as(case["seoul"])
    page = page_text(client.get(url(case, "/versions/1")))
    assert all(offer in page for offer in COMMENT_FORMS)


# Answers: only during affirmation -------------------------------------------------------------------


def seoul_answers() -> list[tuple[str, bool | None]]:
    return [(a.answer.value, a.live) for a in db.session.scalars(select(Affirmation).order_by(Affirmation.id))
            if a.organization.name == "Seoul"]


@pytest.mark.parametrize("state", ["drafting", "consultation", "reopened", "adopted", "withdrawn"])
def test_a_delegate_is_offered_no_answer_form_and_cannot_answer_outside_affirmation(
    client, login_as, case, circulate, propose_final, state
):
    bring_to(case, state, circulate, propose_final)
    before = seoul_answers()
    login_as(case["seoul"])
    page = client.get(url(case, "/affirmation"))
    posted = client.post(url(case, "/affirmation"), data={"answer": "declined", "authorised": "y"})
    if state in HIDDEN:
        assert page.status_code == posted.status_code == 404
    elif state == "adopted":
        assert page.status_code == 200 and "it takes no answers" in page_text(page)
        assert "Send the answer" not in page_text(page) and "Change the answer" not in page_text(page)
        assert 'name="answer"' not in page_text(page)
        assert posted.status_code == 422
        assert "The declaration is in adopted: it takes no answers now." in page_text(posted)
    else:
        shown = {"reopened": "consultation"}.get(state, state)
        for response in (page, posted):
            assert response.status_code == 302
        followed = client.get(posted.location, follow_redirects=True)
        assert f"The declaration is in {shown}: it takes no answers now." in page_text(followed)
    assert seoul_answers() == before


def test_during_affirmation_the_same_delegate_is_offered_the_answer_form(client, login_as, case, circulate,
                                                                         propose_final):
    bring_to(case, "affirmation", circulate, propose_final)
    login_as(case["seoul"])
    assert "Send the answer" in page_text(client.get(url(case, "/affirmation")))


# The home page ---------------------------------------------------------------------------------------


def test_an_invited_delegate_sees_no_title_of_a_draft_not_yet_circulated(client, login_as, case, circulate):
    login_as(case["seoul"])
    assert "Secret Harbour Declaration" not in page_text(client.get("/"))
    circulate(case["declaration"], by=case["drafter"])
    assert "Secret Harbour Declaration" in page_text(client.get("/"))


# Statements: only with "affirm with a statement" --------------------------------------------------------

NEVER_CHOSEN = {"seoul": "Seoul typed this but chose a plain affirmation.",
                "bangkok": "Bangkok typed this but declined."}
CHOSEN = "Jakarta will report on its targets."


def test_a_statement_typed_with_a_plain_answer_is_never_published(
    client, login_as, case, circulate, propose_final, make_organization, make_user
):
    jakarta = make_organization("Jakarta", "ID")
    invite(case["declaration"], jakarta, ParticipantRole.participant)
    jakarta_delegate = make_user(role=UserRole.delegate, organization=jakarta)
    bring_to(case, "affirmation", circulate, propose_final)
    for who, answer, statement in [
        (case["seoul"], "affirmed", NEVER_CHOSEN["seoul"]),
        (case["bangkok"], "declined", NEVER_CHOSEN["bangkok"]),
        (jakarta_delegate, "affirmed with statement", CHOSEN),
    ]:
        login_as(who)
        posted = client.post(url(case, "/affirmation"),
                             data={"answer": answer, "statement": statement, "authorised": "y"})
        assert posted.status_code == 302, page_text(posted)
        mine = page_text(client.get(url(case, "/affirmation")))
        assert (statement in mine) is (answer == "affirmed with statement")
    login_as(case["drafter"])
    assert adopt_as_confirmed(client, case["declaration"].id, ADOPTED_IN_SESSION).status_code == 302
    client.post("/logout")
    declaration_id = case["declaration"].id
    archive = page_text(client.get(f"/archive/{declaration_id}"))
    api = page_text(client.get(f"/api/declarations/{declaration_id}"))
    pdf = pdf_text(client.get(f"/declarations/{declaration_id}/declaration.pdf").data)
    for published in (archive, api, pdf):
        assert CHOSEN in published
        assert not [text for text in NEVER_CHOSEN.values() if text in published]


# The Withdraw button ---------------------------------------------------------------------------------


def test_only_its_author_is_offered_to_withdraw_a_comment(client, login_as, case, circulate, propose_final):
    bring_to(case, "consultation", circulate, propose_final)
    comment = db.session.scalar(select(Comment).where(Comment.declaration_id == case["declaration"].id))
    withdraw = url(case, f"/threads/{comment.id}/withdraw")
    for viewer in ("colleague", "bangkok", "drafter"):
        login_as(case[viewer])
        page = page_text(client.get(url(case, "/versions/1")))
        assert withdraw not in page, viewer
        client.post(withdraw)
        assert db.session.get(Comment, comment.id).status is CommentStatus.open, viewer
    login_as(case["colleague"])
    assert "Seoul comments while it may." in page_text(client.get(url(case, "/versions/1")))  # seen, not withdrawable
    login_as(case["seoul"])
    assert withdraw in page_text(client.get(url(case, "/versions/1")))


# Paragraph numbers in the PDFs ---------------------------------------------------------------------------

PARAGRAPH_NUMBER = re.compile(r"(?<![\d.])[12]\.[123](?![\d.])")


def test_a_draft_pdf_numbers_its_paragraphs_and_the_adopted_pdf_does_not(
    client, login_as, case, circulate, propose_final
):
    add_clause(case["declaration"], heading="Heading 3", body="First.\n\nSecond.\n\nThird.")
    bring_to(case, "adopted", circulate, propose_final)
    login_as(case["seoul"])
    draft = pdf_text(client.get(url(case, "/versions/1.pdf")).data)
    final = pdf_text(client.get(url(case, "/versions/2.pdf")).data)
    adopted = pdf_text(client.get(url(case, "/declaration.pdf")).data)
    for circulated in (draft, final):
        assert {"1.1", "2.1", "3.1", "3.2", "3.3"} <= set(re.findall(r"(?<![\d.])\d\.\d(?![\d.])", circulated))
    assert "First." in adopted and "Third." in adopted
    assert not PARAGRAPH_NUMBER.findall(adopted) and "3.1" not in adopted and "3.3" not in adopted


# Deadlines, with the clock stopped around their instant ------------------------------------------------------


def deadline_near_now(version):
    """Move the version's deadline to an instant a minute ahead, whole seconds; return it."""
    version.deadline = (datetime.now(timezone.utc) + timedelta(minutes=1)).replace(microsecond=0)
    db.session.commit()
    return as_utc(version.deadline)


@pytest.mark.parametrize("offset, open_", AROUND_THE_DEADLINE, ids=["before", "at", "after"])
def test_commenting_closes_at_the_exact_instant_of_the_comment_deadline(
    client, login_as, case, circulate, propose_final, offset, open_
):
    bring_to(case, "consultation", circulate, propose_final)
    deadline = deadline_near_now(case["declaration"].versions[0])
    login_as(case["seoul"])
    stored = count(Comment)
    with time_machine.travel(deadline + offset, tick=False):
        page = page_text(client.get(url(case, "/versions/1")))
        posted = client.post(url(case, "/versions/1/comments"),
                             data={"clause_number": 2, "kind": "comment", "body": "At the last moment."})
    assert ("Send the comment" in page) is open_
    if open_:
        assert posted.status_code == 302 and count(Comment) == stored + 1
    else:
        assert posted.status_code == 422 and "Commenting closed at the deadline" in page_text(posted)
        assert count(Comment) == stored


@pytest.mark.parametrize("offset, open_", AROUND_THE_DEADLINE, ids=["before", "at", "after"])
def test_answering_closes_at_the_exact_instant_of_the_answer_deadline(
    client, login_as, case, circulate, propose_final, offset, open_
):
    bring_to(case, "affirmation", circulate, propose_final)
    deadline = deadline_near_now(signoff.final_version(case["declaration"]))
    login_as(case["seoul"])
    with time_machine.travel(deadline + offset, tick=False):
        page = page_text(client.get(url(case, "/affirmation")))
        posted = client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"})
    assert ("Send the answer" in page) is open_
    if open_:
        assert posted.status_code == 302 and seoul_answers() == [("affirmed", True)]
    else:
        assert posted.status_code == 422 and "Answers closed at the deadline" in page_text(posted)
        assert seoul_answers() == []
