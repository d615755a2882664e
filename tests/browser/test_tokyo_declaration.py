"""The ANMC21 Tokyo Declaration of 2010 (seed 000), typed into the editor as a host would, word for word.

The organizations and accounts are set up as an administrator would make them; everything of the
declaration itself goes through the web pages: the details, the parts the application would
otherwise write (header, opening, date line, closing formula), the preamble, the five clauses, the
invitations, circulation, the final text, the ten answers and adoption. The adopted PDF is then read
with `pdftotext` and its words compared, in order, with the published text.
"""

import difflib
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect

from config import TestConfig
from drafting import create_app
from drafting.domain.clock import utcnow
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.organizations import create_organization
from drafting.extensions import db as _db
from drafting.models import OrganizationKind, UserRole
from tests.browser.conftest import adopt_as_host
from tests.databases import fresh_database
from tests.live_http import served

SEED = Path("/work/shared/seeds/000_7a78cea372ceecfd.txt")
PASSWORD = "a long enough passphrase 2010"
HOST = "Tokyo"
CITIES = {
    "Bangkok": "TH", "Delhi": "IN", "Hanoi": "VN", "Jakarta": "ID", "Kuala Lumpur": "MY",
    "Metropolitan Manila": "PH", "Seoul": "KR", "Singapore": "SG", "Taipei": "TW", "Tokyo": "JP", "Yangon": "MM",
}


def email_of(city: str) -> str:
    return f"{city.lower().replace(' ', '.')}@anmc21.example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Serve the application on a fresh database holding the eleven cities, a drafter of Tokyo and a delegate of each other."""
    with fresh_database(tmp_path_factory.mktemp("tokyo")) as database_url:

        class LiveConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = database_url
            WTF_CSRF_ENABLED = True

        app = create_app(LiveConfig)
        with app.app_context():
            upgrade()
            for city, country in CITIES.items():
                organization = create_organization(city, OrganizationKind.city, country)
                role = UserRole.drafter if city == HOST else UserRole.delegate
                officer = create_user(email_of(city), f"Officer of {city}", PASSWORD, role, organization)
                if role is UserRole.delegate:
                    # As an administrator's delegate: it acts for its city on every declaration.
                    mandate_from_the_operator(officer, utcnow())
            _db.session.commit()
        try:
            with served(app) as url:
                yield url
        finally:
            with app.app_context():
                _db.engine.dispose()


def seed_text() -> str:
    """Return the published text, without the extraction's bullets."""
    text = SEED.read_text(encoding="utf-8")
    # The source's list of numbered paragraphs was extracted with a bullet before "1." and "2.": "- 1.".
    # The bullet is no word of the declaration; it is dropped there and only there.
    text = re.sub(r"^- (?=\d\. )", "", text, flags=re.MULTILINE)
    return text


def parts_of_seed(text: str) -> dict:
    """Cut the published text into the pieces a host types: each paragraph, lines of a wrapped one joined."""
    # Clauses 1 and 2 stand on lines of their own, without a blank line between them.
    text = re.sub(r"\n(?=\d\. )", "\n\n", text)
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]
    header, title, opening, preamble, *rest = paragraphs
    # The wrapped clauses 3 and 4 come out as one paragraph per line: join each clause's lines.
    clauses, current = [], None
    for paragraph in rest[:-2]:
        if re.match(r"\d\. ", paragraph):
            current = [paragraph]
            clauses.append(current)
        else:
            current.append(paragraph)
    clauses = [re.sub(r"^\d\. ", "", " ".join(lines)) for lines in clauses]
    return dict(header=header, title=title, opening=opening, preamble=preamble, clauses=clauses,
                dated=rest[-2], place=rest[-1])


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def saved(page, part: str, text: str) -> None:
    page.get_by_label(part, exact=True).fill(text)
    page.get_by_role("button", name=f"Save the {part.lower()}", exact=True).click()
    expect(page.get_by_text(f"The {part.lower()} is saved.")).to_be_visible()


