"""Signing in and out: rate limits, CSRF, safe redirects, password changes and resets."""

import email
import email.policy
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis

from config import TestConfig
from drafting import accounts, create_app
from drafting.extensions import db
from drafting.models import PasswordReset, UserRole
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


def rate_limited_app(tmp_path, storage):
    # The machine's Redis is shared: counters go under a key prefix of this test's own (they expire
    # within the minute), so no other data is touched and no other run's attempts are counted.
    return app_with(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage, LOGIN_RATE_LIMIT="3 per minute",
                    RATELIMIT_STORAGE_OPTIONS={"key_prefix": f"drafting-test-{uuid.uuid4().hex}"})


@pytest.mark.parametrize("storage", STORAGES)
def test_login_attempts_are_rate_limited(tmp_path, storage):
    client = rate_limited_app(tmp_path, storage).test_client()
    responses = [client.post("/login", data={"email": "a@example.org", "password": "x"}) for _ in range(4)]
    assert [response.status_code for response in responses] == [422, 422, 422, 429]
    assert "Too many attempts from your address" in responses[-1].get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_sign_in_works_and_stays_limited_while_redis_is_down(tmp_path, make_user):
    user = make_user()
    client = rate_limited_app(tmp_path, "redis://127.0.0.1:1").test_client()  # nothing listens there
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.post("/logout")
    wrong = [client.post("/login", data={"email": user.email, "password": "x"}) for _ in range(3)]
    assert [response.status_code for response in wrong] == [422, 422, 429]


def test_a_form_without_its_csrf_token_is_refused(tmp_path):
    response = app_with(tmp_path, WTF_CSRF_ENABLED=True).test_client().post(
        "/login", data={"email": "a@example.org", "password": "x"}
    )
    assert response.status_code == 400
