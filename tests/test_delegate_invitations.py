"""Account invitations: a focal point invites a person of its organization by e-mail, the single-use
link, and the invitee's new account; and the host's page, which asks organizations for delegates."""

import email
import email.policy
import hashlib
import html
import re
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import TestConfig
from drafting import create_app
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import create_declaration
from drafting.domain.people.accounts import authenticate, create_user, find_user
from drafting.domain.people.delegate_invitations import (
    LINK_PURPOSE,
    InvitationLinkError,
    InvitationRefused,
    accept_invitation,
    find_invitation,
    invitation_status,
    invite_member,
)
from drafting.domain.people.mandates import request_delegate
from drafting.domain.people.participants import invite
from drafting.domain.people.single_use_links import make_token, read_token
from drafting.extensions import db
from drafting.models import (
    DeclarationState,
    DelegateInvitation,
    Mandate,
    Organization,
    OrganizationKind,
    ParticipantRole,
    User,
    UserRole,
)
from tests.conftest import PASSWORD
from tests.databases import fresh_database
from tests.test_concurrency import at_once

NEW_PASSWORD = "a long new passphrase"


@pytest.fixture
def case(make_declaration, make_organization, make_user):
    """A declaration hosted by Tokyo with Seoul invited as participant, Bangkok as observer, and
    Manila not invited; Tokyo's drafter Mariko."""
    tokyo = make_organization("Tokyo", "JP")
    declaration = make_declaration(host=tokyo, title="Yokohama Declaration")
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    db.session.commit()
    return {
        "declaration": declaration, "tokyo": tokyo, "seoul": seoul, "bangkok": bangkok,
        "manila": make_organization("Manila", "PH"),
        "drafter": make_user(organization=tokyo, email="mariko@tokyo.example.org", name="Mariko Sato"),
        "seoul_focal": focal_point(make_user(organization=seoul, email="focal@seoul.example.org", name="Seo-yeon Park")),
        "bangkok_focal": focal_point(make_user(organization=bangkok, email="focal@bangkok.example.org")),
    }


def focal_point(user):
    user.focal_point = True
    db.session.commit()
    return user


def page(case):
    return f"/declarations/{case['declaration'].id}/delegates"


def invitation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(DelegateInvitation))


def request_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Mandate).where(Mandate.requested_by_id.is_not(None)))


def invited(case, address="minji@seoul.example.org", organization="seoul", now=None):
    """Invite a delegate through the domain; return the invitation and its link's path."""
    invitation, token = invite_member(case[organization], address, UserRole.delegate, case[f"{organization}_focal"],
                                      now or utcnow())
    db.session.commit()
    return invitation, f"/invitations/{token}"


def link_in_mail(directory) -> tuple[email.message.EmailMessage, str]:
    [path] = directory.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    return message, re.search(r"http://localhost(/invitations/\S+)", text).group(1)


def accept_data(name="Min-ji Kim", password=NEW_PASSWORD, again=None):
    return {"name": name, "password": password, "password_again": password if again is None else again}


def field_error(page_html: str, field: str, message: str) -> bool:
    """Tell whether the message is shown in the error list of the named field."""
    match = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', page_html, re.S)
    return bool(match) and message in html.unescape(match.group(1))


