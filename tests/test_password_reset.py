"""Password-reset links: one per account at a time, used once even when posted many times at once,
and a forgotten-password answer that takes as long for an unknown address as for a known one."""

import asyncio
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from drafting.domain.clock import utcnow
from drafting.domain.people import accounts
from drafting.domain.people.accounts import create_user
from drafting.extensions import db
from drafting.models import OutgoingMessage, PasswordReset, UserRole
from tests.conftest import PASSWORD
from tests.live_http import served
from tests.test_answers import Mailbox, free_port, use_smtp
from tests.test_concurrency import live_app  # noqa: F401 (a fixture)

NEW_PASSWORD = "a brand new passphrase"


def links_sent(outbox) -> list[str]:
    """Return the reset links of the messages sent so far, oldest first."""
    return [re.search(r"http://localhost(/password/reset/\S+)", message.get_body(("plain",)).get_content()).group(1)
            for message in outbox()]


def choose(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "password_again": password})


def test_an_older_link_is_refused_once_a_newer_one_is_requested(client, make_user, outbox):
    user = make_user(email="mariko@tokyo.example.org")
    for _ in range(2):
        assert client.post("/password/forgotten", data={"email": user.email}).status_code == 302
    older, newer = links_sent(outbox)
    refused = choose(client, older)
    assert refused.status_code == 404 and "only the newest works" in refused.get_data(as_text=True)
    assert accounts.authenticate(user.email, NEW_PASSWORD) is None
    assert choose(client, newer).status_code == 302
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None


def test_an_older_link_is_refused_once_a_newer_one_is_used(client, make_user, outbox):
    user = make_user(email="mariko@tokyo.example.org")
    for _ in range(2):
        client.post("/password/forgotten", data={"email": user.email})
    older, newer = links_sent(outbox)
    assert choose(client, newer).status_code == 302
    assert choose(client, older, "yet another passphrase").status_code == 404
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None
    assert choose(client, newer, "yet another passphrase").status_code == 410


# Against a real threaded HTTP server on loopback, each request with a connection of its own.


@pytest.fixture
def served_app(live_app, monkeypatch):
    """An application on a database of its own, whose `db.session` is Flask-SQLAlchemy's: the
    server's threads need connections of their own."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    return live_app


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url: str, data: dict) -> tuple[int, str, float]:
    """POST a form without following redirects; return the status, the Location and the seconds taken."""
    opener = urllib.request.build_opener(_KeepRedirects)
    started = time.perf_counter()
    try:
        with opener.open(url, urllib.parse.urlencode(data).encode(), timeout=30) as response:
            response.read()
            status, location = response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        error.read()
        status, location = error.code, error.headers.get("Location", "")
    return status, location, time.perf_counter() - started


def an_account_with_a_reset_link(app) -> tuple[str, str]:
    with app.app_context():
        user = create_user("mariko@tokyo.example.org", "Mariko Sato", PASSWORD, UserRole.administrator, None)
        _, token = accounts.request_password_reset(user.email, utcnow())
        db.session.commit()
        return user.email, token


def test_eight_simultaneous_uses_of_one_link_change_the_password_once(served_app):
    live_app = served_app
    email, token = an_account_with_a_reset_link(live_app)
    start = threading.Barrier(8)
    answers = {}

    def use(number: int) -> None:
        password = f"passphrase number {number}"
        start.wait()
        answers[password] = post(f"{base}/password/reset/{token}", {"password": password, "password_again": password})

    with served(live_app) as base:
        threads = [threading.Thread(target=use, args=(number,)) for number in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    statuses = sorted(status for status, _, _ in answers.values())
    assert statuses == [302] + [410] * 7
    [(changed_to, (_, location, _))] = [(p, a) for p, a in answers.items() if a[0] == 302]
    assert location.endswith("/login")
    with live_app.app_context():
        assert accounts.authenticate(email, changed_to) is not None
        assert all(accounts.authenticate(email, other) is None for other in answers if other != changed_to)


class SlowMailbox(Mailbox):
    """A mail server that takes a quarter of a second over each message, as a distant one may."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.25)
        return await super().handle_DATA(server, session, envelope)


