"""The host hears of the invited organizations' comments, amendments and replies: an e-mail for each, a daily
digest or none, as each host drafter chooses on their settings page, and a count of what is new on the desk."""

import re

import pytest
from sqlalchemy import select

from drafting.domain import consultation
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Comment, DeskVisit, HostNotifications, ParticipantRole, User, UserRole


@pytest.fixture
def hosted(make_declaration, make_organization, make_user, make_co_host, circulate):
    """Draft 1 in consultation, hosted by Tokyo and co-hosted by Osaka; Seoul participates, Bangkok observes."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    osaka = make_organization("Osaka")
    make_co_host(declaration, osaka)
    drafter = make_user(organization=declaration.host, email="aiko@tokyo.example.org")
    version = circulate(declaration, by=drafter)
    people = dict(
        declaration=declaration, version=version, drafter=drafter,
        # The drafter of Osaka who accepted to co-host.
        co_host_drafter=db.session.scalar(select(User).where(User.organization_id == osaka.id)),
        digest_drafter=make_user(organization=declaration.host, email="digest@tokyo.example.org"),
        quiet_drafter=make_user(organization=declaration.host, email="quiet@tokyo.example.org"),
        host_delegate=make_user(role=UserRole.delegate, organization=declaration.host, email="staff@tokyo.example.org"),
        seoul=make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org"),
        bangkok=make_user(role=UserRole.delegate, organization=bangkok, email="somchai@bangkok.example.org"),
        other_drafter=make_user(email="drafter@elsewhere.example.org"),
    )
    people["digest_drafter"].host_notifications = HostNotifications.daily_digest
    people["quiet_drafter"].host_notifications = HostNotifications.none
    db.session.commit()
    return people


def url(hosted, path=""):
    return f"/declarations/{hosted['declaration'].id}{path}"


def comment_as(client, login_as, hosted, who="seoul", **data):
    login_as(hosted[who])
    response = client.post(url(hosted, "/versions/1/comments"),
                           data={"clause_number": 2, "kind": "comment", "body": "Seoul supports this clause.", **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()


def test_each_host_drafter_who_chose_it_gets_one_e_mail_per_comment_amendment_and_reply(
    client, login_as, hosted, outbox
):
    comment_as(client, login_as, hosted)
    first = outbox()
    # Tokyo's and Osaka's drafters; not the digest's or the silent one, not the host's delegate,
    # not the other invited city, not a drafter of another organization, not the author.
    assert sorted(message["To"] for message in first) == ["aiko@tokyo.example.org", hosted["co_host_drafter"].email]
    assert first[0]["Subject"] == "Tokyo Declaration: Seoul commented on clause 2"
    text = first[0].get_body(("plain",)).get_content()
    assert "Seoul supports this clause." in text
    assert re.search(rf"http://localhost/declarations/{hosted['declaration'].id}/comments#comment-\d+", text)
    assert "http://localhost/account/settings" in text

    amendment = comment_as(client, login_as, hosted, kind="amendment", body="Name the year.",
                           proposed_text="Body of clause 2, by 2030.", justification="A year.")
    subjects = [message["Subject"] for message in outbox()[2:]]
    assert subjects == ["Tokyo Declaration: Seoul proposed an amendment to clause 2"] * 2
    told = outbox()[2].get_body(("plain",)).get_content()
    assert "Body of clause 2, by 2030." in told and "Their justification:\n\nA year." in told

    response = client.post(url(hosted, f"/threads/{amendment.id}/replies"), data={"body": "The year is 2030."})
    assert response.status_code == 302
    assert [message["Subject"] for message in outbox()[4:]] == ["Tokyo Declaration: Seoul replied on clause 2"] * 2


def test_the_host_s_own_reply_is_no_news_to_its_drafters(client, login_as, hosted, outbox):
    comment = consultation.add_comment(hosted["version"], 1, hosted["seoul"], "A remark.")
    db.session.commit()
    login_as(hosted["drafter"])
    response = client.post(url(hosted, f"/comments/{comment.id}/reply"), data={"body": "Thank you."})
    assert response.status_code == 302
    # Only Seoul's author hears of the host's answer.
    assert [message["To"] for message in outbox()] == ["minji@seoul.example.org"]


def test_a_japanese_declaration_tells_its_host_in_japanese(client, login_as, hosted, outbox):
    hosted["declaration"].language = "ja"
    db.session.commit()
    comment_as(client, login_as, hosted)
    message = outbox()[0]
    assert message["Subject"] == "Tokyo Declaration：Seoulが第2項にご意見を寄せました"
    text = message.get_body(("plain",)).get_content()
    assert "ご意見を寄せました：" in text and "Dear" not in text


def settings_page(client) -> str:
    return client.get("/account/settings").get_data(as_text=True)


def test_a_drafter_chooses_the_daily_digest_on_their_settings_page(client, login_as, hosted):
    drafter = login_as(hosted["drafter"])
    page = settings_page(client)
    assert re.search(r'<input checked[^>]*value="each"', page)
    response = client.post("/account/settings", data={"time_zone": "UTC", "host_notifications": "daily_digest"})
    assert response.status_code == 302 and response.location.endswith("/account/settings")
    assert "Your settings are saved." in settings_page(client)
    db.session.expire_all()
    saved = db.session.get(User, drafter.id)
    assert saved.host_notifications is HostNotifications.daily_digest
    assert saved.digest_sent_up_to is not None  # the first digest starts from the choice


@pytest.mark.parametrize("posted", [{"time_zone": "UTC", "host_notifications": "hourly"}, {"time_zone": "UTC"}])
def test_an_unknown_choice_is_refused_with_a_clear_message_and_nothing_is_saved(client, login_as, hosted, posted):
    drafter = login_as(hosted["drafter"])
    response = client.post("/account/settings", data=posted)
    assert response.status_code == 422
    assert "Choose an e-mail for each, one daily digest, or no e-mail." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, drafter.id).host_notifications is HostNotifications.each


def test_a_delegate_has_no_host_notifications_to_choose(client, login_as, hosted):
    login_as(hosted["seoul"])
    assert "host_notifications" not in settings_page(client)
    assert client.post("/account/settings", data={"time_zone": "UTC", "host_notifications": "none"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, hosted["seoul"].id).host_notifications is HostNotifications.each


def test_the_settings_page_is_linked_from_the_header_and_asks_to_sign_in(client, login_as, hosted):
    assert client.get("/account/settings").status_code == 302
    login_as(hosted["drafter"])
    assert 'href="/account/settings"' in client.get("/").get_data(as_text=True)


def test_the_daily_digest_lists_what_is_new_once(app, client, login_as, hosted, outbox, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "drafting.example.org")
    login_as(hosted["drafter"])
    assert client.post("/account/settings", data={"time_zone": "UTC", "host_notifications": "daily_digest"}).status_code == 302
    comment_as(client, login_as, hosted)
    comment_as(client, login_as, hosted, who="bangkok", clause_number=3, body="Bangkok would add a date.")
    before = len(outbox())

    def send_digest():
        # The command's app context, as the configuration gives it, builds the digest's links.
        with app.app_context():
            done = runner.invoke(args=["notifications", "send-digest"])
        assert done.exit_code == 0, done.output

    send_digest()
    digests = outbox()[before:]
    assert sorted(message["To"] for message in digests) == ["aiko@tokyo.example.org", "digest@tokyo.example.org"]
    text = digests[0].get_body(("plain",)).get_content()
    assert "Tokyo Declaration" in text
    assert "Clause 2 of Draft 1: a comment by Seoul" in text and "Seoul supports this clause." in text
    assert "Clause 3 of Draft 1: a comment by Bangkok" in text
    assert f"http://drafting.example.org/declarations/{hosted['declaration'].id}/comments" in text
    assert digests[0]["Subject"] == "Since your last digest: 2 comments, amendments and replies"

    # Run again: nothing new, nothing sent.
    send_digest()
    assert len(outbox()) == before + 2

    # Only what came after the last digest is in the next one.
    comment_as(client, login_as, hosted, clause_number=1, body="One more thought.")
    before = len(outbox())
    send_digest()
    later = [m for m in outbox()[before:] if m["To"] == "digest@tokyo.example.org"]
    assert len(later) == 1
    text = later[0].get_body(("plain",)).get_content()
    assert "One more thought." in text and "Bangkok" not in text


def test_the_digest_needs_the_site_s_name_for_its_links(runner, hosted):
    done = runner.invoke(args=["notifications", "send-digest"])
    assert done.exit_code != 0 and "SERVER_NAME" in done.output


def desk_link_count(client, hosted) -> str | None:
    home = client.get("/").get_data(as_text=True)
    found = re.search(r'Desk of comments <strong class="tag new">(\d+) new</strong>', home)
    return found and found.group(1)


def test_the_desk_counts_what_the_host_drafter_has_not_seen(client, login_as, hosted):
    comment_as(client, login_as, hosted)
    amendment = comment_as(client, login_as, hosted, kind="amendment", body="Name the year.",
                           proposed_text="Body of clause 2, by 2030.", justification="A year.")
    login_as(hosted["drafter"])
    assert desk_link_count(client, hosted) == "2"
    assert "2 new" in client.get(url(hosted)).get_data(as_text=True)  # the editor's link to the desk

    desk = client.get(url(hosted, "/comments")).get_data(as_text=True)
    assert desk.count('<span class="tag new">new</span>') == 2
    assert '<strong class="tag new">2 new</strong> since you last opened this desk' in desk
    assert desk_link_count(client, hosted) is None
    assert "new</strong>" not in client.get(url(hosted)).get_data(as_text=True)
    assert '<span class="tag new">' not in client.get(url(hosted, "/comments")).get_data(as_text=True)

    # A reply in the thread is new again; each drafter has a count of their own.
    login_as(hosted["seoul"])
    client.post(url(hosted, f"/threads/{amendment.id}/replies"), data={"body": "The year is 2030."})
    login_as(hosted["drafter"])
    assert desk_link_count(client, hosted) == "1"
    login_as(hosted["co_host_drafter"])
    assert desk_link_count(client, hosted) == "3"


def test_only_the_host_drafters_see_a_count_and_only_host_staff_the_desk(client, login_as, hosted):
    comment_as(client, login_as, hosted)
    for who in ("seoul", "bangkok", "other_drafter", "host_delegate"):
        login_as(hosted[who])
        assert desk_link_count(client, hosted) is None, who
        assert "new</strong>" not in client.get(url(hosted)).get_data(as_text=True), who
    for who in ("seoul", "other_drafter"):
        login_as(hosted[who])
        assert client.get(url(hosted, "/comments")).status_code in (403, 404), who
    # The host's delegate reads the desk, but it keeps no count for them.
    login_as(hosted["host_delegate"])
    assert client.get(url(hosted, "/comments")).status_code == 200
    assert db.session.scalars(select(DeskVisit)).all() == []


def test_a_withdrawn_comment_is_no_longer_counted(client, login_as, hosted):
    comment = comment_as(client, login_as, hosted)
    assert client.post(url(hosted, f"/threads/{comment.id}/withdraw")).status_code == 302
    login_as(hosted["drafter"])
    assert desk_link_count(client, hosted) is None


def test_a_deactivated_drafter_and_a_drafter_who_chose_the_digest_get_no_e_mail_at_once(
    client, login_as, hosted, outbox
):
    hosted["drafter"].active = False
    db.session.commit()
    comment_as(client, login_as, hosted)
    assert [message["To"] for message in outbox()] == [hosted["co_host_drafter"].email]
