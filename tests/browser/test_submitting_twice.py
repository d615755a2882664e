"""Sending a form twice in a real browser: back, then the same button again."""

import re

from playwright.sync_api import expect

from drafting.web.submitted_once import ALREADY_SENT


def test_going_back_and_inserting_again_inserts_the_clause_once(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")
    sign_in(page, drafter.email, drafter.password)
    page.get_by_role("link", name="New declaration").click()
    page.get_by_label("Title", exact=True).fill("Bangkok Declaration")
    page.get_by_label("Meeting", exact=True).fill("Plenary Meeting of the Asian Network of Major Cities 21")
    page.get_by_label("Place", exact=True).fill("Bangkok")
    page.get_by_label("First day").fill("2029-11-06")
    page.get_by_label("Last day").fill("2029-11-07")
    page.get_by_role("button", name="Create the declaration").click()
    editor = page.url

    page.get_by_role("link", name="Insert from the library").click()
    page.get_by_role("link", name="Use “Cities and the climate challenge”").click()
    page.get_by_role("button", name="Insert as clause 1").click()
    expect(page.get_by_text("is inserted as clause 1")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name=re.compile(r"^Insert as clause")).click()

    expect(page.get_by_text(ALREADY_SENT)).to_be_visible()
    page.goto(editor)
    expect(page.locator("article.clause")).to_have_count(1)

    # A clause written by hand: sent, back, sent again as it was, then once more with other words.
    writing = page.locator("details", has_text="Write a new clause")
    writing.get_by_text("Write a new clause").click()
    writing.get_by_label("Text").fill("We will meet again in Bangkok.")
    writing.get_by_role("button", name="Add the clause").click()
    expect(page.get_by_text("Clause 2 is added.")).to_be_visible()
    page.go_back()
    writing.get_by_text("Write a new clause").click()
    writing.get_by_label("Text").fill("We will meet again in Bangkok.")
    writing.get_by_role("button", name="Add the clause").click()
    expect(page.get_by_text(ALREADY_SENT)).to_be_visible()
    page.go_back()
    writing.get_by_text("Write a new clause").click()
    writing.get_by_label("Text").fill("We will meet again in Bangkok in 2030.")
    writing.get_by_role("button", name="Add the clause").click()
    expect(page.get_by_text("Clause 3 is added.")).to_be_visible()
    expect(page.locator("article.clause")).to_have_count(3)
