"""Who an e-mail comes from and whom a reply reaches, the site's name, and deadlines written with their
time zone: the reader's own, chosen on the settings page."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from config import TestConfig
from drafting import create_app
from drafting.domain.clock import as_utc
from drafting.domain.people.participants import invite
from drafting.domain.text import phrasing
from drafting.extensions import db
from drafting.models import OutgoingMessage, ParticipantRole, User, UserRole
from drafting.rendering import outbox
from drafting.rendering.mail import send_mail
from tests.test_answers import Mailbox, free_port, use_smtp

DEADLINE = date.today() + timedelta(days=10)


@pytest.fixture
def mailbox(app, monkeypatch):
    """Run an SMTP server on 127.0.0.1 and send the application's mail through it, as a configured site."""
    received = Mailbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(app, monkeypatch, controller.port)
    monkeypatch.setitem(app.config, "SITE_NAME", "Asian Cities Declarations")
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "declarations@acd.example.org")
    yield received
    controller.stop()


@pytest.fixture
def case(make_declaration, make_organization, make_user):
    """The Tokyo Declaration hosted by Yokohama, not circulated yet; Seoul takes part."""
    host = make_organization("Yokohama", "JP")
    seoul = make_organization("Seoul", "KR")
    declaration = make_declaration(host=host, clauses=2)
    invite(declaration, seoul, ParticipantRole.participant)
    drafter = make_user(organization=host, email="haruto@yokohama.example.org", name="Sato Haruto")
    delegate = make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org", name="Kim Min-ji")
    db.session.commit()
    return {"declaration": declaration, "drafter": drafter, "delegate": delegate, "url": f"/declarations/{declaration.id}"}


def choose_zone(client, login_as, user, zone):
    login_as(user)
    response = client.post("/account/settings", data={"time_zone": zone, "host_notifications": "each"})
    assert response.status_code == 302


def test_a_circulated_draft_comes_from_the_site_replies_to_the_drafter_and_gives_the_deadline_in_the_readers_zone(
    client, login_as, case, mailbox
):
    # The delegate reads in New York's zone (on a mission there), the host's drafter works in Tokyo's.
    choose_zone(client, login_as, case["delegate"], "America/New_York")
    choose_zone(client, login_as, case["drafter"], "Asia/Tokyo")
    editor = client.get(case["url"]).get_data(as_text=True)
    assert "At 23:59 in your time zone, Japan Standard Time (Asia/Tokyo, UTC+9)" in editor

    assert client.post(f"{case['url']}/circulate", data={"comment_deadline": DEADLINE.isoformat()}).status_code == 302

    # The day the drafter gave ends at midnight in Tokyo, 15:00 UTC the day before.
    db.session.expire_all()
    [draft] = case["declaration"].versions
    assert as_utc(draft.deadline) == datetime.combine(DEADLINE, datetime.min.time(), timezone.utc) + timedelta(hours=15)
    [(recipients, message)] = mailbox.messages
    assert recipients == ["minji@seoul.example.org"]
    assert str(message["From"]) == "Asian Cities Declarations <declarations@acd.example.org>"
    assert str(message["Reply-To"]) == "Sato Haruto <haruto@yokohama.example.org>"
    in_new_york = as_utc(draft.deadline).astimezone(ZoneInfo("America/New_York")) - timedelta(minutes=1)
    written = f"{in_new_york:%H:%M} on {phrasing.format_date(in_new_york.date())}, "
    zone = "Eastern Standard Time (UTC-5)" if in_new_york.utcoffset() == timedelta(hours=-5) else "Eastern Daylight Time (UTC-4)"
    for body in mailbox.texts(message):
        assert f"comment clause by clause until {written}{zone}" in body
        assert "This message was sent by Asian Cities Declarations on behalf of Yokohama." in body
        assert "drafting" not in body.replace("/declarations/", "")

    # The pages say the same to the delegate, and the host's own zone to the host.
    login_as(case["delegate"])
    page = client.get(f"{case['url']}/versions/1").get_data(as_text=True)
    assert f"Comments are open until {written}{zone}." in page
    login_as(case["drafter"])
    page = client.get(f"{case['url']}/versions/1").get_data(as_text=True)
    assert (f"Comments are open until 23:59 on {phrasing.format_date(DEADLINE)}, Japan Standard Time (UTC+9)."
            in page)


def test_a_japanese_declaration_writes_the_deadline_the_japanese_way():
    closing = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
    assert phrasing.format_deadline(closing, ZoneInfo("Asia/Tokyo"), "ja") == "2026年11月20日 23:59（日本標準時、UTC+9）"
    assert (phrasing.format_deadline(closing, ZoneInfo("Asia/Kolkata"), "en")
            == "20:29 on November 20, 2026, India Standard Time (UTC+5:30)")


