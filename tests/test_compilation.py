"""An amendment's justification, open and closed consultations, and the compilation of a draft as a page and a PDF."""

import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import page as page_validation
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from drafting.domain import circulation, compilation, consultation, stances
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import AuditEvent, Comment, CommentPart, ParticipantRole, UserRole, limits
from tests.test_consultation import assert_refused

JUSTIFICATION = "Heat kills the elderly first: a year makes the promise one we can report on."
BANGKOK_SECRET = "Bangkok keeps this remark between itself and the host."


@pytest.fixture
def consulted(make_declaration, make_organization, make_user, circulate):
    """Draft 1 (closed) of three clauses; Seoul and Bangkok participate; each has commented, Bangkok amended."""

    def build(open_consultation=False, **fields):
        declaration = make_declaration(clauses=3, **fields)
        seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
        invite(declaration, seoul, ParticipantRole.participant)
        invite(declaration, bangkok, ParticipantRole.participant)
        drafter = make_user(organization=declaration.host)
        version = circulation.circulate(declaration, drafter, date.today() + timedelta(days=7), date.today(),
                                        open_consultation=open_consultation)
        db.session.commit()
        people = SimpleNamespace(
            declaration=declaration, version=version, drafter=drafter,
            seoul=make_user(role=UserRole.delegate, organization=seoul),
            bangkok=make_user(role=UserRole.delegate, organization=bangkok),
        )
        people.on_3 = consultation.add_comment(version, 3, people.seoul, "Seoul supports clause 3.")
        people.secret = consultation.add_comment(version, 1, people.bangkok, BANGKOK_SECRET)
        people.amendment = consultation.add_comment(
            version, 2, people.bangkok, "Name the year.", "Body of clause 2, by 2030.", JUSTIFICATION,
        )
        db.session.commit()
        return people

    return build


def url(people, path=""):
    return f"/declarations/{people.declaration.id}{path}"


def text(response) -> str:
    return response.get_data(as_text=True)


# The justification

def test_an_amendment_without_its_justification_is_refused_and_nothing_is_stored(consulted):
    people = consulted()
    for justification, message in [
        (None, "Write the justification."),
        ("  \n ", "Write the justification."),
        ("x" * (limits.JUSTIFICATION + 1), "The justification has 5,001 characters; at most 5,000 are allowed."),
    ]:
        assert_refused(lambda: consultation.add_comment(people.version, 1, people.seoul, "Why", "New text.",
                                                        justification), message, "justification")
    assert_refused(lambda: consultation.add_comment(people.version, 1, people.seoul, "A remark.", None, "Because."),
                   "Only an amendment carries a justification.", "justification")
    longest = consultation.add_comment(people.version, 1, people.seoul, "Why", "New text.", "y" * limits.JUSTIFICATION)
    assert len(longest.justification) == limits.JUSTIFICATION


def test_the_amendment_form_asks_for_the_justification_and_keeps_what_was_written(client, login_as, consulted):
    people = consulted()
    login_as(people.seoul)
    refused = client.post(url(people, "/versions/1/comments"), data={
        "clause_number": 3, "kind": "amendment", "body": "Shorter.", "proposed_text": "Body of clause 3, shorter.",
    })
    assert refused.status_code == 422
    page = text(refused)
    assert re.search(r'<textarea id="justification-3"[^>]* aria-invalid="true"', page)
    assert "Write the justification." in page and "Body of clause 3, shorter." in page
    assert db.session.scalar(select(Comment).where(Comment.body == "Shorter.")) is None

    made = client.post(url(people, "/versions/1/comments"), data={
        "clause_number": 3, "kind": "amendment", "body": "Shorter.", "proposed_text": "Body of clause 3, shorter.",
        "justification": "Fewer words, same promise.",
    })
    assert made.status_code == 302
    assert db.session.scalar(select(Comment.justification).where(Comment.body == "Shorter.")) == (
        "Fewer words, same promise.")


def test_the_host_reads_the_justification_on_the_desk(client, login_as, consulted):
    people = consulted()
    login_as(people.drafter)
    desk = text(client.get(url(people, "/comments")))
    assert "Justification" in desk and JUSTIFICATION in desk


# Closed consultation (the default)

