"""Security headers, the health check, and a database that stops answering."""

import pytest
from flask import request, url_for

from config import DEVELOPMENT_AUDIT_KEY, ProductionConfig, TestConfig
from drafting import create_app
from drafting.extensions import db as _db
from drafting.rendering.signing_keys import make_self_signed


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: apps made here must use their own databases. Nothing here writes."""
    return _db


def test_every_page_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only where production serves HTTPS


def production_app(tmp_path):
    key_file = tmp_path / "signing-key.p12"
    make_self_signed(key_file, "drafting at declarations.example.org", "a password for this test only", years=1)

    class Production(ProductionConfig):
        SECRET_KEY = "a long random secret for this test only"
        AUDIT_KEY = "another long random secret for this test only"
        SIGNING_KEY_FILE = str(key_file)
        SIGNING_KEY_PASSWORD = "a password for this test only"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'production.sqlite'}"
        SERVER_NAME = "declarations.example.org"
        ALLOWED_HOSTS = ["declarations.example.org"]

    return create_app(Production)


def test_production_cookies_are_secure_and_hsts_is_on(tmp_path):
    app = production_app(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["REMEMBER_COOKIE_SECURE"]
    assert "Strict-Transport-Security" in app.test_client().get("/login").headers
    # Requests naming another host are not served: no forged Host header reaches a printed address.
    assert app.test_client().get("/login", headers={"Host": "evil.example.org"}).status_code == 400


AUDIT_KEY = "another long random secret for this test only"


@pytest.mark.parametrize("secret, audit_key, database, server, message", [
    (None, AUDIT_KEY, "sqlite://", "d.example.org", "SECRET_KEY"),
    ("too short", AUDIT_KEY, "sqlite://", "d.example.org", "SECRET_KEY"),
    ("a long random secret for this test only", None, "sqlite://", "d.example.org", "AUDIT_KEY"),
    ("a long random secret for this test only", "too short", "sqlite://", "d.example.org", "AUDIT_KEY"),
    ("a long random secret for this test only", DEVELOPMENT_AUDIT_KEY, "sqlite://", "d.example.org", "AUDIT_KEY"),
    ("a long random secret for this test only", "a long random secret for this test only", "sqlite://", "d.example.org",
     "AUDIT_KEY"),
    ("a long random secret for this test only", AUDIT_KEY, None, "d.example.org", "DATABASE_URL"),
    ("a long random secret for this test only", AUDIT_KEY, "sqlite://", None, "SERVER_NAME"),
])
def test_production_refuses_to_start_without_real_secrets_database_and_name(secret, audit_key, database, server, message):
    class Incomplete(ProductionConfig):
        SECRET_KEY = secret
        AUDIT_KEY = audit_key
        SQLALCHEMY_DATABASE_URI = database
        SERVER_NAME = server

    with pytest.raises(RuntimeError, match=message):
        create_app(Incomplete)


def test_the_health_check_answers_ok(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_the_health_check_answers_a_load_balancer_on_any_host_and_pages_do_not(tmp_path):
    client = production_app(tmp_path).test_client()
    balancer = {"Host": "10.0.0.5:8000"}  # a balancer probes each server at its own address
    assert client.get("/healthz", headers=balancer).get_json() == {"status": "ok", "database": "ok"}
    assert client.get("/", headers=balancer).status_code == 400
    assert client.post("/login", headers=balancer, data={"email": "a@example.org", "password": "x"}).status_code == 400
    assert client.get("/").status_code == 200


def proxied_app(hops):
    """An app behind `hops` proxies, with a page that shows the client address and an external URL it sees."""
    app = create_app(type("Proxied", (TestConfig,), {"PROXY_FIX_HOPS": hops, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))

    @app.get("/seen")
    def seen():
        return {"address": request.remote_addr, "home": url_for("main.home", _external=True)}

    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "declarations.example.org"}


def test_behind_a_trusted_proxy_the_forwarded_client_and_https_are_used():
    seen = proxied_app(1).test_client().get("/seen", headers=FORWARDED).get_json()
    assert seen == {"address": "203.0.113.7", "home": "https://declarations.example.org/"}


def test_without_a_trusted_proxy_forwarded_headers_are_ignored():
    seen = proxied_app(0).test_client().get("/seen", headers=FORWARDED).get_json()
    assert seen == {"address": "127.0.0.1", "home": "http://localhost/"}


def test_an_unreachable_database_gives_a_clear_503_page_and_health_check(tmp_path):
    class Unreachable(TestConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://nobody@127.0.0.1:1/none"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    app = create_app(Unreachable)
    app.testing = False
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    page = client.post("/login", data={"email": "a@example.org", "password": "whatever-it-is"})
    assert page.status_code == 503
    assert "The database is not answering" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)


def test_a_plain_postgresql_url_uses_the_installed_driver(monkeypatch):
    from config import database_url

    monkeypatch.setenv("SOME_DATABASE_URL", "postgresql://drafting@db.example.org/drafting")
    assert database_url("SOME_DATABASE_URL") == "postgresql+psycopg://drafting@db.example.org/drafting"
    monkeypatch.setenv("SOME_DATABASE_URL", "sqlite:////srv/drafting.sqlite")
    assert database_url("SOME_DATABASE_URL") == "sqlite:////srv/drafting.sqlite"


def test_a_signed_in_user_also_gets_the_503_page_when_the_database_goes_away(tmp_path):
    from flask_migrate import upgrade

    from drafting.domain.people.accounts import create_user
    from drafting.models import UserRole
    from tests.conftest import PASSWORD

    database = tmp_path / "vanishing.sqlite"

    class Vanishing(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    app = create_app(Vanishing)
    with app.app_context():
        upgrade()
        create_user("admin@example.org", "Admin", PASSWORD, UserRole.administrator, None)
        _db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": "admin@example.org", "password": PASSWORD}).status_code == 302
    with app.app_context():
        _db.engine.dispose()
    database.unlink()  # the next connection finds an empty file: every query fails
    app.testing = False
    for response in (client.get("/"), client.get("/admin/"), client.post("/declarations/new", data={})):
        assert response.status_code == 503
        assert "The database is not answering" in response.get_data(as_text=True)
    with app.app_context():
        _db.engine.dispose()


def test_a_request_body_over_the_limit_gets_a_clear_413_page(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "larger than this site accepts" in response.get_data(as_text=True)
