"""The host hears of a delegate's comment in a real browser: the drafter chooses an e-mail for each on the
settings page, a delegate comments, and the drafter's link to the desk of comments says "1 new"."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from drafting.extensions import db
from drafting.models import OutgoingMessage

DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"
HOST_DRAFTER = "kenji.mori@tokyo.example.org"


def test_a_delegate_comments_and_the_host_drafter_sees_it_new_and_gets_an_e_mail(live_server, browser, sign_in):
    password = live_server.login_for("drafter").password
    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, HOST_DRAFTER, password)

    host.get_by_role("link", name="Settings").click()
    host.get_by_label("An e-mail for each comment, amendment and reply").check()
    host.get_by_role("button", name="Save").click()
    expect(host.get_by_text("Your settings are saved.")).to_be_visible()
    expect(host.get_by_label("An e-mail for each comment, amendment and reply")).to_be_checked()

    # Opening the desk shows what was waiting there, and the count goes.
    host.get_by_role("link", name="Declarations").click()
    host.get_by_role("link", name=DECLARATION).click()
    host.get_by_role("link", name="Comments and amendments").click()
    expect(host.get_by_role("heading", name="Comments and amendments")).to_be_visible()
    host.get_by_role("link", name="Declarations").click()
    # Other journeys' declarations of the same host may have news of their own: this row is the one.
    row = host.locator("tr", has=host.get_by_role("link", name=DECLARATION, exact=True))
    expect(row.get_by_role("link", name="Desk of comments")).to_have_count(0)

    delegate = browser.new_context(base_url=live_server.url).new_page()
    sign_in(delegate, "jiwoo.kim@seoul.example.org", password)
    delegate.get_by_role("link", name=DECLARATION).click()
    commenting = delegate.locator("details", has_text="Comment on clause 3")
    commenting.get_by_text("Comment on clause 3", exact=True).click()
    commenting.get_by_label("Comment of Seoul on clause 3").fill("Seoul asks for cooling centres in every ward.")
    commenting.get_by_role("button", name="Send the comment").click()
    expect(delegate.get_by_text("Your comment on clause 3 is recorded.")).to_be_visible()
    # The delegate has no desk and no count.
    delegate.get_by_role("link", name="Declarations").click()
    expect(delegate.get_by_text(re.compile(r"\d+ new"))).to_have_count(0)
    delegate.context.close()

    host.reload()
    desk_link = row.get_by_role("link", name="Desk of comments")
    expect(desk_link).to_have_text(re.compile(r"Desk of comments\s+1 new"))
    desk_link.click()
    fresh = host.locator("article", has=host.locator(".tag.new"))
    expect(fresh).to_have_count(1)
    expect(fresh).to_contain_text("Seoul asks for cooling centres in every ward.")
    host.get_by_role("link", name="Declarations").click()
    expect(row.get_by_role("link", name="Desk of comments")).to_have_count(0)
    host.context.close()

    with live_server.app.app_context():
        subjects = db.session.scalars(
            select(OutgoingMessage.subject).where(OutgoingMessage.recipient == HOST_DRAFTER)
        ).all()
        db.session.remove()
    assert f"{DECLARATION}: Seoul commented on clause 3" in subjects
