"""Who speaks for an organization (issue 12): its focal points vouch for its delegates, a mandate per declaration.

The first tests are the attacks of the issue, tried through the pages: each failed on the code
before mandates, where any user of an invited organization acted for it on every declaration and
any host drafter made accounts for any invited organization.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from drafting.domain import audit, consultation, permissions, signoff
from drafting.domain.clock import as_utc, utcnow
from drafting.domain.people import mandates
from drafting.domain.people.delegate_invitations import InvitationRefused, deactivate_member, invite_member
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import (
    Affirmation, AuditEvent, Comment, DelegateInvitation, Mandate, MandateStatus, ParticipantRole, User, UserRole,
)
from tests.conftest import ADOPTED_IN_SESSION

SEOUL = "Seoul Metropolitan Government"
ACCOUNT = {"name": "Mallory", "password": "a long new passphrase", "password_again": "a long new passphrase"}


@pytest.fixture
def world(make_declaration, make_organization, make_user, circulate):
    """Tokyo's declaration in consultation (Draft 1) with Seoul and Bangkok participating; Seoul's
    focal point and its delegate Ji-woo, whose mandate covers the Tokyo Declaration only; and a
    drafter of Nowhere, a city that takes part in nothing, with a declaration of its own inviting Seoul."""
    tokyo, seoul = make_organization("Tokyo Metropolitan Government", "JP"), make_organization(SEOUL, "KR")
    bangkok, nowhere = make_organization("Bangkok", "TH"), make_organization("Nowhere", "FR")
    tokyo_declaration = make_declaration(host=tokyo, clauses=2, title="Tokyo Declaration")
    for organization in (seoul, bangkok):
        invite(tokyo_declaration, organization, ParticipantRole.participant)
    host = make_user(organization=tokyo, email="host@tokyo.example.org")
    seoul_focal = make_user(organization=seoul, email="focal@seoul.example.org", name="Seo-yeon Park")
    seoul_focal.focal_point = True
    bangkok_focal = make_user(organization=bangkok, email="focal@bangkok.example.org")
    bangkok_focal.focal_point = True
    delegate = make_user(UserRole.delegate, seoul, email="jiwoo@seoul.example.org", name="Ji-woo Kim", mandate=False)
    mandates.grant_mandate(delegate, tokyo_declaration, seoul_focal, utcnow())
    attacker = make_user(organization=nowhere, email="drafter@nowhere.example.org")
    bogus = make_declaration(host=nowhere, clauses=1, title="Nowhere Declaration")
    invite(bogus, seoul, ParticipantRole.participant)
    db.session.commit()
    draft = circulate(tokyo_declaration, by=host)
    return {
        "tokyo": tokyo, "seoul": seoul, "bangkok": bangkok, "declaration": tokyo_declaration, "host": host,
        "seoul_focal": seoul_focal, "bangkok_focal": bangkok_focal, "delegate": delegate, "attacker": attacker,
        "bogus": bogus, "draft": draft,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_attack_1_a_drafter_of_nobody_cannot_make_a_delegate_of_seoul(client, login_as, outbox, world, circulate,
                                                                      propose_final):
    login_as(world["attacker"])
    asked = client.post(f"/declarations/{world['bogus'].id}/delegates",
                        data={"organization_id": world["seoul"].id, "email": "mallory@evil.example.org"})
    assert asked.status_code == 302
    # No account, no link: the address the host proposed is not even written to.
    assert [m for m in outbox() if "mallory" in m["To"]] == []
    assert db.session.scalar(select(User).filter_by(email="mallory@evil.example.org")) is None
    assert count(DelegateInvitation) == 0
    [request] = db.session.scalars(select(Mandate).filter_by(status=MandateStatus.requested)).all()
    assert [m["To"] for m in outbox()] == ["focal@seoul.example.org"]

    # Even if Seoul's focal point confirms the request, the person acts on the Nowhere Declaration only.
    invitation, token = mandates.confirm_request(request, world["seoul_focal"], utcnow())
    db.session.commit()
    client.post("/logout")
    assert client.post(f"/invitations/{token}", data=ACCOUNT).status_code == 302
    tokyo = world["declaration"].id
    assert client.get(f"/declarations/{tokyo}/versions/1").status_code == 404
    commented = client.post(f"/declarations/{tokyo}/versions/1/comments",
                            data={"clause_number": 1, "kind": "comment", "body": "As Seoul, we object."})
    assert commented.status_code == 404 and count(Comment) == 0
    propose_final(world["declaration"], by=world["host"])
    answered = client.post(f"/declarations/{tokyo}/affirmation", data={"answer": "declined", "authorised": "y"})
    assert answered.status_code == 404
    assert db.session.scalar(select(Affirmation).filter_by(organization_id=world["seoul"].id)) is None


def test_attack_1_the_delegates_page_shows_no_addresses_of_other_declarations(client, login_as, world, make_user):
    make_user(organization=world["seoul"], email="mayor@seoul.example.org")
    make_user(UserRole.delegate, world["seoul"], email="unconfirmed@seoul.example.org", mandate=False)
    login_as(world["attacker"])
    page = client.get(f"/declarations/{world['bogus'].id}/delegates").get_data(as_text=True)
    assert "@seoul.example.org" not in page
    login_as(world["host"])
    page = client.get(f"/declarations/{world['declaration'].id}/delegates").get_data(as_text=True)
    assert "jiwoo@seoul.example.org" in page
    assert "mayor@seoul.example.org" not in page and "unconfirmed@seoul.example.org" not in page
    assert "focal@seoul.example.org" not in page


def test_attack_1_circulating_emails_only_the_confirmed_delegates(client, login_as, outbox, world, make_user):
    make_user(organization=world["seoul"], email="mayor@seoul.example.org")
    make_user(UserRole.delegate, world["seoul"], email="unconfirmed@seoul.example.org", mandate=False)
    login_as(world["attacker"])
    deadline = (date.today() + timedelta(days=10)).isoformat()
    assert client.post(f"/declarations/{world['bogus'].id}/circulate",
                       data={"comment_deadline": deadline}).status_code == 302
    assert outbox() == []
    login_as(world["host"])
    assert client.post(f"/declarations/{world['declaration'].id}/circulate",
                       data={"comment_deadline": deadline}).status_code == 302
    assert sorted(m["To"] for m in outbox()) == ["jiwoo@seoul.example.org"]


def test_a_host_cannot_make_a_delegate_for_another_organization(client, login_as, world):
    for host in (world["host"], world["attacker"]):
        with pytest.raises(InvitationRefused, match=f"Only a focal point of {SEOUL} or an administrator"):
            invite_member(world["seoul"], "someone@example.org", UserRole.delegate, host, utcnow())
        with pytest.raises(InvitationRefused, match=f"Only a focal point of {SEOUL}"):
            mandates.grant_mandate(world["delegate"], None, host, utcnow())
        db.session.rollback()
        login_as(host)
        invited = client.post(f"/organizations/{world['seoul'].id}/people",
                              data={"email": "someone@example.org", "role": "delegate"})
        assert invited.status_code == 404
        granted = client.post(f"/people/{world['delegate'].id}/mandates", data={"declaration_id": 0})
        assert granted.status_code == 403 and f"Only a focal point of {SEOUL}" in granted.get_data(as_text=True)
    assert count(DelegateInvitation) == 0
    assert [m.declaration_id for m in mandates.mandates_of(world["delegate"])] == [world["declaration"].id]


def test_a_mandate_for_one_declaration_does_not_cover_another(client, login_as, world, make_declaration, circulate):
    other = make_declaration(host=world["bangkok"], clauses=1, title="Bangkok Declaration")
    invite(other, world["seoul"], ParticipantRole.participant)
    db.session.commit()
    version = circulate(other)
    refusal = permissions.why_not_comment(world["delegate"], version)
    assert refusal.message == (f"{SEOUL} has not confirmed you as its delegate for the Bangkok Declaration: "
                               "ask one of its focal points.")
    with pytest.raises(consultation.CommentRefused, match="has not confirmed you"):
        consultation.add_comment(version, 1, world["delegate"], "A comment.")
    db.session.rollback()
    login_as(world["delegate"])
    assert client.get(f"/declarations/{other.id}/versions/1").status_code == 404
    assert client.post(f"/declarations/{other.id}/versions/1/comments",
                       data={"clause_number": 1, "kind": "comment", "body": "x"}).status_code == 404
    assert count(Comment) == 0
    assert client.get(f"/declarations/{world['declaration'].id}/versions/1").status_code == 200


def test_a_delegate_answers_for_their_own_organization_only(client, login_as, world, propose_final):
    # A mandate row naming Bangkok for Seoul's delegate (written behind the application's back) gives nothing.
    db.session.add(Mandate(organization_id=world["bangkok"].id, user=world["delegate"], email="x@example.org",
                           status=MandateStatus.confirmed, confirmed_at=utcnow()))
    db.session.commit()
    final = propose_final(world["declaration"], by=world["host"])
    login_as(world["delegate"])
    answered = client.post(f"/declarations/{world['declaration'].id}/affirmation",
                           data={"answer": "affirmed", "authorised": "y", "organization_id": world["bangkok"].id})
    assert answered.status_code == 302
    answers = final_answers(final)
    assert set(answers) == {world["tokyo"].id, world["seoul"].id}
    seoul = answers[world["seoul"].id]
    assert seoul.delegate == world["delegate"] and seoul.mandate.confirmed_by == world["seoul_focal"]
    assert seoul.mandate.declaration_id == world["declaration"].id


def final_answers(final):
    from drafting.domain.final_text import live_answers
    return live_answers(final)


def test_a_focal_point_of_one_organization_cannot_confirm_a_delegate_for_another(client, login_as, world):
    request = mandates.request_delegate(world["declaration"], world["bangkok"], "somchai@bangkok.example.org",
                                        world["host"], utcnow())
    db.session.commit()
    with pytest.raises(InvitationRefused, match="Only a focal point of Bangkok or an administrator"):
        mandates.confirm_request(request, world["seoul_focal"], utcnow(), delegate=world["delegate"])
    db.session.rollback()
    login_as(world["seoul_focal"])
    confirmed = client.post(f"/mandates/{request.id}/confirm",
                            data={f"request-{request.id}-delegate_id": world["delegate"].id})
    assert confirmed.status_code == 403 and "Only a focal point of Bangkok" in confirmed.get_data(as_text=True)
    declined = client.post(f"/mandates/{request.id}/decline")
    assert declined.status_code == 403
    db.session.refresh(request)
    assert request.status is MandateStatus.requested and request.user_id is None and count(DelegateInvitation) == 0
    assert client.get(f"/organizations/{world['bangkok'].id}/people").status_code == 404


def test_the_focal_point_confirms_a_request_with_an_existing_delegate(client, login_as, outbox, world):
    login_as(world["host"])
    client.post(f"/declarations/{world['declaration'].id}/delegates", data={"organization_id": world["bangkok"].id})
    [request] = mandates.pending_requests(world["bangkok"])
    somchai = User(email="somchai@bangkok.example.org", name="Somchai", password_hash="x", role=UserRole.delegate,
                   organization=world["bangkok"])
    db.session.add(somchai)
    db.session.commit()
    assert not permissions.acts_for_invited(somchai, world["declaration"])
    login_as(world["bangkok_focal"])
    page = client.get(f"/organizations/{world['bangkok'].id}/people").get_data(as_text=True)
    assert "Tokyo Declaration" in page and "Somchai" in page
    confirmed = client.post(f"/mandates/{request.id}/confirm", data={f"request-{request.id}-delegate_id": somchai.id})
    assert confirmed.status_code == 302
    db.session.refresh(request)
    assert request.status is MandateStatus.confirmed and request.user == somchai
    assert request.confirmed_by == world["bangkok_focal"]
    assert permissions.acts_for_invited(somchai, world["declaration"])
    assert not permissions.acts_for_invited(somchai, world["bogus"])
    actions = [e.action for e in audit.trail(world["declaration"])]
    assert "delegate requested" in actions and "delegate confirmed" in actions


def test_the_focal_point_declines_and_revokes(client, login_as, world):
    request = mandates.request_delegate(world["declaration"], world["seoul"], None, world["host"], utcnow())
    db.session.commit()
    login_as(world["seoul_focal"])
    assert client.post(f"/mandates/{request.id}/decline").status_code == 302
    db.session.refresh(request)
    assert request.status is MandateStatus.declined and request.ended_by == world["seoul_focal"]
    again = client.post(f"/mandates/{request.id}/confirm", data={f"request-{request.id}-delegate_id": 0,
                                                                  f"request-{request.id}-email": "a@seoul.example.org"})
    assert again.status_code == 409 and "This request was declined already." in again.get_data(as_text=True)

    [held] = mandates.mandates_of(world["delegate"])
    assert client.post(f"/mandates/{held.id}/revoke").status_code == 302
    assert not permissions.acts_for_invited(world["delegate"], world["declaration"])
    login_as(world["delegate"])
    assert client.get(f"/declarations/{world['declaration'].id}/versions/1").status_code == 404
    actions = [e.action for e in audit.trail(world["declaration"])]
    assert {"delegate declined", "mandate revoked"} <= set(actions)


def test_a_focal_point_gives_a_mandate_for_every_declaration_or_one(client, login_as, world):
    login_as(world["seoul_focal"])
    assert client.post(f"/people/{world['delegate'].id}/mandates", data={"declaration_id": 0}).status_code == 302
    assert permissions.acts_for_invited(world["delegate"], world["bogus"])
    again = client.post(f"/people/{world['delegate'].id}/mandates", data={"declaration_id": world["bogus"].id})
    assert again.status_code == 409 and "already" in again.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).filter_by(action="mandate given")).all()
    assert [e.detail["scope"] for e in events] == ["Tokyo Declaration", "every declaration"]


def test_a_focal_point_invites_and_closes_accounts_of_its_own_organization(client, login_as, outbox, world):
    login_as(world["seoul_focal"])
    sent = client.post(f"/organizations/{world['seoul'].id}/people",
                       data={"email": "minji@seoul.example.org", "role": "drafter"})
    assert sent.status_code == 302
    [message] = [m for m in outbox() if m["To"] == "minji@seoul.example.org"]
    link = re.search(r"http://localhost(/invitations/\S+)", message.get_body(("plain",)).get_content()).group(1)
    client.post("/logout")
    assert client.post(link, data=ACCOUNT).status_code == 302
    minji = db.session.scalar(select(User).filter_by(email="minji@seoul.example.org"))
    assert minji.role is UserRole.drafter and minji.organization == world["seoul"]
    login_as(world["seoul_focal"])
    assert client.post(f"/people/{world['delegate'].id}/deactivate").status_code == 302
    db.session.refresh(world["delegate"])
    assert not world["delegate"].active and mandates.mandates_of(world["delegate"]) == []
    assert client.post(f"/people/{world['host'].id}/deactivate").status_code == 403
    assert db.session.get(User, world["host"].id).active


def test_an_administrator_names_and_unnames_focal_points(client, login_as, world, make_user):
    login_as(make_user(role=UserRole.administrator))
    delegate = world["delegate"]
    assert client.post(f"/admin/users/{delegate.id}/focal-point", data={"named": "yes"}).status_code == 302
    assert db.session.get(User, delegate.id).focal_point
    assert client.post(f"/admin/users/{delegate.id}/focal-point", data={"named": "no"}).status_code == 302
    assert not db.session.get(User, delegate.id).focal_point
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("focal point%"))).all()
    assert actions == ["focal point named", "focal point unnamed"]
    login_as(world["seoul_focal"])
    assert client.post(f"/admin/users/{delegate.id}/focal-point", data={"named": "yes"}).status_code in (403, 404)
    assert not db.session.get(User, delegate.id).focal_point


def test_the_answer_page_and_the_tracker_say_who_answers_under_whose_confirmation(client, login_as, world,
                                                                                 propose_final):
    propose_final(world["declaration"], by=world["host"])
    login_as(world["delegate"])
    page = client.get(f"/declarations/{world['declaration'].id}/affirmation").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert f"You answer for {SEOUL} on the Tokyo Declaration, as its delegate confirmed by Seo-yeon Park" in text
    client.post(f"/declarations/{world['declaration'].id}/affirmation", data={"answer": "affirmed", "authorised": "y"})
    login_as(world["host"])
    tracker = client.get(f"/declarations/{world['declaration'].id}/tracker").get_data(as_text=True)
    tracker = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", tracker))
    assert "by Ji-woo Kim, delegate confirmed by Seo-yeon Park" in tracker


def test_a_request_goes_to_the_focal_points_by_mail(client, login_as, outbox, world):
    login_as(world["host"])
    client.post(f"/declarations/{world['declaration'].id}/delegates",
                data={"organization_id": world["seoul"].id, "email": "Minji@Seoul.example.org"})
    [message] = outbox()
    assert message["To"] == "focal@seoul.example.org" and "asks Seoul" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "minji@seoul.example.org" in body and f"/organizations/{world['seoul'].id}/people" in body


def test_a_delegate_an_administrator_or_the_operator_opens_acts_for_every_declaration(client, login_as, runner, world,
                                                                                     make_user):
    administrator = make_user(role=UserRole.administrator)
    login_as(administrator)
    client.post("/admin/users/new", data={"email": "web@seoul.example.org", "name": "Web", "role": "delegate",
                                          "organization": world["seoul"].id, "password": "a long passphrase"})
    made = runner.invoke(args=["user", "create", "--email", "cli@seoul.example.org", "--name", "Cli", "--organization",
                               SEOUL, "--password", "a long passphrase", "--role", "delegate"])
    assert made.exit_code == 0, made.output
    for address, confirmer in (("web@seoul.example.org", administrator), ("cli@seoul.example.org", None)):
        user = db.session.scalar(select(User).filter_by(email=address))
        [mandate] = mandates.mandates_of(user)
        assert mandate.declaration_id is None and mandate.confirmed_by == confirmer
        assert permissions.acts_for_invited(user, world["declaration"])


def test_the_certificate_of_completion_is_a_page_and_is_embedded_in_the_adopted_pdf(client, login_as, world,
                                                                                    propose_final):
    import io
    import json

    from pypdf import PdfReader

    from drafting.rendering import stored_pdfs

    final = propose_final(world["declaration"], by=world["host"])
    login_as(world["delegate"])
    client.post(f"/declarations/{world['declaration'].id}/affirmation", data={"answer": "affirmed", "authorised": "y"})
    signoff.adopt(world["declaration"], world["host"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    login_as(world["host"])
    page = client.get(f"/declarations/{world['declaration'].id}/certificate").get_data(as_text=True)
    row = re.search(rf"<td>{SEOUL}</td>(.*?)</tr>", page, re.S).group(1)
    assert "Ji-woo Kim (delegate)" in row and "Seo-yeon Park" in row and final.fingerprint in row
    login_as(world["attacker"])
    # The adopted declaration is public; its certificate page stays with the host's staff.
    assert client.get(f"/declarations/{world['declaration'].id}/certificate").status_code == 403

    reader = PdfReader(io.BytesIO(stored_pdfs.adopted_pdf(world["declaration"]).content))
    [certificate] = reader.attachments["certificate-of-completion.json"]
    record = json.loads(certificate)
    assert record["fingerprint"] == final.fingerprint
    seoul = next(entry for entry in record["answers"] if entry["organization"] == SEOUL)
    mandate = permissions.mandate_for(world["delegate"], world["declaration"])
    assert seoul == {
        "organization": SEOUL, "country": "KR", "answer": "affirmed", "answered_by": "Ji-woo Kim",
        "acting_as": "delegate", "confirmed_by": "Seo-yeon Park",
        "confirmed_at": as_utc(mandate.confirmed_at).isoformat(),
        "answered_at": seoul["answered_at"], "fingerprint": final.fingerprint,
    }
    assert "@" not in certificate.decode()  # the adopted PDF is public: names, never addresses


def test_the_certificate_stays_as_it_was_at_adoption_when_names_and_roles_change(client, login_as, world,
                                                                                 propose_final):
    import io
    import json

    from pypdf import PdfReader

    from drafting.models import StoredPdf
    from drafting.rendering import stored_pdfs

    propose_final(world["declaration"], by=world["host"])
    login_as(world["delegate"])
    client.post(f"/declarations/{world['declaration'].id}/affirmation", data={"answer": "affirmed", "authorised": "y"})
    signoff.adopt(world["declaration"], world["host"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    world["seoul"].name = "Seoul Special City"
    world["delegate"].name = "Ji-woo Kim-Lee"
    world["delegate"].focal_point = True
    world["seoul_focal"].name = "Seo-yeon Park-Choi"
    # A PDF lost with its storage (a restore, a new page size) is made again from the record.
    for stored in db.session.scalars(select(StoredPdf)):
        db.session.delete(stored)
    db.session.commit()

    reader = PdfReader(io.BytesIO(stored_pdfs.adopted_pdf(world["declaration"]).content))
    [certificate] = reader.attachments["certificate-of-completion.json"]
    [seoul] = [entry for entry in json.loads(certificate)["answers"] if entry["country"] == "KR"]
    assert (seoul["organization"], seoul["answered_by"], seoul["acting_as"], seoul["confirmed_by"]) == (
        SEOUL, "Ji-woo Kim", "delegate", "Seo-yeon Park")
    login_as(world["host"])
    page = client.get(f"/declarations/{world['declaration'].id}/certificate").get_data(as_text=True)
    assert "Ji-woo Kim (delegate)" in page and "Seo-yeon Park" in page and "Kim-Lee" not in page



def test_a_focal_point_does_not_close_their_own_account_nor_invite_an_administrator(world):
    with pytest.raises(InvitationRefused, match="Your own account is closed by another focal point"):
        deactivate_member(world["seoul_focal"], world["seoul_focal"], utcnow())
    with pytest.raises(InvitationRefused, match="Invite a delegate or a drafter"):
        invite_member(world["seoul"], "boss@seoul.example.org", UserRole.administrator, world["seoul_focal"], utcnow())
    assert world["seoul_focal"].active and count(DelegateInvitation) == 0
