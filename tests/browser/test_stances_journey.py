"""Stances in a real browser: a delegate objects to a clause, with a reason, and the host reads it on the board."""

from playwright.sync_api import expect

DECLARATION = "Tokyo Declaration on Cities and Extreme Heat"


def test_a_delegate_objects_to_a_clause_and_the_host_sees_it_on_the_board(live_server, browser, sign_in):
    password = live_server.login_for("drafter").password

    delegate = browser.new_context(base_url=live_server.url).new_page()
    sign_in(delegate, "rina.kusuma@jakarta.example.org", password)
    delegate.get_by_role("link", name=DECLARATION).click()

    stance = delegate.get_by_role("region", name="Stance on clause 3")
    stance.get_by_role("group", name="Stance of Jakarta on clause 3").get_by_role("radio", name="object").check()
    stance.get_by_role("button", name="Give the stance").click()
    refused = delegate.get_by_role("region", name="Stance on clause 3")
    expect(refused.get_by_text("Give the reason for the objection.")).to_be_visible()
    expect(refused.get_by_label("Reason (needed to object)")).to_be_focused()

    refused.get_by_role("radio", name="object").check()
    refused.get_by_label("Reason (needed to object)").fill("Jakarta cannot promise cooling centres in every district.")
    refused.get_by_role("button", name="Give the stance").click()
    expect(delegate.get_by_text("Your stance on clause 3 is recorded: object.")).to_be_visible()
    expect(delegate.get_by_role("region", name="Stance on clause 3").get_by_role("radio", name="object")).to_be_checked()

    host = browser.new_context(base_url=live_server.url).new_page()
    drafter = live_server.login_for("drafter")
    sign_in(host, drafter.email, drafter.password)
    host.get_by_role("link", name=DECLARATION).click()
    host.get_by_role("link", name="Stances on Draft").click()
    expect(host.get_by_role("heading", name="Stances on Draft")).to_be_visible()
    expect(host.locator("#board-clause-3 td[data-label='Jakarta']")).to_have_text("object")
    expect(host.locator("tbody tr").first).to_have_class("objected")  # clauses with objections come first
    objection = host.locator("article", has_text="Jakarta cannot promise cooling centres in every district.")
    expect(objection).to_be_visible()
    expect(objection.get_by_text("Jakarta", exact=True)).to_be_visible()
    expect(host.locator("#objections h3").first).to_be_visible()
    host.context.close()
    delegate.context.close()
