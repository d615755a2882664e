"""The host-city drafting journey in a real browser, from a new declaration to its preview."""

from playwright.sync_api import expect

from drafting.domain.starter_library import STARTER_TEMPLATES
from drafting.models import TemplateCategory

NEXT_MEETING = next(t for t in STARTER_TEMPLATES if t.category is TemplateCategory.next_meeting and t.language == "en")


def clause_headings(page) -> list[str]:
    return page.locator("article.clause strong.heading").all_inner_texts()


def test_a_host_drafts_a_declaration_from_the_library_and_previews_it(live_server, page, sign_in):
    drafter = live_server.login_for("drafter")
    sign_in(page, drafter.email, drafter.password)

    page.get_by_role("link", name="New declaration").click()
    page.get_by_label("Title", exact=True).fill("Seoul Declaration")
    page.get_by_label("Theme").fill("Resilient cities for the next generation")
    page.get_by_label("Meeting", exact=True).fill("Plenary Meeting of the Asian Network of Major Cities 21")
    page.get_by_label("Number of the meeting").fill("16")
    page.get_by_label("Acronym").fill("ANMC21")
    page.get_by_label("Place", exact=True).fill("Seoul")
    page.get_by_label("First day").fill("2028-10-24")
    page.get_by_label("Last day").fill("2028-10-25")
    page.get_by_label("Network").select_option(label="Asian Network of Major Cities 21")
    page.get_by_role("button", name="Create the declaration").click()
    expect(page.get_by_role("heading", name="Seoul Declaration", level=1)).to_be_visible()

    # A template without placeholders of its own.
    page.get_by_role("link", name="Insert from the library").click()
    page.get_by_role("link", name="Use “Cities and the climate challenge”").click()
    page.get_by_role("button", name="Insert as clause 1").click()
    expect(page.get_by_text("is inserted as clause 1")).to_be_visible()

    # A template whose placeholders are partly known: the drafter fills in the rest.
    page.get_by_role("link", name="Insert from the library").click()
    page.get_by_role("link", name=f"Use “{NEXT_MEETING.name}”").click()
    expect(page.get_by_label("Next meeting ordinal")).to_have_value("17")
    page.get_by_role("button", name="Insert as clause 2").click()
    expect(page.get_by_text("Fill in this placeholder.").first).to_be_visible()
    page.get_by_label("Next meeting city").fill("Bangkok")
    page.get_by_label("Next meeting year").fill("2029")
    page.get_by_role("button", name="Insert as clause 2").click()
    expect(page.get_by_text("The 17th Plenary Meeting of the Asian Network of Major Cities 21 will be held in Bangkok in 2029.")).to_be_visible()

    # Reorder: the next meeting comes first now.
    page.get_by_role("button", name="Move clause 2 up").click()
    assert clause_headings(page) == [
        "Toward the 17th Plenary Meeting",
        "The Pivotal Role of Cities in the Global Climate Challenge",
    ]

    page.get_by_role("button", name="Invite the members").click()
    expect(page.get_by_text("members of Asian Network of Major Cities 21 are invited")).to_be_visible()

    page.get_by_role("link", name="Preview").click()
    document = page.locator("article.document")
    expect(document.locator("h1")).to_have_text("Seoul Declaration")
    expect(document.locator(".doc-header")).to_have_text("ANMC21 2028")
    expect(document.locator("h2").nth(0)).to_have_text("1. Toward the 17th Plenary Meeting")
    expect(document.locator("h2").nth(1)).to_have_text("2. The Pivotal Role of Cities in the Global Climate Challenge")
    expect(document).to_contain_text("The 16th Plenary Meeting of the Asian Network of Major Cities 21 held in Seoul from October 24 to 25, 2028")
    expect(document.get_by_role("heading", name="Participating cities and organizations")).to_be_visible()
    expect(document.get_by_text("(Mongolia)")).to_be_visible()
    expect(document.get_by_text("Ulaanbaatar")).to_be_visible()
    expect(document.get_by_text("Beijing")).to_have_count(0)  # left the network in 2005

    page.get_by_role("link", name="Participants named in the opening").click()
    expect(document).to_contain_text("We, the representatives of")
    expect(document.locator(".doc-place-date")).to_have_text("October 25, 2028 / Seoul")
    expect(document.get_by_role("heading", name="Participating cities and organizations")).to_have_count(0)
