"""Adoption is the one step that cannot be undone: the host sees what it publishes, confirms it, and
adopts without the missing answers before their deadline only by saying why, which the record keeps."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from drafting.domain import published_record, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import AuditEvent, DeclarationState, ParticipantRole, StoredPdf, UserRole, Version
from tests.conftest import adopt_as_confirmed

REASON = "The ministers adopted it by acclamation at the closing session."


@pytest.fixture
def case(make_declaration, make_organization, make_user, make_co_host, circulate, propose_final):
    """A final text answered by Seoul only: Bangkok and Hanoi have not answered, the deadline is 12 days away."""
    declaration = make_declaration(clauses=2)
    seoul, bangkok, hanoi = (make_organization(name, code) for name, code in
                             (("Seoul", "KR"), ("Bangkok", "TH"), ("Hanoi", "VN")))
    for organization in (seoul, bangkok, hanoi):
        invite(declaration, organization, ParticipantRole.participant)
    co_host = make_organization("Osaka", "JP")
    make_co_host(declaration, co_host)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    people = {
        "declaration": declaration, "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org"),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok, email="somchai@bangkok.example.org"),
        "hanoi": make_user(role=UserRole.delegate, organization=hanoi, email="lan@hanoi.example.org"),
        "co-host drafter": make_user(organization=co_host, email="kenji@osaka.example.org"),
        "host delegate": make_user(role=UserRole.delegate, organization=declaration.host),
        "stranger drafter": make_user(),
        "seoul drafter": make_user(organization=seoul),
    }
    propose_final(declaration, by=drafter, deadline=date.today() + timedelta(days=12))
    signoff.answer(signoff.final_version(declaration), people["seoul"], signoff.Answer.affirmed, authorised=True)
    db.session.commit()
    people["base"] = f"/declarations/{declaration.id}"
    return people


def adopted_pdfs() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredPdf).where(StoredPdf.kind == "adopted"))


def adopt_events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "adopt"))


def assert_nothing_adopted(case):
    db.session.expire_all()
    assert case["declaration"].state is DeclarationState.affirmation and case["declaration"].adopted_at is None
    assert adopted_pdfs() == 0 and adopt_events() == 0


def test_a_post_straight_to_the_adopt_address_publishes_nothing(client, login_as, case):
    login_as(case["drafter"])

    response = client.post(f"{case['base']}/adopt")

    assert response.status_code == 409
    assert "Confirm the adoption on this page, which shows what will be published: nothing is adopted yet." in \
        response.get_data(as_text=True)
    assert_nothing_adopted(case)


def test_the_adoption_page_shows_the_answers_the_deadline_and_what_is_published(client, login_as, case):
    login_as(case["drafter"])
    final = signoff.final_version(case["declaration"])

    page = client.get(f"{case['base']}/adopt").get_data(as_text=True)

    # The host's proposal affirmed for the host; the co-host, Bangkok and Hanoi are silent.
    assert "2 of 5 participants have answered" in page
    assert "<strong>2</strong> affirmed" in page and "<strong>3</strong> no answer yet" in page
    assert "<strong>0</strong> declined" in page and "<strong>0</strong> affirmed with statement" in page
    assert f"Answers are open until 23:59 on {(date.today() + timedelta(days=12)):%B %-d, %Y}, Coordinated Universal Time (UTC)." in page
    assert "Without an answer: Bangkok, Hanoi, Osaka." in page
    assert "It will name the 2 organizations that affirmed it:" in page
    assert "<li>Seoul</li>" in page and f"<li>{case['declaration'].host.name}</li>" in page
    assert "<li>Bangkok</li>" not in page
    assert final.fingerprint in page and "Final" in page
    assert f'href="{case["base"]}/versions/{final.number}"' in page
    assert f'href="{case["base"]}/versions/{final.number}.pdf"' in page
    assert 'name="reason"' in page and 'name="without_missing_answers"' in page


@pytest.mark.parametrize("fields", [{"without_missing_answers": "y", "reason": "  "}, {"reason": REASON}],
                         ids=["confirmed without a reason", "a reason without the confirmation"])
def test_adopting_without_the_missing_answers_needs_the_confirmation_and_a_reason(client, login_as, case, fields):
    login_as(case["drafter"])

    seen = signoff.adoption_outlook(case["declaration"]).answers_seen
    response = client.post(f"{case['base']}/adopt", data={"answers_seen": seen} | fields)

    assert response.status_code == 409
    assert "3 of 5 participants have not answered, and answers are open until 23:59 on" in \
        response.get_data(as_text=True)
    assert "confirm that you adopt without them and say why" in response.get_data(as_text=True)
    assert_nothing_adopted(case)


def test_the_domain_refuses_too_and_names_the_reason_field(case):
    with pytest.raises(signoff.SignoffRefused) as refused:
        signoff.adopt(case["declaration"], case["drafter"])
    assert refused.value.field == "reason"
    db.session.rollback()
    assert_nothing_adopted(case)


@pytest.mark.parametrize("who, status", [
    ("seoul", 403), ("seoul drafter", 403), ("stranger drafter", 404), ("host delegate", 302),
])
def test_nobody_but_a_host_drafter_adopts(client, login_as, case, who, status):
    login_as(case[who])

    assert client.get(f"{case['base']}/adopt").status_code == status
    seen = signoff.adoption_outlook(case["declaration"]).answers_seen
    response = client.post(f"{case['base']}/adopt",
                           data={"answers_seen": seen, "without_missing_answers": "y", "reason": REASON})

    assert response.status_code == status
    assert_nothing_adopted(case)


def test_a_confirmation_made_on_answers_that_changed_since_is_refused(client, login_as, case):
    login_as(case["drafter"])
    page = client.get(f"{case['base']}/adopt").get_data(as_text=True)
    seen = page.split('name="answers_seen" type="hidden" value="')[1].split('"')[0]
    # Bangkok declines while the host reads the page.
    signoff.answer(signoff.final_version(case["declaration"]), case["bangkok"], signoff.Answer.declined, authorised=True)
    db.session.commit()

    response = client.post(f"{case['base']}/adopt",
                           data={"answers_seen": seen, "without_missing_answers": "y", "reason": REASON})

    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The answers changed since you opened this page: nothing is adopted." in text
    assert "<strong>1</strong> declined" in text, "the page shows the answers as they are now"
    assert_nothing_adopted(case)
    assert adopt_as_confirmed(client, case["declaration"].id, REASON).status_code == 302


def test_adopted_without_the_missing_answers_the_record_keeps_the_reason_and_everyone_is_told(
    client, login_as, case, outbox
):
    login_as(case["drafter"])

    response = adopt_as_confirmed(client, case["declaration"].id, REASON)

    assert response.status_code == 302 and response.location.endswith("/tracker")
    db.session.expire_all()
    declaration = case["declaration"]
    assert declaration.state is DeclarationState.adopted
    assert published_record.of(declaration).missing_answers_reason == REASON
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adopt"))
    assert event.detail["reason"] == REASON and event.detail["without_answers_from"] == ["Bangkok", "Hanoi", "Osaka"]
    assert REASON in client.get(f"{case['base']}/tracker").get_data(as_text=True)
    assert REASON in client.get(f"{case['base']}/audit").get_data(as_text=True)
    certificate = client.get(f"{case['base']}/certificate").get_data(as_text=True)
    assert REASON in certificate and "without the answers of Bangkok, Hanoi, Osaka" in certificate
    told = {message["To"]: message for message in outbox() if "is adopted" in message["Subject"]}
    assert {"minji@seoul.example.org", "somchai@bangkok.example.org", "lan@hanoi.example.org",
            "kenji@osaka.example.org"} <= set(told)
    assert not {case[who].email for who in ("drafter", "stranger drafter", "host delegate")} & set(told)
    for message in told.values():
        body = message.get_body(("plain",)).get_content()
        assert f"http://localhost{case['base']}/declaration.pdf" in body
        assert signoff.final_version(declaration).fingerprint in body


def test_with_every_answer_in_or_after_the_deadline_no_reason_is_asked(client, login_as, case):
    final = signoff.final_version(case["declaration"])
    db.session.execute(update(Version).where(Version.id == final.id)
                       .values(deadline=final.circulated_at - timedelta(days=1)))
    db.session.commit()
    login_as(case["drafter"])

    page = client.get(f"{case['base']}/adopt").get_data(as_text=True)
    response = adopt_as_confirmed(client, case["declaration"].id)

    assert "Answers closed at " in page and "The answer deadline has passed" in page
    assert response.status_code == 302
    db.session.expire_all()
    assert case["declaration"].state is DeclarationState.adopted
    assert published_record.of(case["declaration"]).missing_answers_reason is None


def test_a_japanese_declaration_is_announced_in_japanese(
    client, login_as, make_declaration, make_organization, make_user, circulate, propose_final, outbox
):
    declaration = make_declaration(clauses=1, language="ja", title="東京宣言")
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    delegate = make_user(role=UserRole.delegate, organization=seoul)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)
    login_as(drafter)

    assert adopt_as_confirmed(client, declaration.id, REASON).status_code == 302

    (message,) = [message for message in outbox() if message["To"] == delegate.email]
    assert message["Subject"] == "東京宣言が採択されました"
    body = message.get_body(("plain",)).get_content()
    assert "を採択しました" in body and "採択された宣言のPDF：" in body
    assert f"/declarations/{declaration.id}/declaration.pdf" in body
