"""A declaration in Japanese in a real browser: created through the editor, taken to adoption by the
host and three delegates, downloaded; its PDF speaks Japanese throughout (issue 13)."""

import subprocess
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from drafting.domain import audit, final_text
from drafting.extensions import db
from drafting.models import Declaration
from tests.browser.conftest import adopt_as_host
from tests.test_languages import ascii_words

TITLE = "東京宣言（第16回総会）"


def test_a_japanese_declaration_is_drafted_adopted_and_downloaded_in_japanese(live_server, browser, sign_in, tmp_path):
    host_page = browser.new_context(base_url=live_server.url).new_page()
    drafter = live_server.login_for("drafter")
    sign_in(host_page, drafter.email, drafter.password)

    host_page.get_by_role("link", name="New declaration").click()
    host_page.get_by_label("Title", exact=True).fill(TITLE)
    host_page.get_by_label("Meeting", exact=True).fill("アジア大都市ネットワーク21総会")
    host_page.get_by_label("Number of the meeting").fill("16")
    host_page.get_by_label("Acronym").fill("ANMC21")
    host_page.get_by_label("Place", exact=True).fill("東京")
    host_page.get_by_label("First day").fill("2028-11-08")
    host_page.get_by_label("Last day").fill("2028-11-09")
    host_page.get_by_label("Language").select_option(label="Japanese")
    host_page.get_by_role("button", name="Create the declaration").click()
    expect(host_page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    editor_url = host_page.url

    host_page.get_by_role("link", name="Insert from the library").click()
    host_page.get_by_role("link", name="Use “Cities and the climate challenge”").click()
    host_page.get_by_role("button", name="Insert as clause 1").click()
    expect(host_page.get_by_text("is inserted as clause 1")).to_be_visible()
    for city in ("Seoul (South Korea)", "Bangkok (Thailand)", "Jakarta (Indonesia)"):
        host_page.get_by_label("Organization").select_option(label=city)
        host_page.get_by_role("button", name="Invite", exact=True).click()
    expect(host_page.locator("#unnamed-organizations")).to_have_count(0)  # the demo's cities have Japanese names

    in_a_week = (date.today() + timedelta(days=7)).isoformat()
    host_page.get_by_label("Comments close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Circulate as Draft 1").click()
    host_page.goto(editor_url)
    host_page.get_by_label("Answers close at the end of").fill(in_a_week)
    host_page.get_by_role("button", name="Propose the working draft as the final text").click()
    expect(host_page.get_by_role("heading", name="Answers to the final text")).to_be_visible()

    for email in ("jiwoo.kim@seoul.example.org", "ananya.srisuk@bangkok.example.org", "rina.kusuma@jakarta.example.org"):
        page = browser.new_context(base_url=live_server.url).new_page()
        sign_in(page, email, drafter.password)
        page.get_by_role("row").filter(has_text=TITLE).get_by_role("link", name="Final").click()
        page.get_by_label("Affirm the declaration").check()
        page.get_by_label("I am authorised to answer for my organization").check()
        page.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_text("is recorded")).to_be_visible()
        page.context.close()

    host_page.reload()
    adopt_as_host(host_page)
    expect(host_page.locator(".state")).to_have_text("adopted")
    host_page.context.close()

    public = browser.new_context(base_url=live_server.url).new_page()
    public.goto("/")
    public.get_by_role("link", name="Archive").first.click()
    public.get_by_role("link", name=TITLE).click()
    with public.expect_download() as download:
        public.get_by_role("link", name="Download the PDF (A4)").click()
    saved = tmp_path / "declaration.pdf"
    download.value.save_as(saved)
    public.context.close()

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(saved), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = "".join(text.split())
    for expected in ("2028年11月9日", "2028年11月8日～9日に、東京において第16回アジア大都市ネットワーク21総会が開催された。",
                     "参加都市・機関", "（韓国）", "（タイ）", "（インドネシア）", "（日本）", "ソウル", "バンコク",
                     "ジャカルタ", "東京（日本）により提案され"):
        assert expected in flat, expected
    # The application's own strings: the verification address, the fingerprints and the audit trail's
    # hash (a URL and hex digits), the embedded file's name and the hash's standard.
    with live_server.app.app_context():
        declaration = db.session.scalar(select(Declaration).where(Declaration.title == TITLE))
        fingerprint = final_text.final_version(declaration).fingerprint
        head = audit.anchor_of(declaration).hash
    own = [f"{live_server.url}/verify/{fingerprint}", fingerprint, fingerprint[:12], head,
           "canonical-text.txt", "SHA-256"]
    assert ascii_words(text, own) == {"ANMC"}
