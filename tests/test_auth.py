"""Signing in and out: rate limits, CSRF, safe redirects, password changes and resets."""

import email
import email.policy
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
from sqlalchemy import select

from config import TestConfig
from drafting import create_app
from drafting.domain.clock import as_utc, utcnow
from drafting.domain.people import accounts, sign_ins
from drafting.extensions import db
from drafting.models import FailedSignIn, PasswordReset, SignIn, UserRole
from tests.conftest import PASSWORD


def test_a_wrong_password_is_refused_at_the_field(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": "not the password"})
    assert response.status_code == 422
    assert 'id="password-errors"' in response.get_data(as_text=True)
    assert client.post("/login", data={"email": user.email.upper(), "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("target, lands", [
    ("/declarations/new", "/declarations/new"),
    ("https://evil.example.org/", "/"),
    ("//evil.example.org/path", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_after_login_never_leaves_the_site(client, make_user, target, lands):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.location == lands


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, login_as, make_user):
    user = login_as(make_user())
    assert client.get("/declarations/new").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/declarations/new").status_code == 302


def test_changing_the_password_ends_the_other_sessions(app, client, login_as, make_user):
    user = login_as(make_user())
    assert '<a href="/account/password">Change password</a>' in client.get("/").get_data(as_text=True)
    other_browser = app.test_client()
    assert other_browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    wrong = client.post("/account/password", data={"current_password": "nope", "password": "a new passphrase",
                                                   "password_again": "a new passphrase"})
    assert wrong.status_code == 422 and "This is not your current password." in wrong.get_data(as_text=True)
    differ = client.post("/account/password", data={"current_password": PASSWORD, "password": "a new passphrase",
                                                     "password_again": "another one here"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.get_data(as_text=True)
    changed = client.post("/account/password", data={"current_password": PASSWORD, "password": "a new passphrase",
                                                      "password_again": "a new passphrase"})
    assert changed.status_code == 302
    assert client.get("/declarations/new").status_code == 200  # this session goes on
    assert other_browser.get("/declarations/new").status_code == 302  # the other one ended


def reset_link(tmp_path):
    [path] = tmp_path.glob("*.eml")
    text = email.message_from_bytes(path.read_bytes(), policy=email.policy.default).get_body(("plain",)).get_content()
    return re.search(r"http://localhost(/password/reset/\S+)", text).group(1)


def test_a_password_reset_link_works_once(app, client, make_user, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    user = make_user(email="mariko@tokyo.example.org")
    unknown = client.post("/password/forgotten", data={"email": "nobody@example.org"}, follow_redirects=True)
    sent = client.post("/password/forgotten", data={"email": "Mariko@Tokyo.example.org"}, follow_redirects=True)
    assert unknown.get_data(as_text=True).count("If an account has this address") == 1
    assert sent.get_data(as_text=True).count("If an account has this address") == 1
    link = reset_link(tmp_path)
    assert client.get(link).status_code == 200
    short = client.post(link, data={"password": "short", "password_again": "short"})
    assert short.status_code == 422 and "10 to 200 characters" in short.get_data(as_text=True)
    assert client.post(link, data={"password": "a brand new passphrase", "password_again": "a brand new passphrase"}).status_code == 302
    assert accounts.authenticate(user.email, "a brand new passphrase") is not None
    used = client.get(link)
    assert used.status_code == 410 and "was used already" in used.get_data(as_text=True)
    assert client.get(link[:-3] + "abc").status_code == 404


def test_an_expired_reset_link_says_so(client, make_user):
    user = make_user()
    reset, token = accounts.request_password_reset(user.email, datetime.now(timezone.utc) - timedelta(hours=3))
    db.session.commit()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert isinstance(reset, PasswordReset)


def app_with(tmp_path, **settings):
    settings.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'own.sqlite'}")
    return create_app(type("OwnConfig", (TestConfig,), settings))


def redis_answers() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


STORAGES = ["memory://", pytest.param(
    "redis://127.0.0.1:6379", marks=pytest.mark.skipif(not redis_answers(), reason="no Redis answers on 127.0.0.1:6379"),
)]


def rate_limited_app(tmp_path, storage, **settings):
    # The machine's Redis is shared: counters go under a key prefix of this test's own (they expire
    # within the minute), so no other data is touched and no other run's attempts are counted.
    settings.setdefault("SIGN_IN_FAILURES_PER_ADDRESS", 3)
    return app_with(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                    RATELIMIT_STORAGE_OPTIONS={"key_prefix": f"drafting-test-{uuid.uuid4().hex}"}, **settings)


@pytest.mark.parametrize("storage", STORAGES)
def test_failed_sign_ins_from_one_address_are_rate_limited(tmp_path, storage, make_user):
    client = rate_limited_app(tmp_path, storage).test_client()
    user = make_user()
    # Successful sign-ins do not count: only guesses, here one at each of many accounts.
    for _ in range(4):
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        client.post("/logout")
    responses = [client.post("/login", data={"email": f"a{n}@example.org", "password": "x"}) for n in range(4)]
    assert [response.status_code for response in responses] == [422, 422, 422, 429]
    assert "Too many failed sign-ins from your address" in responses[-1].get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_a_forged_forwarded_address_does_not_escape_the_limit_per_address_without_a_trusted_proxy(tmp_path):
    client = rate_limited_app(tmp_path, "memory://", PROXY_FIX_HOPS=0).test_client()
    statuses = [client.post("/login", data={"email": f"a{n}@example.org", "password": "x"},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_sign_in_works_and_stays_limited_while_redis_is_down(tmp_path, make_user):
    user = make_user()
    client = rate_limited_app(tmp_path, "redis://127.0.0.1:1").test_client()  # nothing listens there
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.post("/logout")
    wrong = [client.post("/login", data={"email": f"a{n}@example.org", "password": "x"}) for n in range(4)]
    assert [response.status_code for response in wrong] == [422, 422, 422, 429]


def test_a_form_without_its_csrf_token_is_refused(tmp_path):
    response = app_with(tmp_path, WTF_CSRF_ENABLED=True).test_client().post(
        "/login", data={"email": "a@example.org", "password": "x"}
    )
    assert response.status_code == 400


# Sessions the server can end: a copied cookie is worth nothing once its session ended.

def copied_cookie(app, client):
    """Return another browser holding a copy of this client's session cookie, as a thief would."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_out(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


@pytest.fixture
def draft_page(make_declaration):
    """Return the address of a confidential working draft hosted by the given user's organization."""

    def page(user):
        return f"/declarations/{make_declaration(host=user.organization).id}"

    return page


def test_a_cookie_copied_before_signing_out_is_signed_out_after(app, client, login_as, make_user, draft_page):
    user = login_as(make_user())
    page = draft_page(user)
    other_browser = app.test_client()
    assert other_browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    thief = copied_cookie(app, client)
    assert thief.get(page).status_code == 200
    assert client.post("/logout").status_code == 302
    assert signed_out(thief.get(page))
    assert signed_out(client.get(page))
    assert other_browser.get(page).status_code == 200  # signing out ends this session only


def test_a_cookie_of_another_session_is_signed_out_after_a_password_change(app, client, login_as, make_user,
                                                                           draft_page):
    user = login_as(make_user())
    page = draft_page(user)
    other_browser = app.test_client()
    assert other_browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    thief = copied_cookie(app, other_browser)
    here = copied_cookie(app, client)
    changed = client.post("/account/password", data={"current_password": PASSWORD, "password": "a new passphrase",
                                                      "password_again": "a new passphrase"})
    assert changed.status_code == 302
    assert signed_out(thief.get(page)) and signed_out(other_browser.get(page))
    # The browser that changed it stays signed in, under a new session: a copy of its cookie, taken
    # by whoever made its owner change the password, is signed out too.
    assert client.get(page).status_code == 200
    assert signed_out(here.get(page))


def test_a_cookie_of_an_account_an_administrator_deactivated_stays_signed_out_after_reactivation(
        app, client, make_user, draft_page):
    user = make_user()
    page = draft_page(user)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    thief = copied_cookie(app, client)
    administrator = make_user(role=UserRole.administrator)
    admin = app.test_client()
    assert admin.post("/login", data={"email": administrator.email, "password": PASSWORD}).status_code == 302
    fields = {"name": user.name, "role": user.role.value, "organization": str(user.organization_id)}
    assert admin.post(f"/admin/users/{user.id}/edit", data=fields).status_code == 302  # "active" left unticked
    assert signed_out(thief.get(page))
    assert admin.post(f"/admin/users/{user.id}/edit", data={**fields, "active": "y"}).status_code == 302
    assert signed_out(thief.get(page)) and signed_out(client.get(page))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(page).status_code == 200


def test_a_reset_link_used_in_a_browser_signed_in_as_someone_else_ends_that_session_too(app, client, login_as,
                                                                                         make_user, draft_page):
    # A shared computer: one person is signed in, another chooses a new password there. The page
    # signs the browser out; a copy of its cookie must be signed out with it, as after "Sign out".
    someone = login_as(make_user())
    page = draft_page(someone)
    thief = copied_cookie(app, client)
    owner = make_user()
    _, token = accounts.request_password_reset(owner.email, utcnow())
    db.session.commit()
    chosen = client.post(f"/password/reset/{token}", data={"password": "a brand new passphrase",
                                                           "password_again": "a brand new passphrase"})
    assert chosen.status_code == 302
    assert signed_out(client.get(page))
    assert signed_out(thief.get(page))


def move_sign_ins_back(user, **by):
    """Make the user's sign-ins look older: created_at and last_seen_at moved back by the given timedeltas."""
    for sign_in in db.session.scalars(select(SignIn).where(SignIn.user_id == user.id)):
        for column, delta in by.items():
            setattr(sign_in, column, as_utc(getattr(sign_in, column)) - delta)
    db.session.commit()


def test_a_session_left_idle_too_long_is_signed_out(app, client, login_as, make_user, draft_page):
    user = login_as(make_user())
    page = draft_page(user)
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    assert idle >= timedelta(hours=8)  # an editor left open over lunch and a long meeting stays signed in
    move_sign_ins_back(user, created_at=idle - timedelta(minutes=5), last_seen_at=idle - timedelta(minutes=5))
    assert client.get(page).status_code == 200  # and this request counts as activity
    move_sign_ins_back(user, created_at=idle - timedelta(minutes=5), last_seen_at=idle - timedelta(minutes=5))
    assert client.get(page).status_code == 200
    move_sign_ins_back(user, last_seen_at=idle + timedelta(minutes=1))
    assert signed_out(client.get(page))


def test_a_session_in_use_ends_at_its_lifetime(app, client, login_as, make_user, draft_page):
    user = login_as(make_user())
    page = draft_page(user)
    lifetime = app.config["SESSION_LIFETIME"]
    assert app.config["PERMANENT_SESSION_LIFETIME"] <= lifetime  # the signed cookie itself expires too
    move_sign_ins_back(user, created_at=lifetime - timedelta(minutes=1))
    assert client.get(page).status_code == 200
    move_sign_ins_back(user, created_at=timedelta(minutes=2))
    assert signed_out(client.get(page))


def test_a_cookie_must_hold_its_session_s_secret_not_merely_name_a_user_or_a_session(app, client, login_as,
                                                                                    make_user, draft_page):
    from flask.sessions import SecureCookieSessionInterface

    user = login_as(make_user())
    page = draft_page(user)
    [sign_in] = db.session.scalars(select(SignIn).where(SignIn.user_id == user.id))
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)  # as if SECRET_KEY had leaked
    # "<user id>:<session version>" is what cookies held before sessions were rows: they sign in no more.
    for user_id in (f"{user.id}:1", f"{sign_in.id}:not-its-secret", f"{sign_in.id}"):
        forged = app.test_client()
        forged.set_cookie("session", serializer.dumps({"_user_id": user_id, "_fresh": True}))
        assert signed_out(forged.get(page))
    assert client.get(page).status_code == 200


# Failed sign-ins are counted per account, in the database; per address only at a far higher rate.

def test_fifty_delegates_behind_one_address_all_sign_in_within_a_minute(tmp_path, make_user):
    app = rate_limited_app(tmp_path, "memory://", SIGN_IN_FAILURES_PER_ADDRESS=TestConfig.SIGN_IN_FAILURES_PER_ADDRESS)
    delegates = [make_user(role=UserRole.delegate) for _ in range(50)]
    started = time.monotonic()
    for delegate in delegates:
        venue = app.test_client()  # every delegate's browser, all behind the venue's one address
        assert venue.post("/login", data={"email": delegate.email, "password": "a typo in it"}).status_code == 422
        assert venue.post("/login", data={"email": delegate.email, "password": PASSWORD}).status_code == 302
    assert time.monotonic() - started < 60


def test_the_eleventh_wrong_password_for_one_account_is_refused_known_or_not(app, client, make_user):
    victim = make_user()
    limit = app.config["SIGN_IN_FAILURES_PER_ACCOUNT"]
    assert limit == 10
    refusals = []
    for address in (victim.email, "nobody@example.org"):
        answers = [client.post("/login", data={"email": address, "password": f"guess {n}"}) for n in range(limit + 1)]
        assert [answer.status_code for answer in answers] == [422] * limit + [429]
        refusals.append(answers[-1].get_data(as_text=True).replace(address, "ADDRESS"))
    assert "Too many failed sign-ins with this e-mail address" in refusals[0]
    assert refusals[0] == refusals[1]  # nothing tells whether the account exists
    # The right password is not even tried while the address is held back, whatever its spelling...
    assert client.post("/login", data={"email": victim.email.upper(), "password": PASSWORD}).status_code == 429
    # ...but the other people behind the same address sign in.
    assert client.post("/login", data={"email": make_user().email, "password": PASSWORD}).status_code == 302


def test_every_spelling_that_reaches_an_account_counts_against_it(app, client, make_user):
    victim = make_user(email="kenji@kyoto.example.org")
    # Case, surrounding spaces and the Kelvin sign (which lower-cases to "k") all reach the account.
    spellings = ["KENJI@KYOTO.EXAMPLE.ORG", "  kenji@kyoto.example.org ", "\u212aenji@kyoto.example.org",
                 "Kenji@Kyoto.Example.Org"]
    assert all(accounts.find_user(spelling) == victim for spelling in spellings)
    limit = app.config["SIGN_IN_FAILURES_PER_ACCOUNT"]
    for n in range(limit):
        guess = client.post("/login", data={"email": spellings[n % len(spellings)], "password": f"guess {n}"})
        assert guess.status_code == 422
    for spelling in [victim.email, *spellings]:
        assert client.post("/login", data={"email": spelling, "password": PASSWORD}).status_code == 429


def move_failures_back(delta):
    """Make every failed sign-in look older by delta."""
    for failure in db.session.scalars(select(FailedSignIn)):
        failure.failed_at = as_utc(failure.failed_at) - delta
    db.session.commit()


def test_failed_sign_ins_count_for_a_while_and_a_new_password_clears_them(app, client, make_user):
    victim = make_user()
    limit, window = app.config["SIGN_IN_FAILURES_PER_ACCOUNT"], app.config["SIGN_IN_FAILURE_WINDOW"]
    for n in range(limit):
        assert client.post("/login", data={"email": victim.email, "password": f"guess {n}"}).status_code == 422
    assert client.post("/login", data={"email": victim.email, "password": PASSWORD}).status_code == 429
    move_failures_back(window - timedelta(minutes=1))
    assert client.post("/login", data={"email": victim.email, "password": PASSWORD}).status_code == 429
    move_failures_back(timedelta(minutes=2))
    assert client.post("/login", data={"email": victim.email, "password": PASSWORD}).status_code == 302
    client.post("/logout")
    # A signed-in success does not wipe the count: the guesses of the last window still count.
    for n in range(limit):
        assert client.post("/login", data={"email": victim.email, "password": f"guess {n}"}).status_code == 422
    assert client.post("/login", data={"email": victim.email, "password": PASSWORD}).status_code == 429
    # Whoever got a new password (here from an administrator; a reset link does the same) signs in at once.
    accounts.update_user(victim, victim.name, victim.role, victim.organization, True, "a password from the admin")
    db.session.commit()
    assert client.post("/login", data={"email": victim.email, "password": "a password from the admin"}).status_code == 302


def test_requests_for_a_reset_link_keep_their_own_lower_limit_per_address(tmp_path):
    client = rate_limited_app(tmp_path, "memory://", SIGN_IN_FAILURES_PER_ADDRESS=TestConfig.SIGN_IN_FAILURES_PER_ADDRESS).test_client()
    limit = int(TestConfig.PASSWORD_RESET_RATE_LIMIT.split()[0])
    assert limit <= 10  # a mailbox is not flooded with reset links from one address
    answers = [client.post("/password/forgotten", data={"email": f"n{n}@example.org"}) for n in range(limit + 1)]
    assert [answer.status_code for answer in answers] == [302] * limit + [429]


def test_a_stolen_session_cannot_guess_the_password_faster_on_the_change_password_form(app, client, login_as,
                                                                                       make_user):
    user = login_as(make_user())
    limit = app.config["SIGN_IN_FAILURES_PER_ACCOUNT"]
    guesses = [client.post("/account/password", data={"current_password": f"guess {n}", "password": "a new passphrase",
                                                      "password_again": "a new passphrase"})
               for n in range(limit + 1)]
    assert [guess.status_code for guess in guesses] == [422] * limit + [429]
    assert "Too many wrong passwords" in guesses[-1].get_data(as_text=True)
    right = client.post("/account/password", data={"current_password": PASSWORD, "password": "a new passphrase",
                                                   "password_again": "a new passphrase"})
    assert right.status_code == 429
    # The guesses count against signing in too: they were guesses at the same password.
    assert app.test_client().post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429


def test_an_ipv4_address_counts_the_same_written_as_ipv6(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_PER_ADDRESS", 2)
    for n, client in enumerate(("192.0.2.1", "::ffff:192.0.2.1")):
        assert accounts.authenticate(f"a{n}@example.org", "x", client=client) is None
        db.session.commit()
    with pytest.raises(sign_ins.TooManyFailuresFromAddress):
        accounts.authenticate("b@example.org", "x", client="192.0.2.1")
    assert accounts.authenticate("b@example.org", "x", client="192.0.2.2") is None