def test_the_focal_point_invites_and_the_invitee_becomes_a_delegate(app, client, login_as, case, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    login_as(case["seoul_focal"])
    people = f"/organizations/{case['seoul'].id}/people"
    sent = client.post(people, data={"email": " Minji@Seoul.example.org ", "role": "delegate"}, follow_redirects=True)
    assert sent.status_code == 200 and "Invitation sent to minji@seoul.example.org." in sent.get_data(as_text=True)

    message, link = link_in_mail(tmp_path)
    text = message.get_body(("plain",)).get_content()
    invitation = db.session.scalar(select(DelegateInvitation))
    assert message["To"] == "minji@seoul.example.org"
    assert "Seoul" in message["Subject"]
    assert "Seo-yeon Park of Seoul" in text
    expiry = invitation.expires_at
    assert f"{expiry:%B} {expiry.day}, {expiry.year}" in text
    assert link in message.get_body(("html",)).get_content()

    client.post("/logout")
    shown = client.get(link)
    assert shown.status_code == 200
    assert all(words in shown.get_data(as_text=True) for words in ("Seoul", "Seo-yeon Park", "delegate"))
    accepted = client.post(link, data=accept_data())
    assert accepted.status_code == 302 and accepted.location == "/"
    assert "Min-ji Kim" in client.get("/").get_data(as_text=True)  # signed in

    delegate = find_user("minji@seoul.example.org")
    assert delegate.role is UserRole.delegate and delegate.organization == case["seoul"]
    assert authenticate("minji@seoul.example.org", NEW_PASSWORD) == delegate
    assert invitation.used_at is not None and invitation.user == delegate

    again = client.get(link)
    assert again.status_code == 410 and "was accepted already" in again.get_data(as_text=True)
    client.post("/logout")
    resubmitted = client.post(link, data=accept_data(name="Someone Else"))
    assert resubmitted.status_code == 410 and "Sign in" in resubmitted.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Someone Else")) == 0


def test_only_the_hash_of_the_secret_is_stored_and_the_link_expires_after_the_configured_days(app, case, monkeypatch):
    monkeypatch.setitem(app.config, "DELEGATE_INVITATION_DAYS", 3)
    now = utcnow()
    invitation, token = invite_member(case["seoul"], "minji@seoul.example.org", UserRole.delegate,
                                      case["seoul_focal"], now)
    assert invitation.expires_at == now + timedelta(days=3)
    invitation_id, secret = read_token(LINK_PURPOSE, token)
    assert invitation_id == invitation.id and invitation.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert find_invitation(token, now) is invitation
    assert find_invitation(token, now + timedelta(days=3) - timedelta(seconds=1)) is invitation
    with pytest.raises(InvitationLinkError) as expired:
        find_invitation(token, now + timedelta(days=3))
    assert expired.value.kind == "expired"


def test_the_default_validity_is_seven_days(case):
    now = utcnow()
    invitation, _ = invite_member(case["seoul"], "minji@seoul.example.org", UserRole.delegate, case["seoul_focal"], now)
    assert invitation.expires_at - now == timedelta(days=7)


def test_an_expired_link_gets_a_clear_page_and_stores_nothing(client, case):
    invitation, link = invited(case, now=utcnow() - timedelta(days=8))
    shown = client.get(link)
    assert shown.status_code == 410
    assert "has expired" in shown.get_data(as_text=True) and "Ask the focal point" in shown.get_data(as_text=True)
    assert client.post(link, data=accept_data()).status_code == 410
    assert find_user(invitation.email) is None and invitation.used_at is None


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # a broken signature
    lambda token: token.split(".")[0],  # no signature at all
])
def test_a_tampered_link_is_refused(client, case, tamper):
    invitation, link = invited(case)
    token = link.removeprefix("/invitations/")
    response = client.get(f"/invitations/{tamper(token)}")
    assert response.status_code == 404 and "not one of ours" in response.get_data(as_text=True)
    assert client.post(f"/invitations/{tamper(token)}", data=accept_data()).status_code == 404
    assert invitation.used_at is None


def test_a_signed_link_with_a_wrong_secret_or_for_another_purpose_is_refused(client, case):
    invitation, link = invited(case)
    assert client.get(f"/invitations/{make_token(LINK_PURPOSE, invitation.id, 'guessed')}").status_code == 404
    assert client.get(f"/invitations/{make_token(LINK_PURPOSE, invitation.id + 1, 'guessed')}").status_code == 404
    # The password reset's signature never passes for an invitation's.
    token = link.removeprefix("/invitations/")
    assert client.get(f"/password/reset/{token}").status_code == 404


@pytest.mark.parametrize("data, field, message", [
    (accept_data(again="a different passphrase"), "password_again", "The two passwords differ."),
    (accept_data(password="short"), "password", "A password has 10 to 200 characters."),
    (accept_data(name="   "), "name", "Give your name."),
])
def test_bad_input_on_the_accept_page_is_refused_at_the_field(client, case, data, field, message):
    invitation, link = invited(case)
    response = client.post(link, data=data)
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), field, message)
    assert find_user(invitation.email) is None and invitation.used_at is None


def test_an_address_that_got_an_account_meanwhile_is_told_to_sign_in(client, case, make_user):
    invitation, link = invited(case)
    make_user(role=UserRole.delegate, organization=case["seoul"], email="minji@seoul.example.org")
    response = client.post(link, data=accept_data())
    assert response.status_code == 422
    assert "exists already: sign in with it instead" in response.get_data(as_text=True)
    assert invitation.used_at is None


def test_a_signed_in_user_opening_a_link_must_sign_out_first(client, login_as, case, make_user):
    invitation, link = invited(case)
    login_as(make_user(role=UserRole.delegate, organization=case["bangkok"], name="Somchai"))
    for response in (client.get(link), client.post(link, data=accept_data())):
        assert response.status_code == 409
        assert "You are signed in as Somchai" in response.get_data(as_text=True)
    assert find_user(invitation.email) is None and invitation.used_at is None


def test_accepting_twice_finds_the_invitation_used(case):
    invitation, _ = invited(case)
    accept_invitation(invitation, "Min-ji Kim", NEW_PASSWORD, utcnow())
    db.session.commit()
    with pytest.raises(InvitationLinkError) as second:
        accept_invitation(invitation, "Min-ji Kim", NEW_PASSWORD, utcnow())
    assert second.value.kind == "used"
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == UserRole.delegate)) == 1


