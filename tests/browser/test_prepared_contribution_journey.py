"""Two delegates of Seoul prepare a comment together in a real browser: one prepares it, the other reads it
and sends the contribution, and only then does the host find it on the desk of comments."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from drafting.domain.clock import utcnow
from drafting.domain.people.accounts import create_user
from drafting.extensions import db
from drafting.models import Mandate, MandateStatus, Organization, UserRole

DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"
PREPARED = "Seoul would have the clause name the elderly who live alone."
REWRITTEN = "Seoul would have the clause name the elderly who live alone, and outdoor workers."
COLLEAGUE = "hana.choi@seoul.example.org"


def _second_seoul_delegate(live_server, password: str) -> None:
    """Give Seoul a second delegate, confirmed for every declaration as the demonstration's is."""
    with live_server.app.app_context():
        seoul = db.session.scalar(select(Organization).where(Organization.name == "Seoul"))
        user = create_user(COLLEAGUE, "Hana Choi", password, UserRole.delegate, seoul)
        db.session.add(Mandate(organization_id=seoul.id, user=user, email=COLLEAGUE,
                               status=MandateStatus.confirmed, confirmed_at=utcnow()))
        db.session.commit()
        db.session.remove()


def test_one_delegate_prepares_the_other_sends_and_the_host_then_sees_it(live_server, browser, sign_in):
    password = live_server.login_for("drafter").password
    _second_seoul_delegate(live_server, password)

    first = browser.new_context(base_url=live_server.url).new_page()
    sign_in(first, "jiwoo.kim@seoul.example.org", password)
    first.get_by_role("link", name=DECLARATION).click()
    commenting = first.locator("details", has_text="Comment on clause 2")
    commenting.get_by_text("Comment on clause 2", exact=True).click()
    commenting.get_by_label("Comment of Seoul on clause 2").fill(PREPARED)
    commenting.get_by_role("button", name="Prepare for Seoul").click()
    expect(first.get_by_text("Your comment on clause 2 is prepared for Seoul.")).to_be_visible()
    first.context.close()

    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, "haruka.ito@tokyo.example.org", password)
    host.get_by_role("link", name=DECLARATION).click()
    host.get_by_role("link", name="Comments and amendments").click()
    expect(host.get_by_role("heading", name="Comments and amendments")).to_be_visible()
    expect(host.get_by_text(PREPARED)).to_have_count(0)

    second = browser.new_context(base_url=live_server.url).new_page()
    sign_in(second, COLLEAGUE, password)
    second.get_by_role("link", name=DECLARATION).click()
    # The colleague reads the prepared comment, rewrites it, and sends it.
    expect(second.locator(".comment-body", has_text=PREPARED)).to_be_visible()
    second.get_by_text("Rewrite before sending").click()
    second.get_by_label("Prepared comment on clause 2").fill(REWRITTEN)
    second.get_by_role("button", name="Save, still prepared").click()
    expect(second.get_by_text("The prepared comment on clause 2 is saved. It is still not sent.")).to_be_visible()
    contribution = second.get_by_role("region", name="Contribution of Seoul")
    # Another journey may have circulated the next draft first: the item is on whichever is the latest.
    expect(contribution).to_contain_text(re.compile(r"1 item is prepared on Draft \d+ and not sent"))
    contribution.get_by_role("button", name="Send our contribution").click()
    expect(second.get_by_text("The contribution of Seoul is sent to the host: 1 item.")).to_be_visible()
    expect(second.get_by_text("Sent to the host by Hana Choi on")).to_be_visible()
    second.context.close()

    host.reload()
    sent = host.locator("article", has_text=REWRITTEN)
    expect(sent).to_have_count(1)
    expect(sent.locator(".tag.new")).to_have_count(1)
    host.context.close()
