"""Smoke tests in a real browser: signing in through the login form of the live server."""

from playwright.sync_api import expect


def test_a_drafter_signs_in_and_sees_the_demonstration_declaration(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")

    sign_in(page, drafter.email, drafter.password)

    expect(page.get_by_role("heading", name="Declarations", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Tokyo Declaration", exact=True)).to_be_visible()


def test_a_wrong_password_is_refused_at_the_login_form(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")

    sign_in(page, drafter.email, "not the right password")

    expect(page.get_by_text("The e-mail address or the password is not right.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