def test_an_observer_gets_delegates_too(case):
    invitation, _ = invited(case, "somchai@bangkok.example.org", "bangkok")
    user = accept_invitation(invitation, "Somchai", NEW_PASSWORD, utcnow())
    assert user.organization == case["bangkok"] and user.role is UserRole.delegate


@pytest.mark.parametrize("organization, message", [
    ("tokyo", "Tokyo hosts this declaration; its staff accounts are made by an administrator."),
    ("manila", "Choose an organization invited to this declaration."),
])
def test_only_invited_organizations_are_asked_for_delegates(client, login_as, case, organization, message):
    login_as(case["drafter"])
    response = client.post(page(case), data={"organization_id": case[organization].id,
                                             "email": "someone@example.org"})
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "organization_id", message)
    assert request_count() == 0


def test_a_co_host_is_refused_like_the_host(case, make_organization, make_co_host):
    yokohama = make_organization("Yokohama", "JP")
    make_co_host(case["declaration"], yokohama)
    with pytest.raises(InvitationRefused, match="Yokohama hosts this declaration") as refused:
        request_delegate(case["declaration"], yokohama, "someone@example.org", case["drafter"], utcnow())
    assert refused.value.field == "organization_id"


@pytest.mark.parametrize("address, message", [
    ("not an address", "An email address must have an @-sign."),
])
def test_a_bad_proposed_address_is_refused_at_the_field(client, login_as, case, address, message):
    login_as(case["drafter"])
    response = client.post(page(case), data={"organization_id": case["seoul"].id, "email": address})
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "email", message)
    assert request_count() == 0


def test_a_focal_points_bad_address_is_refused_at_the_field(client, login_as, case):
    login_as(case["seoul_focal"])
    for address, message in (("not an address", "An email address must have an @-sign."),
                             ("", "Give the person's e-mail address.")):
        response = client.post(f"/organizations/{case['seoul'].id}/people", data={"email": address, "role": "delegate"})
        assert response.status_code == 422 and field_error(response.get_data(as_text=True), "email", message)
    assert invitation_count() == 0


@pytest.mark.parametrize("role, organization, message", [
    (UserRole.delegate, "seoul", "minji@seoul.example.org is a delegate of Seoul already."),
    (UserRole.drafter, "seoul", "minji@seoul.example.org is a drafter of Seoul already."),
    (UserRole.delegate, "bangkok", "minji@seoul.example.org acts for Bangkok; one account acts for one organization."),
    (UserRole.drafter, "tokyo", "minji@seoul.example.org acts for Tokyo; one account acts for one organization."),
])
def test_an_address_with_an_account_needs_no_invitation(client, login_as, case, make_user, role, organization, message):
    make_user(role=role, organization=case[organization], email="minji@seoul.example.org")
    login_as(case["seoul_focal"])
    response = client.post(f"/organizations/{case['seoul'].id}/people",
                           data={"email": "MinJi@Seoul.example.org", "role": "delegate"})
    assert response.status_code == 422 and field_error(response.get_data(as_text=True), "email", message)
    assert invitation_count() == 0


def test_an_administrators_address_needs_no_invitation(case, make_user):
    make_user(role=UserRole.administrator, email="admin@example.org")
    with pytest.raises(InvitationRefused, match="acts for the network secretariat") as refused:
        invite_member(case["seoul"], "admin@example.org", UserRole.delegate, case["seoul_focal"], utcnow())
    assert refused.value.field == "email"


@pytest.mark.parametrize("state", [DeclarationState.adopted, DeclarationState.withdrawn])
def test_a_closed_declaration_takes_no_new_delegates(client, login_as, case, state):
    case["declaration"].state = state
    db.session.commit()
    with pytest.raises(InvitationRefused, match=f"The declaration is {state.value}"):
        request_delegate(case["declaration"], case["seoul"], "minji@seoul.example.org", case["drafter"], utcnow())
    login_as(case["drafter"])
    assert "it takes no new delegates" in client.get(page(case)).get_data(as_text=True)
    response = client.post(page(case), data={"organization_id": case["seoul"].id, "email": "minji@seoul.example.org"})
    assert response.status_code == 409 and request_count() == 0


def who(case, make_user, make_organization):
    """Return the user of each kind asked for in the access table (None: a guest)."""
    return {
        "guest": lambda: None,
        "administrator": lambda: make_user(role=UserRole.administrator),
        "host delegate": lambda: make_user(role=UserRole.delegate, organization=case["tokyo"]),
        "invited delegate": lambda: make_user(role=UserRole.delegate, organization=case["seoul"]),
        "invited drafter": lambda: make_user(role=UserRole.drafter, organization=case["seoul"]),
        "other drafter": lambda: make_user(role=UserRole.drafter, organization=make_organization()),
        "host drafter": lambda: case["drafter"],
    }


