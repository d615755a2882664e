"""An answer given on paper in a real browser: the host records it with a scanned PDF, Bangkok contests it."""

import io
from datetime import date, timedelta

from playwright.sync_api import expect
from pypdf import PdfWriter
from sqlalchemy import select

from drafting.demo_content import NETWORK_NAME
from drafting.domain import signoff
from drafting.domain.circulation import circulate
from drafting.domain.people.accounts import find_user
from drafting.extensions import db
from drafting.models import Network, Organization
from tests.browser.test_every_page import _new_declaration

HOST = "haruka.ito@tokyo.example.org"
BANGKOK = "ananya.srisuk@bangkok.example.org"
LETTER = "letter of the Governor of Bangkok of 3 December 2026"


def a_scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_host_records_a_paper_answer_with_a_pdf_and_bangkok_contests_it(live_server, browser, sign_in):
    with live_server.app.app_context():
        network = db.session.scalar(select(Network).where(Network.name == NETWORK_NAME))
        tokyo = db.session.scalar(select(Organization).where(Organization.name == "Tokyo"))
        host = find_user(HOST)
        declaration = _new_declaration("Paper Declaration under affirmation", tokyo, host, network)
        today = date.today()
        circulate(declaration, host, today + timedelta(days=14), today)
        signoff.propose_final(declaration, host, today + timedelta(days=14), today)
        declaration_id = declaration.id
        db.session.commit()
        db.session.remove()
    password = live_server.login_for("drafter").password

    host_page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host_page, HOST, password)
    host_page.goto(f"/declarations/{declaration_id}/tracker")
    host_page.get_by_role("link", name="Record an answer given on paper…").click()
    host_page.get_by_label("Participant").select_option(label="Bangkok")
    host_page.get_by_label("Affirm the declaration", exact=True).check()
    host_page.get_by_label("What the evidence is").fill(LETTER)
    host_page.get_by_label("Its people may contest it until the end of").fill((date.today() + timedelta(days=3)).isoformat())
    # A web page named .pdf is refused first, with its message at the field.
    host_page.get_by_label("Scan of the answer").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"<html><body>affirmed</body></html>"})
    host_page.get_by_role("button", name="Record the answer").click()
    expect(host_page.get_by_text("The evidence must be a PDF, or a JPEG or PNG image")).to_be_visible()
    host_page.get_by_label("Scan of the answer").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": a_scan()})
    host_page.get_by_role("button", name="Record the answer").click()
    expect(host_page.get_by_text("The answer of Bangkok is recorded: affirmed, on the strength of")).to_be_visible()
    bangkok_row = host_page.locator("li", has_text="Bangkok")
    expect(bangkok_row.locator(".tag")).to_have_text("affirmed")
    expect(bangkok_row).to_contain_text("recorded by Haruka Ito on")
    expect(bangkok_row.get_by_role("link", name=LETTER)).to_be_visible()

    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, BANGKOK, password)
    page.goto(f"/declarations/{declaration_id}/affirmation")
    expect(page.locator(".current-answer")).to_contain_text("recorded by Haruka Ito on")
    with page.expect_download() as download:
        page.get_by_role("link", name=LETTER).click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_label("Why this is not your organization's answer; the host is told").fill(
        "Our governor signed no letter: the council answers next week.")
    page.get_by_role("button", name="Contest this recorded answer").click()
    expect(page.get_by_text("The answer recorded for Bangkok no longer counts")).to_be_visible()
    page.context.close()

    host_page.reload()
    expect(host_page.locator("li", has_text="Bangkok").locator(".tag")).to_have_text("no answer yet")
    host_page.context.close()
