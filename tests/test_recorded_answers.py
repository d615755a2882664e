"""Answers given outside the application: recorded by the host with a checked scan, marked, told, contested."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from drafting.domain import completion, evidence, final_text, recorded_answers, signoff
from drafting.domain.clock import utcnow
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Affirmation, AnswerEvidence, Answer, AuditEvent, ParticipantRole, UserRole

DESCRIPTION = "letter of 3 December 2026"


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def an_image(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 150), 64).save(out, kind)
    return out.getvalue()


@pytest.fixture
def case(make_declaration, make_organization, make_user, circulate, propose_final):
    declaration = make_declaration(clauses=3)
    seoul, bangkok, lyon = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH"), make_organization("Lyon", "FR")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    invite(declaration, lyon, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host, name="Aiko Tanaka")
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    people = {
        "declaration": declaration, "final": final, "drafter": drafter, "seoul": seoul, "bangkok": bangkok, "lyon": lyon,
        "minji": make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org", name="Kim Min-ji"),
        "seoul_focal": make_user(role=UserRole.delegate, organization=seoul, email="focal@seoul.example.org",
                                 name="Park Ji-hoon", mandate=False),
        "somchai": make_user(role=UserRole.delegate, organization=bangkok, name="Somchai Wong"),
        "outsider": make_user(role=UserRole.drafter, name="Someone Else"),
        "other_host": make_user(role=UserRole.drafter, organization=make_declaration().host),
    }
    people["seoul_focal"].focal_point = True
    db.session.commit()
    return people


def url(case, path=""):
    return f"/declarations/{case['declaration'].id}{path}"


def record_form(case, scan=None, filename="letter.pdf", **fields):
    data = {
        "organization": str(case["seoul"].id), "answer": "affirmed", "description": DESCRIPTION,
        "contestable_until": (date.today() + timedelta(days=5)).isoformat(),
        "evidence": (io.BytesIO(a_pdf() if scan is None else scan), filename),
    }
    return data | fields


def post_record(client, case, **fields):
    """Post the recording form; encoded in memory, as the test client would spool a large body to a file it never closes."""
    form = record_form(case, **fields)
    content, filename = form.pop("evidence")
    body, length, boundary = stream_encode_multipart(
        {"evidence": FileStorage(content, filename=filename), **form}, use_tempfile=False)
    return client.post(url(case, "/answers/record"), input_stream=body, content_length=length,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_counts():
    return (db.session.scalar(select(func.count()).select_from(AnswerEvidence)),
            db.session.scalar(select(func.count()).select_from(Affirmation)))


# Recording


def test_the_host_records_a_paper_answer_with_its_scan_and_it_counts_marked_as_recorded(client, login_as, case, outbox):
    login_as(case["drafter"])
    assert "Record an answer given on paper" in client.get(url(case, "/tracker")).get_data(as_text=True)
    response = post_record(client, case)
    assert response.status_code == 302 and response.location.endswith("/tracker")
    given = final_text.live_answers(case["final"])[case["seoul"].id]
    assert given.answer is Answer.affirmed and given.recorded and given.evidence.media_type == "application/pdf"
    assert given.evidence.content == a_pdf() or given.evidence.content.startswith(b"%PDF-")
    tracker = client.get(url(case, "/tracker")).get_data(as_text=True)
    assert f"recorded by Aiko Tanaka on {date.today():%-d %B %Y}" in tracker or "recorded by Aiko Tanaka on" in tracker
    assert f">{DESCRIPTION}</a>" in tracker and "may be contested until" in tracker
    certificate = client.get(url(case, "/certificate")).get_data(as_text=True)
    assert f"recorded by Aiko Tanaka on {date.today().isoformat()}, on the strength of {DESCRIPTION}" in certificate
    trail = client.get(url(case, "/audit")).get_data(as_text=True)
    assert "record answer" in trail and DESCRIPTION in trail
    # The organization's own people are told, each with the time they may contest it until.
    told = {message["To"] for message in outbox()}
    assert {"minji@seoul.example.org", "focal@seoul.example.org"} <= told
    assert case["somchai"].email not in told
    body = next(m for m in outbox() if m["To"] == "minji@seoul.example.org").get_body(("plain",)).get_content()
    assert DESCRIPTION in body and "contest it until" in body


def test_the_participants_answer_page_says_it_was_recorded_and_lets_its_people_download_the_scan(client, login_as, case):
    login_as(case["drafter"])
    post_record(client, case)
    answer_id = final_text.live_answers(case["final"])[case["seoul"].id].id
    login_as(case["minji"])
    page = client.get(url(case, "/affirmation")).get_data(as_text=True)
    assert "recorded by Aiko Tanaka on" in page and DESCRIPTION in page and "Contest this recorded answer" in page
    download = client.get(url(case, f"/answers/{answer_id}/evidence"))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"] and download.data.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["somchai", "outsider", "other_host"])
def test_outsiders_cannot_download_the_evidence(client, login_as, case, who):
    login_as(case["drafter"])
    post_record(client, case)
    answer_id = final_text.live_answers(case["final"])[case["seoul"].id].id
    login_as(case[who])
    assert client.get(url(case, f"/answers/{answer_id}/evidence")).status_code == 404


def test_an_image_scan_is_kept_as_an_image(case):
    for kind, media_type in (("PNG", "image/png"), ("JPEG", "image/jpeg")):
        assert evidence.checked(an_image(kind)).media_type == media_type


POLYGLOT = b"<html><script>alert(1)</script></html>\n" + a_pdf()


@pytest.mark.parametrize("scan, filename, message", [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "answer.pdf", evidence.NOT_A_SCAN),  # a program renamed .pdf
    (b"<!DOCTYPE html><html><body>Seoul affirms</body></html>", "answer.pdf", evidence.NOT_A_SCAN),
    (POLYGLOT, "answer.pdf", evidence.NOT_A_SCAN),  # a web page that pypdf would still read as a PDF
    (an_image("PNG")[:2000], "answer.png", evidence.NOT_A_SCAN),  # only begins like an image
    (b"%PDF-1.7\n" + b"x" * 500, "answer.pdf", evidence.NOT_A_SCAN),  # only begins like a PDF
    (an_image("GIF"), "answer.gif", evidence.NOT_A_SCAN),
    (a_pdf() + b"\x00" * (evidence.MAX_BYTES + 1), "answer.pdf", evidence.TOO_LARGE),
])
def test_evidence_that_is_not_a_scan_or_too_large_is_refused_and_nothing_is_stored(client, login_as, case, scan,
                                                                                    filename, message):
    login_as(case["drafter"])
    before = stored_counts()
    response = post_record(client, case, scan=scan, filename=filename)
    assert response.status_code in (413, 422)
    page = response.get_data(as_text=True)
    assert message.replace("’", "&#39;") in page or message in page
    assert 'aria-invalid="true"' in page
    assert stored_counts() == before


def test_an_upload_far_over_the_limit_gets_the_page_and_its_message_not_a_bare_413(client, login_as, case):
    login_as(case["drafter"])
    before = stored_counts()
    response = post_record(client, case, scan=b"%PDF-" + b"0" * (8 * 1024 * 1024))
    assert response.status_code == 413
    assert evidence.TOO_LARGE in response.get_data(as_text=True) and "Scan of the answer" in response.get_data(as_text=True)
    assert stored_counts() == before


@pytest.mark.parametrize("organization, message", [
    ("lyon", "Only the answer of a participant"),  # an observer
    ("other", "Only the answer of a participant"),  # not invited at all
])
def test_the_host_records_only_for_its_declarations_participants(client, login_as, case, make_organization,
                                                                 organization, message):
    target = case["lyon"] if organization == "lyon" else make_organization("Nowhere", "FR")
    target_id = target.id
    db.session.commit()
    login_as(case["drafter"])
    before = stored_counts()
    response = post_record(client, case, organization=str(target_id))
    assert response.status_code == 422 and ("Not a valid choice" in response.get_data(as_text=True)
                                            or message in response.get_data(as_text=True))
    assert stored_counts() == before
    with pytest.raises(signoff.SignoffRefused, match=message):
        recorded_answers.record(case["final"], case["drafter"], recorded_answers.PaperAnswer(target_id, Answer.affirmed),
                                a_pdf(), DESCRIPTION, date.today(), date.today())
    db.session.rollback()
    assert stored_counts() == before


def test_a_host_of_another_declaration_and_a_delegate_cannot_record(client, login_as, case):
    before = stored_counts()
    for who in ("other_host", "minji", "somchai"):
        login_as(case[who])
        response = post_record(client, case)
        assert response.status_code in (302, 403, 404)
        assert stored_counts() == before
    with pytest.raises(signoff.SignoffRefused, match="Only the host's drafters"):
        recorded_answers.record(case["final"], case["minji"],
                                recorded_answers.PaperAnswer(case["seoul"].id, Answer.affirmed),
                                a_pdf(), DESCRIPTION, date.today(), date.today())


def test_a_missing_description_or_a_past_contest_day_is_refused(client, login_as, case):
    login_as(case["drafter"])
    before = stored_counts()
    for fields, message in (({"description": " "}, "Say what the evidence is"),
                            ({"contestable_until": (date.today() - timedelta(days=1)).isoformat()},
                             "cannot end before today")):
        response = post_record(client, case, **fields)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert stored_counts() == before


# Contesting


def recorded(case, until=None):
    affirmation = recorded_answers.record(
        case["final"], case["drafter"], recorded_answers.PaperAnswer(case["seoul"].id, Answer.affirmed), a_pdf(),
        DESCRIPTION, until or date.today() + timedelta(days=3), date.today())
    db.session.commit()
    return affirmation


def test_the_organizations_people_contest_a_recorded_answer_which_voids_it_and_tells_the_host(client, login_as, case,
                                                                                                outbox):
    answer_id = recorded(case).id
    login_as(case["minji"])
    refused = client.post(url(case, f"/answers/{answer_id}/contest"), data={"contest-reason": " "})
    assert refused.status_code == 409 and "Say why" in refused.get_data(as_text=True)
    response = client.post(url(case, f"/answers/{answer_id}/contest"),
                           data={"contest-reason": "Our mayor signed no such letter."})
    assert response.status_code == 302
    contested = db.session.get(Affirmation, answer_id)
    assert contested.live is None and "Our mayor signed no such letter." in contested.void_reason
    assert case["seoul"].id not in final_text.live_answers(case["final"])
    assert any(m["To"] == case["drafter"].email and "Our mayor signed no such letter." in m.get_body(("plain",)).get_content()
               for m in outbox())
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contest recorded answer")) is not None


@pytest.mark.parametrize("who", ["somchai", "drafter"])
def test_another_organization_cannot_contest(client, login_as, case, who):
    answer_id = recorded(case).id
    login_as(case[who])
    response = client.post(url(case, f"/answers/{answer_id}/contest"), data={"contest-reason": "Not theirs."})
    assert response.status_code == 409 and "Only the people of Seoul contest" in response.get_data(as_text=True)
    assert db.session.get(Affirmation, answer_id).live is True


def test_no_contest_after_the_time_the_host_set(client, login_as, case):
    affirmation = recorded(case, until=date.today())
    answer_id = affirmation.id
    with pytest.raises(signoff.SignoffRefused, match="The time to contest this answer ended"):
        recorded_answers.contest(affirmation, case["minji"], "Too late.", now=utcnow() + timedelta(days=2))
    db.session.rollback()
    assert db.session.get(Affirmation, answer_id).live is True


def test_the_certificate_keeps_the_evidence_and_old_records_read_as_before(case):
    recorded(case)
    entry = next(e for e in completion.entries(case["declaration"]) if e.organization == "Seoul")
    assert entry.evidence == DESCRIPTION and entry.answered_by == "Aiko Tanaka"
    from drafting.domain.published_record import CertifiedAnswer
    old = {k: v for k, v in entry.__dict__.items() if k != "evidence"}
    assert CertifiedAnswer(**old).evidence is None


def test_no_answer_is_recorded_once_answers_are_closed(client, login_as, case):
    case["final"].deadline = utcnow() - timedelta(hours=1)
    db.session.commit()
    login_as(case["drafter"])
    before = stored_counts()
    response = post_record(client, case)
    assert response.status_code == 302
    assert "Answers closed at the deadline" in client.get(response.location).get_data(as_text=True)
    assert stored_counts() == before


def test_a_recording_sent_twice_is_recorded_once(client, login_as, case):
    login_as(case["drafter"])
    key = "k" * 43
    assert post_record(client, case, submission=key).status_code == 302
    after_first = stored_counts()
    again = post_record(client, case, submission=key)
    assert again.status_code == 302 and "nothing was added a second time" in client.get(again.location).get_data(as_text=True)
    assert stored_counts() == after_first