def adopted_pdf_words(server: str, page, declaration_id: int, tmp_path: Path) -> list[str]:
    """Download the adopted PDF and return its words as pdftotext reads them."""
    response = page.request.get(f"{server}/declarations/{declaration_id}/declaration.pdf")
    assert response.ok
    path = tmp_path / "tokyo.pdf"
    path.write_bytes(response.body())
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def without_application_words(text: str, title: str) -> str:
    """Strip the application's own page furniture and verification block, by their known wording.

    On every page: the footer "Fingerprint <12 hex> Verify at <address>" and "Page n of m"; from the
    second page on, the running title at the head of the page. At the end: the verification block.
    Nothing else is taken out.
    """
    pages = text.split("\f")
    kept = []
    for number, page in enumerate(pages, start=1):
        words = " ".join(page.split())
        words = re.sub(r"(^| )Fingerprint [0-9a-f]{12} Verify at http://127\.0\.0\.1:\d+/verify/ ?[0-9a-f]{64}( |$)", " ", words)
        words = re.sub(rf"(^| )Page {number} of {len([p for p in pages if p.strip()])}( |$)", " ", words)
        if number > 1:  # the running title, set in capitals
            words = re.sub(rf"^ *{re.escape(title.upper())}( |$)", " ", words)
        kept.append(words)
    words = " ".join(" ".join(kept).split())
    verification = (
        r" The text of this declaration has the fingerprint \(SHA-256\) [0-9a-f]{64} Anyone can check at "
        r"http://127\.0\.0\.1:\d+/verify/ ?[0-9a-f]{64} that this text was adopted, when, and by whom it was affirmed\. "
        r"The text itself is embedded in this file as canonical-text\.txt\. At its adoption the audit trail held "
        r"[\d,]+ events; the last one's hash is [0-9a-f]{64}$"
    )
    stripped, found = re.subn(verification, "", words)
    assert found == 1, f"the verification block is not at the end as written: {words}"
    return stripped


def differences(printed: list[str], published: list[str]) -> list[tuple[str, list[str], list[str]]]:
    """Return each run of words that differs: the published words before it, its published words, its printed words."""
    found = []
    matcher = difflib.SequenceMatcher(a=published, b=printed, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            found.append((" ".join(published[max(0, a1 - 4):a1]), published[a1:a2], printed[b1:b2]))
    return found


def test_the_tokyo_declaration_2010_comes_out_word_for_word(server, browser, tmp_path):
    seed = parts_of_seed(seed_text())
    host_page = browser.new_context(base_url=server).new_page()
    sign_in(host_page, email_of(HOST))
    host_page.goto("/declarations/new")
    host_page.get_by_label("Title", exact=True).fill(seed["title"])
    host_page.get_by_label("Meeting", exact=True).fill("Plenary Meeting of ANMC21")
    host_page.get_by_label("Number of the meeting").fill("9")
    host_page.get_by_label("Acronym", exact=True).fill("ANMC21")
    host_page.get_by_label("Place", exact=True).fill("Tokyo")
    host_page.get_by_label("First day").fill("2010-11-08")
    host_page.get_by_label("Last day").fill("2010-11-09")
    host_page.get_by_label("Participants named in the opening paragraph, place and date at the end").check()
    host_page.get_by_role("button", name="Create the declaration").click()
    expect(host_page.get_by_text("The declaration is created.")).to_be_visible()
    editor_url = host_page.url
    declaration_id = int(editor_url.rstrip("/").rsplit("/", 1)[1])

    for city in CITIES:
        if city != HOST:
            host_page.get_by_label("Organization").select_option(label=next(
                option for option in host_page.locator("#organization_id option").all_inner_texts()
                if option.startswith(f"{city} (")))
            host_page.get_by_role("button", name="Invite", exact=True).click()
            expect(host_page.get_by_text(f"{city} is invited.")).to_be_visible()

    # Every part the application would write starts as a default and says so.
    expect(host_page.locator("form.part .tag")).to_have_text(["default"] * 5)
    saved(host_page, "Header", seed["header"])
    saved(host_page, "Opening paragraph", seed["opening"])
    saved(host_page, "Date line", f"{seed['dated']}\n{seed['place']}")
    # The declaration of 2010 has no closing formula: the host leaves it out, on purpose.
    host_page.get_by_role("button", name="Leave out the closing formula").click()
    expect(host_page.get_by_text("The closing formula is left out of the document.")).to_be_visible()
    expect(host_page.locator("form.part .tag")).to_have_text(["rewritten", "rewritten", "rewritten", "left out", "default"])
    host_page.get_by_label("Where the date line stands").select_option(label="At the end, with the place")
    host_page.get_by_role("button", name="Save where they stand").click()
    expect(host_page.get_by_text("The layout of the document is saved.")).to_be_visible()

    host_page.locator("textarea[name=preamble]").fill(seed["preamble"])
    host_page.get_by_role("button", name="Save the preamble").click()
    expect(host_page.get_by_text("The preamble is saved.")).to_be_visible()
    for number, clause in enumerate(seed["clauses"], start=1):
        host_page.get_by_text("Write a new clause").click()
        host_page.get_by_label("Text", exact=True).fill(clause)
        host_page.get_by_role("button", name="Add the clause").click()
        expect(host_page.get_by_text(f"Clause {number} is added.")).to_be_visible()

    in_a_week = (date.today() + timedelta(days=7)).isoformat()
    host_page.get_by_label("Comments close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Circulate as Draft 1").click()
    expect(host_page.get_by_text("Draft 1 is circulated")).to_be_visible()
    host_page.goto(editor_url)
    host_page.get_by_label("Answers close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Propose the working draft as the final text").click()
    expect(host_page.get_by_role("heading", name="Answers to the final text")).to_be_visible()

    for city in CITIES:
        if city == HOST:
            continue
        page = browser.new_context(base_url=server).new_page()
        sign_in(page, email_of(city))
        page.goto(f"/declarations/{declaration_id}/affirmation")
        page.get_by_label("Affirm the declaration").check()
        page.get_by_label("I am authorised to answer for my organization").check()
        page.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_text("is recorded")).to_be_visible()
        page.context.close()

    host_page.reload()
    adopt_as_host(host_page)
    expect(host_page.get_by_text(f"The {seed['title']} is adopted.")).to_be_visible()

    printed = without_application_words(adopted_pdf_words(server, host_page, declaration_id, tmp_path), seed["title"])
    published = " ".join(seed_text().split())
    found = differences(printed.split(), published.split())
    assert found == [], "\n".join(map(str, found))
    host_page.context.close()


