"""A delegate comments on a paragraph of the preamble, quoting it, in a real browser; the host reads it on the desk."""

import re

from playwright.sync_api import expect

DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"


def test_a_delegate_comments_on_a_preamble_paragraph_with_a_quote_and_the_host_sees_it(live_server, browser, sign_in):
    password = live_server.login_for("drafter").password
    delegate = browser.new_context(base_url=live_server.url).new_page()
    sign_in(delegate, "rina.kusuma@jakarta.example.org", password)
    delegate.get_by_role("link", name=DECLARATION).click()
    # The latest draft: Draft 1, or Draft 2 when the review journey ran first on the same server.
    expect(delegate.get_by_role("heading", name=re.compile(f"^{DECLARATION} · Draft"))).to_be_visible()

    commenting = delegate.locator("details", has_text="Comment on paragraph 1 of the preamble")
    commenting.locator("summary").click()
    commenting.get_by_label("Quote the words you comment on").fill("words from another text")
    commenting.get_by_label("Comment of Jakarta on paragraph 1 of the preamble").fill("Say which summers.")
    commenting.get_by_role("button", name="Send the comment").click()
    refused = delegate.locator("details", has_text="Comment on paragraph 1 of the preamble")
    expect(refused.get_by_text("“words from another text” is not in paragraph 1 of the preamble of Draft")).to_be_visible()
    expect(refused.get_by_label("Comment of Jakarta on paragraph 1 of the preamble")).to_have_value("Say which summers.")

    refused.get_by_label("Quote the words you comment on").fill("record heat in recent summers")
    refused.get_by_role("button", name="Send the comment").click()
    expect(delegate.get_by_text("Your comment on paragraph 1 of the preamble is recorded.")).to_be_visible()
    expect(delegate.locator("article", has_text="Say which summers.").get_by_text("“record heat in recent summers”")).to_be_visible()

    host = browser.new_context(base_url=live_server.url).new_page()
    drafter = live_server.login_for("drafter")
    sign_in(host, drafter.email, drafter.password)
    host.get_by_role("link", name=DECLARATION).click()
    host.get_by_role("link", name="Comments and amendments").click()
    heading = host.get_by_role("heading", name=re.compile(r"^Draft \d, paragraph 1 of the preamble$"))
    on_preamble = host.locator("section", has=heading)
    expect(on_preamble.get_by_text("Say which summers.")).to_be_visible()
    expect(on_preamble.get_by_text("“record heat in recent summers”")).to_be_visible()
