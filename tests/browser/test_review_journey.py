"""The delegate review journey in a real browser: comment, amend, the host accepts, Draft 2, the redline."""

from datetime import date, timedelta

from playwright.sync_api import expect

DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"


def test_a_delegate_comments_and_amends_the_host_accepts_and_circulates_draft_2(live_server, browser, sign_in):
    password = live_server.login_for("drafter").password

    delegate = browser.new_context(base_url=live_server.url).new_page()
    sign_in(delegate, "rina.kusuma@jakarta.example.org", password)
    expect(delegate.get_by_role("heading", name="My declarations")).to_be_visible()
    delegate.get_by_role("link", name=DECLARATION).click()
    expect(delegate.get_by_role("heading", name=f"{DECLARATION} · Draft 1")).to_be_visible()

    commenting = delegate.locator("details", has_text="Comment on clause 1")
    commenting.get_by_text("Comment on clause 1", exact=True).click()
    commenting.get_by_label("Comment of Jakarta on clause 1").fill("Jakarta welcomes this clause.")
    commenting.get_by_role("button", name="Send the comment").click()
    expect(delegate.get_by_text("Your comment on clause 1 is recorded.")).to_be_visible()

    amending = delegate.locator("details", has_text="Propose an amendment to clause 3")
    amending.get_by_text("Propose an amendment to clause 3").click()
    proposed = amending.get_by_label("Proposed text of clause 3")
    proposed.fill(proposed.input_value() + " Jakarta will share its heat-health early-warning data.")
    amending.get_by_label("Justification").fill("Shared warnings reach the cities downwind of a heat wave in time.")
    amending.get_by_label("Comment to the host").fill("A concrete commitment from Jakarta.")
    amending.get_by_role("button", name="Propose the amendment").click()
    expect(delegate.get_by_text("Your amendment on clause 3 is recorded.")).to_be_visible()
    expect(delegate.get_by_text("Jakarta welcomes this clause.")).to_be_visible()

    host = browser.new_context(base_url=live_server.url).new_page()
    drafter = live_server.login_for("drafter")
    sign_in(host, drafter.email, drafter.password)
    host.get_by_role("link", name=DECLARATION).click()
    host.get_by_role("link", name="Comments and amendments").click()
    amendment = host.locator("article", has_text="A concrete commitment from Jakarta.")
    expect(amendment.locator("ins", has_text="heat-health early-warning data")).to_be_visible()
    deciding = host.locator("details", has_text="Decide on this amendment").filter(
        has=host.locator("textarea", has_text="heat-health early-warning data")
    )
    deciding.get_by_text("Decide on this amendment").click()
    deciding.get_by_label("Accept as proposed").check()
    deciding.get_by_role("button", name="Record the decision").click()
    expect(host.get_by_text("accepted", exact=False).first).to_be_visible()

    host.goto(host.url.split("/comments")[0])
    expect(host.get_by_text("Jakarta will share its heat-health early-warning data.")).to_be_visible()
    host.get_by_label("Comments close at the end of").fill((date.today() + timedelta(days=10)).isoformat())
    host.get_by_role("button", name="Circulate as Draft 2").click()
    expect(host.get_by_text("Draft 2 is circulated")).to_be_visible()

    host.get_by_role("link", name="Compare").click()
    expect(host.locator("ins", has_text="heat-health early-warning data").first).to_be_visible()
    expect(host.get_by_text("inserted:").first).to_be_attached()

    delegate.reload()
    delegate.get_by_role("link", name="Draft 2").click()
    expect(delegate.get_by_text("Jakarta welcomes this clause.")).to_be_visible()  # comments follow the clause
    host.context.close()
    delegate.context.close()
