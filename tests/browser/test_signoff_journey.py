"""The sign-off journey in a real browser: the final text, two answers, the tracker, adoption."""

from datetime import date, timedelta

from playwright.sync_api import expect

REASON = "The mayors adopted the declaration at the closing plenary; the others answer by letter."


def test_the_host_proposes_the_final_text_two_delegates_answer_and_the_host_adopts(live_server, browser, sign_in):
    host_page = browser.new_context(base_url=live_server.url).new_page()
    drafter = live_server.login_for("drafter")
    sign_in(host_page, drafter.email, drafter.password)
    host_page.get_by_role("link", name="Tokyo Declaration", exact=True).click()
    editor_url = host_page.url

    in_a_week = (date.today() + timedelta(days=7)).isoformat()
    host_page.get_by_label("Comments close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Circulate as Draft 1").click()
    expect(host_page.get_by_text("Draft 1 is circulated")).to_be_visible()
    host_page.goto(editor_url)
    host_page.get_by_label("Answers close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Propose the working draft as the final text").click()
    expect(host_page.get_by_role("heading", name="Answers to the final text")).to_be_visible()

    for email, choose, text_label, text in [
        ("jiwoo.kim@seoul.example.org", "Affirm it with a statement, recorded in an annex",
         "Statement (with “affirm with a statement”)", "Seoul will open its cooling shelters to visitors from every member city."),
        ("ananya.srisuk@bangkok.example.org", "Decline to affirm it",
         "Reason (optional, with “decline”)", "Our council meets after the deadline."),
    ]:
        page = browser.new_context(base_url=live_server.url).new_page()
        sign_in(page, email, drafter.password)
        page.get_by_role("row", name="Tokyo Declaration Plenary").get_by_role("link", name="Final").click()
        expect(page.locator("code.fingerprint")).to_have_text(host_page.locator("code.fingerprint").inner_text())
        page.get_by_label(choose).check()
        page.get_by_label(text_label).fill(text)
        page.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_text("Confirm that you are authorised")).to_be_visible()
        page.get_by_label("I am authorised to answer for my organization").check()
        page.get_by_label(text_label).fill(text)
        page.get_by_label(choose).check()
        page.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_text("is recorded")).to_be_visible()
        page.context.close()

    host_page.reload()
    expect(host_page.get_by_role("heading", name="3 of 13 participants have answered")).to_be_visible()
    seoul = host_page.locator("li", has_text="Seoul")
    expect(seoul.locator(".tag")).to_have_text("affirmed with statement")
    expect(seoul).to_contain_text("Seoul will open its cooling shelters")
    expect(host_page.locator("li", has_text="Bangkok").locator(".tag")).to_have_text("declined")

    # Ten participants have not answered and the deadline is days away: adoption shows it and asks why.
    host_page.get_by_role("link", name="Adopt the declaration…").click()
    expect(host_page.get_by_role("heading", name="3 of 13 participants have answered")).to_be_visible()
    expect(host_page.locator(".counts")).to_contain_text("10 no answer yet")
    expect(host_page.get_by_text("Answers are open until 23:59 on")).to_be_visible()
    expect(host_page.get_by_text("It will name the 2 organizations that affirmed it:")).to_be_visible()
    host_page.get_by_role("button", name="Adopt and publish").click()
    expect(host_page.get_by_text("10 of 13 participants have not answered")).to_be_visible()
    expect(host_page.locator(".state")).to_have_count(0)  # still the adoption page: nothing is adopted

    host_page.get_by_label("I adopt the declaration without the missing answers").check()
    host_page.get_by_label("Why adopt without them? The record keeps this reason").fill(REASON)
    host_page.get_by_role("button", name="Adopt and publish").click()
    expect(host_page.get_by_text("The Tokyo Declaration is adopted.")).to_be_visible()
    expect(host_page.locator(".state")).to_have_text("adopted")
    expect(host_page.get_by_text(f"The host's reason: {REASON}")).to_be_visible()
    host_page.get_by_role("link", name="Audit trail").click()
    expect(host_page.get_by_role("row").filter(has_text="adopt").last).to_contain_text(REASON)
    host_page.context.close()
