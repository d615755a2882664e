"""Fixtures of the real-browser tests: the application with its demonstration served on 127.0.0.1,
and Debian's Chromium driven by Playwright."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright

from config import TestConfig
from drafting import create_app
from drafting.demo import Login, load_demo
from drafting.extensions import db as _db
from tests.databases import fresh_database
from tests.live_http import served

CHROMIUM = Path("/usr/bin/chromium")
# Headless in a container without a GPU or a user namespace, and quiet: no calls home, no updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    logins: list[Login]

    def login_for(self, role: str) -> Login:
        """Return the first demonstration login with this role."""
        return next(login for login in self.logins if login.role == role)


@pytest.fixture(autouse=True)
def db():
    """Leave the shared `db.session` as Flask-SQLAlchemy made it, instead of the suite's transaction.

    The suite's own `db` fixture binds `db.session` to a connection of the suite database. The live
    server's threads use that same `db.session`, so with it in place they would read and write the
    suite database instead of their own.
    """
    return _db


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve the application, with a fresh database holding the demonstration, on a free local port."""
    with fresh_database(tmp_path_factory.mktemp("live")) as database_url:

        class LiveConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = database_url
            WTF_CSRF_ENABLED = True  # the browser submits the real forms, tokens and all

        app = create_app(LiveConfig)
        with app.app_context():
            upgrade()
            logins = load_demo()
            _db.session.commit()
        try:
            with served(app) as url:
                yield LiveServer(url, app, logins)
        finally:
            with app.app_context():
                _db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """Launch headless Chromium once for the whole run."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}: run `make test`, which installs it.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """Open a page in a new browser context, so that no cookie passes from one test to the next."""
    context = browser.new_context(base_url=live_server.url)
    yield context.new_page()
    context.close()


@pytest.fixture
def sign_in():
    """Return a helper that signs in through the real login form."""

    def sign_in(page, email: str, password: str) -> None:
        page.goto("/login")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in


def adopt_as_host(page, reason: str = "The meeting adopted the text in its closing session.") -> None:
    """From the tracker, open the adoption page and adopt, confirming without the missing answers if any are missing."""
    page.get_by_role("link", name="Adopt the declaration…").click()
    page.get_by_role("heading", name="What will be published").wait_for()
    confirmation = page.get_by_label("I adopt the declaration without the missing answers")
    if confirmation.count():
        confirmation.check()
        page.get_by_label("Why adopt without them? The record keeps this reason").fill(reason)
    page.get_by_role("button", name="Adopt and publish").click()