def test_in_a_closed_consultation_seoul_never_sees_bangkoks_comments(client, login_as, consulted):
    people = consulted()
    login_as(people.seoul)
    review = client.get(url(people, "/versions/1"))
    assert review.status_code == 200
    assert "Seoul supports clause 3." in text(review)
    assert BANGKOK_SECRET not in text(review) and JUSTIFICATION not in text(review)
    assert "A closed consultation" in text(review) and "/compilation" not in text(review)
    for path in ("/versions/1/compilation", "/versions/1/compilation.pdf", "/comments"):
        assert client.get(url(people, path)).status_code in (403, 404), path
    # Nor through a thread's address, nor the API, nor the draft's PDF.
    replied = client.post(url(people, f"/threads/{people.secret.id}/replies"), data={"body": "Me too."})
    assert replied.status_code == 404
    assert client.post(url(people, f"/threads/{people.secret.id}/withdraw")).status_code in (400, 404)
    for path in ("/api/declarations", f"/api/declarations/{people.declaration.id}"):
        assert BANGKOK_SECRET not in text(client.get(path))
    assert b"Bangkok keeps" not in client.get(url(people, "/versions/1.pdf")).get_data()
    assert [c.body for c in compilation.contributions(people.seoul, people.version)] == ["Seoul supports clause 3."]


def test_a_draft_circulated_closed_stays_closed_when_the_next_is_open(client, login_as, consulted):
    people = consulted()
    circulation.circulate(people.declaration, people.drafter, date.today() + timedelta(days=7), date.today(),
                          open_consultation=True)
    db.session.commit()
    login_as(people.seoul)
    for number in (1, 2):
        assert BANGKOK_SECRET not in text(client.get(url(people, f"/versions/{number}")))
    assert client.get(url(people, "/versions/1/compilation")).status_code == 404
    assert client.get(url(people, "/versions/2/compilation")).status_code == 200


# Open consultation

def test_the_host_opens_the_consultation_when_circulating(client, login_as, make_declaration, make_user):
    declaration = make_declaration(clauses=1)
    login_as(make_user(organization=declaration.host))
    deadline = (date.today() + timedelta(days=7)).isoformat()
    circulated = client.post(f"/declarations/{declaration.id}/circulate",
                             data={"comment_deadline": deadline, "open_consultation": "y"})
    assert circulated.status_code == 302
    assert declaration.versions[0].open_consultation
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.declaration_id == declaration.id,
                                                        AuditEvent.action == "circulate"))
    assert event.detail["consultation"] == "open"
    assert client.post(f"/declarations/{declaration.id}/circulate",
                       data={"comment_deadline": deadline}).status_code == 302
    assert not declaration.versions[1].open_consultation


def test_in_an_open_consultation_participants_read_each_others_comments_but_answer_only_their_own(
    client, login_as, consulted
):
    people = consulted(open_consultation=True)
    login_as(people.seoul)
    review = text(client.get(url(people, "/versions/1")))
    assert BANGKOK_SECRET in review and JUSTIFICATION in review and "An open consultation" in review
    # Bangkok's threads carry no reply form and no withdraw button for Seoul; its own does.
    assert f'action="/declarations/{people.declaration.id}/threads/{people.secret.id}/replies"' not in review
    assert f'action="/declarations/{people.declaration.id}/threads/{people.secret.id}/withdraw"' not in review
    assert f'action="/declarations/{people.declaration.id}/threads/{people.on_3.id}/replies"' in review
    replied = client.post(url(people, f"/threads/{people.secret.id}/replies"), data={"body": "Me too."})
    assert replied.status_code == 422 and "Only the host and the comment" in text(replied)
    assert client.post(url(people, f"/threads/{people.secret.id}/withdraw")).status_code in (400, 302)
    db.session.refresh(people.secret)
    assert people.secret.status.value == "open" and people.secret.replies == []
    assert client.get(url(people, "/comments")).status_code in (403, 404)  # the desk stays the host's
    page = client.get(url(people, "/versions/1/compilation"))
    assert page.status_code == 200 and BANGKOK_SECRET in text(page)


# The compilation

def test_the_compilation_holds_every_comment_and_amendment_clause_by_clause(client, login_as, consulted):
    people = consulted()
    withdrawn = consultation.add_comment(people.version, 1, people.seoul, "Seoul takes this back.")
    consultation.withdraw(withdrawn, people.seoul)
    db.session.commit()
    login_as(people.drafter)
    page = text(client.get(url(people, "/versions/1/compilation")))
    # Document order, whatever the order the comments were made in.
    order = [page.index(piece) for piece in ("1. Heading 1", BANGKOK_SECRET, "2. Heading 2", "Name the year.",
                                             JUSTIFICATION, "3. Heading 3", "Seoul supports clause 3.")]
    assert order == sorted(order)
    assert '<ins><span class="visually-hidden">inserted: </span>, by 2030' in page
    assert page.count("<strong>Bangkok</strong>") == 2 and page.count("<strong>Seoul</strong>") == 1
    assert "Seoul takes this back." not in page
    assert "3 in all" in page