def test_the_host_orders_the_opening_by_dragging_or_with_the_keyboard(server, browser):
    page = browser.new_context(base_url=server).new_page()
    sign_in(page, email_of(HOST))
    page.goto("/declarations/new")
    page.get_by_label("Title", exact=True).fill("Order of the names")
    page.get_by_label("Meeting", exact=True).fill("Plenary Meeting of ANMC21")
    page.get_by_label("Place", exact=True).fill("Tokyo")
    page.get_by_label("First day").fill("2010-11-08")
    page.get_by_label("Last day").fill("2010-11-09")
    page.get_by_label("Participants named in the opening paragraph, place and date at the end").check()
    page.get_by_role("button", name="Create the declaration").click()
    for city in ("Seoul", "Bangkok"):
        page.get_by_label("Organization").select_option(label=next(
            option for option in page.locator("#organization_id option").all_inner_texts() if option.startswith(f"{city} (")))
        page.get_by_role("button", name="Invite", exact=True).click()
    names = page.locator("#order li")
    expect(names).to_have_text([re.compile(r"^\s*Bangkok"), re.compile(r"^\s*Seoul"), re.compile(r"^\s*Tokyo")])

    # The script makes the names draggable once it has run: a drag before that would drop nothing.
    expect(names.nth(2)).to_have_attribute("draggable", "true")
    names.nth(2).drag_to(names.nth(0))  # the script posts the new place of the name dropped
    expect(names).to_have_text([re.compile(r"^\s*Tokyo"), re.compile(r"^\s*Bangkok"), re.compile(r"^\s*Seoul")])
    page.get_by_role("button", name="Move Seoul up").focus()
    page.keyboard.press("Enter")
    expect(names).to_have_text([re.compile(r"^\s*Tokyo"), re.compile(r"^\s*Seoul"), re.compile(r"^\s*Bangkok")])
    expect(page.get_by_label("Opening paragraph")).to_have_value(re.compile("^We, the representatives of Tokyo, Seoul, and Bangkok,"))
    page.context.close()
