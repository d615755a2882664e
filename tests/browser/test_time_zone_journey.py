"""A delegate chooses the time zone of their deadlines on the settings page, in a real browser."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from drafting.domain import circulation
from drafting.domain.clock import as_utc
from drafting.domain.text import phrasing
from drafting.extensions import db
from drafting.models import Declaration

ZONE_LABEL = "Time zone of the deadlines you see and are e-mailed"
DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"


def test_a_delegate_chooses_seoul_time_and_sees_the_comment_deadline_in_it(live_server, browser, sign_in):
    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, "jiwoo.kim@seoul.example.org", live_server.login_for("drafter").password)
    # The host gave the last day for comments in its drafter's zone, the site's default: UTC. Other
    # journeys' declarations may close the same day, and may have circulated this one's next draft:
    # this row is the demonstration's, and its last day is its latest draft's.
    row = page.locator("tr", has=page.get_by_role("link", name=DECLARATION, exact=True))
    last_day = (latest_deadline(live_server) - timedelta(minutes=1)).date()
    expect(row.get_by_text(f"23:59 on {phrasing.format_date(last_day)}, Coordinated Universal Time (UTC)")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_label(ZONE_LABEL)).to_have_value("UTC")
    page.get_by_label(ZONE_LABEL).select_option("Asia/Seoul")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("deadlines are shown to you in Asia/Seoul")).to_be_visible()
    expect(page.get_by_label(ZONE_LABEL)).to_have_value("Asia/Seoul")

    page.get_by_role("link", name="Declarations").click()
    next_day = phrasing.format_date(last_day + timedelta(days=1))
    expect(row.get_by_text(f"08:59 on {next_day}, Korean Standard Time (UTC+9)")).to_be_visible()

    # The demonstration is shared by the other journeys: the delegate goes back to the default.
    page.goto("/account/settings")
    page.get_by_label(ZONE_LABEL).select_option("UTC")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("deadlines are shown to you in UTC")).to_be_visible()


def latest_deadline(live_server):
    """Return when comments on the demonstration declaration's latest draft close, in UTC."""
    with live_server.app.app_context():
        declaration = db.session.scalar(select(Declaration).where(Declaration.title == DECLARATION))
        deadline = as_utc(circulation.latest_version(declaration).deadline)
        db.session.remove()
    return deadline