def test_a_clause_without_comments_says_so(client, login_as, consulted):
    people = consulted()
    consultation.withdraw(people.on_3, people.seoul)
    db.session.commit()
    login_as(people.drafter)
    page = text(client.get(url(people, "/versions/1/compilation")))
    assert page.count("No comment or amendment on this clause.") == 1


def test_the_compilation_pdf_reads_back_clause_by_clause_and_is_pdf_a_and_pdf_ua(client, login_as, consulted):
    people = consulted()
    login_as(people.drafter)
    response = client.get(url(people, "/versions/1/compilation.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith("-draft-1-compilation.pdf")
    assert "no-store" in response.headers["Cache-Control"]
    content = response.get_data()
    pages = PdfReader(io.BytesIO(content)).pages
    printed = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert all("DRAFT 1 · CIRCULATED" in " ".join(page.extract_text().split()) for page in pages)
    order = [printed.index(piece) for piece in (
        "COMPILATION OF THE COMMENTS AND AMENDMENTS", "Comment of Bangkok", BANGKOK_SECRET,
        "Amendment of Bangkok", "Proposed text", "by 2030", "Justification", JUSTIFICATION,
        "Comment of Seoul", "Seoul supports clause 3.",
    )]
    assert order == sorted(order)
    assert "inserted:" not in printed
    failures = {
        profile.name: sorted(failure.rule_id for failure in page_validation.validate_pdf_bytes(content, profile=profile).failures)
        for profile in (page_validation.ValidationProfile.PDF_A_3A, page_validation.ValidationProfile.PDF_UA_1)
    }
    assert failures == {"PDF_A_3A": [], "PDF_UA_1": []}


def test_the_compilation_pdf_is_written_in_the_declarations_language(client, login_as, consulted):
    people = consulted(language="ja")
    login_as(people.drafter)
    printed = "".join(PdfReader(io.BytesIO(client.get(url(people, "/versions/1/compilation.pdf")).get_data()))
                      .pages[0].extract_text().split())
    assert "意見及び修正案の取りまとめ" in printed and "Bangkokの意見" in printed



# Comments on every part, and the stances

PREAMBLE = "We, the cities, met in Tokyo.\n\nWe recall the Yokohama Declaration."


def _part_comments(people):
    """Seoul comments on the opening, on the preamble's second paragraph (quoting it) and on the closing formula;
    Bangkok on clause 2's only paragraph."""
    said = [
        consultation.add_comment(people.version, None, people.seoul, "Name the mayors.", part=CommentPart.opening),
        consultation.add_comment(people.version, None, people.seoul, "Recall Jakarta too.", part=CommentPart.preamble,
                                 paragraph=2, quote="Yokohama Declaration"),
        consultation.add_comment(people.version, None, people.seoul, "Sign in Tokyo.",
                                 part=CommentPart.closing_formula),
        consultation.add_comment(people.version, 2, people.bangkok, "Say which data.", paragraph=1),
    ]
    db.session.commit()
    return said


def _stances(people):
    """Seoul agrees with clause 1 and objects to clause 2 with a text it could accept; Bangkok can live with clause 2."""
    stances.give(people.version, 1, people.seoul, "agree")
    stances.give(people.version, 2, people.seoul, "object", "Too soon for our budget.", "Body of clause 2, by 2035.")
    stances.give(people.version, 2, people.bangkok, "can_live_with")
    db.session.commit()


def test_the_compilation_holds_comments_on_every_part_in_the_order_the_document_reads(client, login_as, consulted):
    people = consulted(preamble=PREAMBLE)
    _part_comments(people)
    login_as(people.drafter)
    page = text(client.get(url(people, "/versions/1/compilation")))
    order = [page.index(piece) for piece in (
        "Opening", "Name the mayors.", "Preamble", "We recall the Yokohama Declaration.", "on paragraph 2",
        "Yokohama Declaration</blockquote>", "Recall Jakarta too.", "1. Heading 1", BANGKOK_SECRET, "2. Heading 2",
        "Name the year.", "Say which data.", "3. Heading 3", "Closing formula", "Sign in Tokyo.",
    )]
    assert order == sorted(order)
    assert "7 in all" in page


def test_the_compilation_prints_every_participants_stance_under_its_clause(client, login_as, consulted):
    people = consulted()
    _stances(people)
    login_as(people.drafter)
    page = text(client.get(url(people, "/versions/1/compilation")))
    clause_1, clause_2, clause_3 = (page[page.index(f"Stances on clause {n}"):] for n in (1, 2, 3))
    assert "<strong>Seoul</strong>: agree" in clause_1[:clause_1.index("Stances on clause 2")]
    assert "No stance: Bangkok." in clause_1[:clause_1.index("Stances on clause 2")]
    on_2 = clause_2[:clause_2.index("Stances on clause 3")]
    assert "<strong>Seoul</strong>: object" in on_2 and "Too soon for our budget." in on_2
    assert '<ins><span class="visually-hidden">inserted: </span>, by 2035' in on_2
    assert "<strong>Bangkok</strong>: can live with it" in on_2 and "No stance" not in on_2
    assert "No stance: Bangkok, Seoul." in clause_3  # in the host's order of the participants


def test_a_stance_carried_from_the_last_draft_shows_so_and_an_outdated_one_counts_as_none(
    client, login_as, consulted
):
    people = consulted()
    _stances(people)
    clause_2 = next(c for c in people.declaration.clauses if c.position == 2)
    clause_2.body = "Body of clause 2, by 2032."
    db.session.commit()
    circulation.circulate(people.declaration, people.drafter, date.today() + timedelta(days=7), date.today())
    db.session.commit()
    login_as(people.drafter)
    page = text(client.get(url(people, "/versions/2/compilation")))
    on_1 = page[page.index("Stances on clause 1"):page.index("Stances on clause 2")]
    on_2 = page[page.index("Stances on clause 2"):page.index("Stances on clause 3")]
    assert "<strong>Seoul</strong>: agree <small>(from Draft 1, text unchanged)</small>" in on_1
    assert "Too soon for our budget." not in on_2 and "No stance: Bangkok, Seoul." in on_2


def test_in_a_closed_consultation_a_participant_reads_no_other_stance(client, login_as, consulted):
    people = consulted()
    _stances(people)
    login_as(people.bangkok)
    assert client.get(url(people, "/versions/1/compilation")).status_code == 404
    assert client.get(url(people, "/versions/1/compilation.pdf")).status_code == 404
    assert "Too soon for our budget." not in text(client.get(url(people, "/versions/1")))


def test_in_an_open_consultation_a_participant_reads_every_stance(client, login_as, consulted):
    people = consulted(open_consultation=True)
    _stances(people)
    login_as(people.bangkok)
    page = text(client.get(url(people, "/versions/1/compilation")))
    assert "<strong>Seoul</strong>: object" in page and "Too soon for our budget." in page


def test_a_comment_another_delegation_still_prepares_stays_out_of_the_compilation(client, login_as, consulted):
    people = consulted(open_consultation=True)
    consultation.add_comment(people.version, 1, people.seoul, "Seoul is still weighing this.", prepare=True)
    db.session.commit()
    login_as(people.bangkok)
    assert "Seoul is still weighing this." not in text(client.get(url(people, "/versions/1/compilation")))


def test_the_compilation_pdf_holds_every_part_and_the_stances(client, login_as, consulted):
    people = consulted(preamble=PREAMBLE)
    _part_comments(people)
    _stances(people)
    login_as(people.drafter)
    content = client.get(url(people, "/versions/1/compilation.pdf")).get_data()
    printed = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    order = [printed.index(piece) for piece in (
        "Opening", "Comment of Seoul,", "Name the mayors.", "Preamble", "Comment of Seoul on paragraph 2,",
        "Quoted passage", "Recall Jakarta too.", "Stances on clause 1", "Seoul: agree", "No stance: Bangkok.",
        "Say which data.", "Stances on clause 2", "Bangkok: can live with it", "Seoul: object",
        "Too soon for our budget.", "Text it could accept instead", "by 2035", "Stances on clause 3",
        "No stance: Bangkok and Seoul.",
        "Closing formula", "Sign in Tokyo.",
    )]
    assert order == sorted(order)
    failures = {
        profile.name: sorted(failure.rule_id for failure in page_validation.validate_pdf_bytes(content, profile=profile).failures)
        for profile in (page_validation.ValidationProfile.PDF_A_3A, page_validation.ValidationProfile.PDF_UA_1)
    }
    assert failures == {"PDF_A_3A": [], "PDF_UA_1": []}


def test_the_stances_and_parts_of_a_japanese_compilation_are_printed_in_japanese(client, login_as, consulted):
    people = consulted(language="ja", preamble=PREAMBLE)
    _part_comments(people)
    _stances(people)
    login_as(people.drafter)
    content = client.get(url(people, "/versions/1/compilation.pdf")).get_data()
    printed = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    for words in ("冒頭", "前文", "結びの文", "第1項に対する立場", "Seoul：賛成", "Seoul：反対", "Bangkok：受入れ可能",
                  "引用箇所", "Seoulの第2段落に対する意見", "受入れ可能な代替案の文言"):
        assert words in printed, words