def sent_count(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(OutgoingMessage).where(OutgoingMessage.sent_at.isnot(None)))


def test_a_known_address_is_answered_as_fast_as_an_unknown_one(served_app, monkeypatch):
    live_app = served_app
    email, _ = an_account_with_a_reset_link(live_app)
    mailbox = SlowMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(live_app, monkeypatch, controller.port)
    times = {"known": [], "unknown": []}
    try:
        with served(live_app) as base:
            for _ in range(15):
                for kind, address in (("known", email), ("unknown", "nobody@tokyo.example.org")):
                    status, location, seconds = post(f"{base}/password/forgotten", {"email": address})
                    assert (status, location) == (302, "/login")
                    times[kind].append(seconds)
            # The links are made and sent after the answers: wait for the last one to be recorded.
            deadline = time.monotonic() + 30
            while sent_count(live_app) < 15 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        controller.stop()
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    # Whether the account exists, its new link and the mail server's quarter of a second are all
    # dealt with after the answer. bench/password_reset.py prints the figures against gunicorn.
    print(f"median answer: known address {known * 1000:.1f} ms, unknown {unknown * 1000:.1f} ms")
    assert known < 3 * unknown, (known, unknown)
    with live_app.app_context():
        # Every message did go, once; each new link voided the older ones.
        sent = list(db.session.scalars(select(OutgoingMessage)))
        assert len(sent) == 15 and {m.status for m in sent} == {"sent"}
        assert len(mailbox.messages) == 15
        assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 1


def test_the_account_is_looked_up_only_once_the_answer_is_finished(client, make_user, outbox):
    # Timing cannot tell a known address from an unknown one if nothing about the account is done
    # before the answer: until the response is closed, no link exists and no message is queued.
    user = make_user(email="mariko@tokyo.example.org")
    answer = client.post("/password/forgotten", data={"email": user.email}, buffered=False)
    assert (answer.status_code, answer.location) == (302, "/login")
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)) == 0
    answer.close()
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 1
    assert len(outbox()) == 1


@pytest.mark.parametrize("meanwhile", ["the owner changed the password", "an administrator set one",
                                       "an administrator deactivated the account"])
def test_a_link_sent_before_the_account_changed_hands_no_longer_works(client, login_as, make_user, meanwhile):
    # A link left in a mailbox must not outlive what its owner or an administrator did since.
    user = make_user(email="mariko@tokyo.example.org")
    _, token = accounts.request_password_reset(user.email, utcnow())
    db.session.commit()
    if meanwhile == "the owner changed the password":
        login_as(user)
        assert client.post("/account/password", data={"current_password": PASSWORD, "password": "mine, chosen now",
                                                      "password_again": "mine, chosen now"}).status_code == 302
        client.post("/logout")
    else:
        accounts.update_user(user, user.name, user.role, user.organization,
                             meanwhile != "an administrator deactivated the account",
                             "set by the administrator" if meanwhile == "an administrator set one" else None)
        db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 404
    assert choose(client, f"/password/reset/{token}").status_code == 404
    assert accounts.authenticate(user.email, NEW_PASSWORD) is None


def test_no_link_is_sent_when_the_forgotten_password_request_fails(app, client, make_user, outbox, monkeypatch):
    user = make_user(email="mariko@tokyo.example.org")

    def broken_flash(*args, **kwargs):
        raise RuntimeError("the session cookie cannot be written")

    monkeypatch.setattr("drafting.web.auth.routes.flash", broken_flash)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert client.post("/password/forgotten", data={"email": user.email}).status_code == 500
    # The user was told something went wrong: no link may reach the mailbox behind their back.
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0
