"""The public journey in a real browser: find an adopted declaration, download its PDF, verify it."""

from pypdf import PdfReader
from playwright.sync_api import expect


def test_anyone_downloads_an_adopted_declaration_and_verifies_the_file(live_server, page, tmp_path):
    page.goto("/")
    page.get_by_role("link", name="Archive").first.click()
    page.get_by_label("Words").fill("Tomsk")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Hanoi Declaration")).to_be_visible()
    expect(page.get_by_role("link", name="Seoul Declaration")).to_have_count(0)  # its text never names Tomsk
    page.get_by_role("link", name="Hanoi Declaration").click()
    expect(page.get_by_text("Bangkok will report on its flood-response centre")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF (A4)").click()
    assert download.value.suggested_filename == "hanoi-declaration-2013.pdf"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert "Hanoi Declaration" in PdfReader(saved).pages[0].extract_text()

    page.goto("/verify")
    page.get_by_label("PDF file").set_input_files(saved)
    page.get_by_role("button", name="Verify the PDF").click()
    expect(page.get_by_text("This is the very file we published")).to_be_visible()
    expect(page.get_by_text("Hanoi Declaration").first).to_be_visible()
