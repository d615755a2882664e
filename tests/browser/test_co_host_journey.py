"""The co-host proposal in a real browser: Seoul's drafter finds Tokyo's proposal on her home page
and answers it; the host sees the answer.

Seoul declines here: the live server is shared by the browser tests, and the sign-off journey
needs Seoul as a participant of the Tokyo Declaration.
"""

from playwright.sync_api import expect


def test_seouls_drafter_answers_the_proposal_to_co_host_on_her_home_page(live_server, browser, sign_in):
    seoul = next(login for login in live_server.logins if login.email == "minseo.park@seoul.example.org")
    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, seoul.email, seoul.password)
    proposals = page.get_by_role("region", name="Proposals to co-host")
    expect(proposals).to_contain_text("Tokyo Declaration")
    expect(proposals).to_contain_text("Seoul is proposed as co-host")
    proposals.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Seoul declined to co-host the Tokyo Declaration; it takes part as participant.")).to_be_visible()
    expect(page.get_by_role("region", name="Proposals to co-host")).to_have_count(0)
    page.context.close()

    host = live_server.login_for("drafter")
    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, host.email, host.password)
    page.get_by_role("link", name="Tokyo Declaration", exact=True).click()
    seoul_line = page.locator("#participants li", has_text="Seoul")
    expect(seoul_line).to_contain_text("declined to co-host")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("cell", name="co-host declined")).to_be_visible()
    page.context.close()