@pytest.mark.parametrize("state", [DeclarationState.drafting, DeclarationState.consultation])
@pytest.mark.parametrize("kind, drafting_status, consultation_status", [
    ("guest", 302, 302),
    ("administrator", 403, 403),
    ("host delegate", 403, 403),
    ("invited delegate", 404, 403),
    ("invited drafter", 404, 403),
    ("other drafter", 404, 404),
    ("host drafter", 200, 200),
])
def test_only_host_drafters_may_ask_for_delegates(client, login_as, case, make_user, make_organization,
                                       state, kind, drafting_status, consultation_status):
    case["declaration"].state = state
    db.session.commit()
    user = who(case, make_user, make_organization)[kind]()
    if user is not None:
        login_as(user)
    expected = drafting_status if state is DeclarationState.drafting else consultation_status
    assert client.get(page(case)).status_code == expected
    posted = client.post(page(case), data={"organization_id": case["seoul"].id, "email": "new@seoul.example.org"})
    assert posted.status_code == (302 if expected == 200 else expected)
    assert request_count() == (1 if expected == 200 else 0)
    assert invitation_count() == 0  # a host never makes an account


def test_the_domain_refuses_anyone_but_a_host_drafter(case, make_user):
    delegate = make_user(role=UserRole.delegate, organization=case["seoul"])
    with pytest.raises(InvitationRefused, match="Only the host's drafters"):
        request_delegate(case["declaration"], case["seoul"], "new@seoul.example.org", delegate, utcnow())
    assert request_count() == 0


def test_the_people_page_lists_the_accounts_and_the_invitations(client, login_as, case, make_user):
    make_user(role=UserRole.delegate, organization=case["seoul"], name="Ji-ho Park")
    used, _ = invited(case, "minji@seoul.example.org")
    accept_invitation(used, "Min-ji Kim", NEW_PASSWORD, utcnow())
    invited(case, "old@seoul.example.org", now=utcnow() - timedelta(days=10))
    invited(case, "new@seoul.example.org")
    invited(case, "somchai@bangkok.example.org", "bangkok")
    db.session.commit()
    login_as(case["seoul_focal"])
    listing = client.get(f"/organizations/{case['seoul'].id}/people").get_data(as_text=True)
    assert "Ji-ho Park" in listing and "Min-ji Kim" in listing and "somchai" not in listing

    def row(address):
        return re.search(rf"<td>{re.escape(address)}</td>(.*?)</tr>", listing, re.S).group(1)

    assert "accepted" in row("minji@seoul.example.org")
    assert "expired" in row("old@seoul.example.org")
    assert "pending" in row("new@seoul.example.org") and "Seo-yeon Park" in row("new@seoul.example.org")
    statuses = sorted(invitation_status(i, utcnow()) for i in db.session.scalars(select(DelegateInvitation)))
    assert statuses == ["expired", "pending", "pending", "used"]


class TestAtOnce:
    """Two submissions of one link at the same moment, each with its own connection."""

    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: each thread's requests need connections of their own."""
        return db

    @pytest.fixture
    def live_app(self, tmp_path):
        with fresh_database(tmp_path) as url:
            app = create_app(type("Concurrent", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
            with app.app_context():
                upgrade()
            yield app
            with app.app_context():
                db.engine.dispose()

    def test_a_double_submit_makes_one_account_and_finds_the_link_used(self, live_app):
        with live_app.app_context():
            tokyo, seoul = (Organization(name=name, kind=OrganizationKind.city, country=country)
                            for name, country in (("Tokyo", "JP"), ("Seoul", "KR")))
            drafter = create_user("mariko@tokyo.example.org", "Mariko", PASSWORD, UserRole.drafter, tokyo)
            declaration = create_declaration(tokyo, drafter, title="Yokohama Declaration", meeting_name="Meeting",
                                             place="Yokohama", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2))
            invite(declaration, seoul, ParticipantRole.participant)
            focal = create_user("focal@seoul.example.org", "Seo-yeon", PASSWORD, UserRole.drafter, seoul)
            focal.focal_point = True
            _, token = invite_member(seoul, "minji@seoul.example.org", UserRole.delegate, focal, utcnow())
            db.session.commit()
        clients = [live_app.test_client(), live_app.test_client()]
        responses = at_once(*(lambda c=c: c.post(f"/invitations/{token}", data=accept_data()) for c in clients))
        assert sorted(r.status_code for r in responses) == [302, 410]
        with live_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(User).where(User.role == UserRole.delegate)) == 1