def test_a_message_nobody_acted_for_replies_to_the_configured_address_if_any(app, client, make_user, mailbox,
                                                                            monkeypatch):
    user = make_user(email="minji@seoul.example.org")
    db.session.commit()
    assert client.post("/password/forgotten", data={"email": user.email}).status_code == 302
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "Secretariat <secretariat@acd.example.org>")
    assert client.post("/password/forgotten", data={"email": user.email}).status_code == 302

    (_, first), (_, second) = mailbox.messages
    assert first["Reply-To"] is None
    assert str(second["Reply-To"]) == "Secretariat <secretariat@acd.example.org>"
    assert "your Asian Cities Declarations account" in mailbox.texts(second)[0]
    assert "Coordinated Universal Time (UTC)" in mailbox.texts(second)[0]


@pytest.mark.parametrize("reply_to", ["Haruto <haruto@yokohama.example.org>\r\nBcc: everyone@example.org",
                                      "Haruto <haruto@yokohama.example.org>\nBcc: everyone@example.org"])
def test_a_line_break_in_the_reply_to_is_refused_and_nothing_is_queued_or_sent(app, mailbox, reply_to):
    with pytest.raises(ValueError, match="Reply-To"):
        outbox.queue("minji@seoul.example.org", "Reminder", "Please answer.", reply_to=reply_to)
    assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)) == 0
    with pytest.raises(ValueError, match="Reply-To"):
        send_mail("minji@seoul.example.org", "Reminder", "Please answer.", reply_to=reply_to)
    assert mailbox.messages == []


def test_a_line_break_in_the_name_of_who_acted_cannot_add_a_header(client, login_as, case, mailbox):
    case["drafter"].name = "Sato Haruto\r\nBcc: everyone@example.org"
    db.session.commit()
    login_as(case["drafter"])
    assert client.post(f"{case['url']}/circulate", data={"comment_deadline": DEADLINE.isoformat()}).status_code == 302

    [(recipients, message)] = mailbox.messages
    assert recipients == ["minji@seoul.example.org"] and message["Bcc"] is None
    assert message["Reply-To"].addresses[0].addr_spec == "haruto@yokohama.example.org"


def test_a_japanese_name_and_site_name_arrive_as_written(app, client, login_as, case, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_NAME", "アジア都市宣言")
    case["drafter"].name = "佐藤 陽翔, \"Haruto\""
    db.session.commit()
    login_as(case["drafter"])
    assert client.post(f"{case['url']}/circulate", data={"comment_deadline": DEADLINE.isoformat()}).status_code == 302

    [(_, message)] = mailbox.messages
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("アジア都市宣言", "declarations@acd.example.org")
    [replies_to] = message["Reply-To"].addresses
    assert (replies_to.display_name, replies_to.addr_spec) == ('佐藤 陽翔, "Haruto"', "haruto@yokohama.example.org")


# The settings page


def test_the_settings_page_is_linked_from_the_header_and_saves_the_time_zone(client, login_as, case):
    user_id = case["delegate"].id
    login_as(case["delegate"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/account/settings">Settings</a>' in home
    page = client.get("/account/settings").get_data(as_text=True)
    # Nobody chose yet: the site's default is selected.
    assert '<option selected value="UTC">UTC</option>' in page
    assert "Now: Coordinated Universal Time (UTC)." in page

    response = client.post("/account/settings", data={"time_zone": "Asia/Seoul"}, follow_redirects=True)

    assert "Deadlines are shown to you in Asia/Seoul" in response.get_data(as_text=True)
    assert '<option selected value="Asia/Seoul">Seoul (UTC+9)</option>' in response.get_data(as_text=True)
    assert db.session.get(User, user_id).time_zone == "Asia/Seoul"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "asia/tokyo", "Asia/Tokyo\nBcc"])
def test_an_unknown_time_zone_is_refused_with_a_clear_message_and_nothing_saved(client, login_as, case, zone):
    user_id = case["delegate"].id
    choose_zone(client, login_as, case["delegate"], "Asia/Seoul")

    response = client.post("/account/settings", data={"time_zone": zone})

    assert response.status_code == 422
    assert "is not a time zone we know: choose one from the list, such as Asia/Tokyo" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user_id).time_zone == "Asia/Seoul"


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get("/account/settings")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_site_name_titles_every_page(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_NAME", "Asian Cities Declarations")
    page = client.get("/archive").get_data(as_text=True)
    assert "· Asian Cities Declarations</title>" in page
    assert ">Asian Cities Declarations</a>" in page


def test_an_unknown_default_time_zone_stops_the_application_from_starting():
    class Misconfigured(TestConfig):
        DEFAULT_TIME_ZONE = "Asia/Edo"

    with pytest.raises(RuntimeError, match="DEFAULT_TIME_ZONE 'Asia/Edo' is not an IANA time zone"):
        create_app(Misconfigured)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "localtime", "Japan"])
def test_the_domain_refuses_an_unknown_time_zone_and_keeps_the_users(case, zone):
    from drafting.domain import time_zones

    user = case["delegate"]
    time_zones.choose(user, "Asia/Seoul")
    with pytest.raises(time_zones.UnknownTimeZone):
        time_zones.choose(user, zone)
    assert user.time_zone == "Asia/Seoul"
