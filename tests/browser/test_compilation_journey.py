"""The host opens the compilation of the demonstration's draft in a real browser and downloads its PDF."""

import subprocess

from playwright.sync_api import expect

from drafting.demo_content import BANGKOK_JUSTIFICATION, BANGKOK_WHY, SEOUL_COMMENT

CONSULTATION = "Tokyo Declaration on Cities and Extreme Heat"


def test_the_host_reads_and_downloads_the_compilation_of_the_draft(live_server, page, sign_in, tmp_path):
    drafter = live_server.login_for("drafter")
    sign_in(page, drafter.email, drafter.password)
    page.get_by_role("link", name=CONSULTATION, exact=True).first.click()
    page.locator("#versions").get_by_role("link", name="Draft 1", exact=True).click()
    page.get_by_role("link", name="Compilation", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compilation")

    amendment = page.locator("article.comment", has_text=BANGKOK_WHY)
    expect(amendment.locator("header")).to_contain_text("Bangkok")
    expect(amendment.locator(".justification")).to_contain_text(BANGKOK_JUSTIFICATION)
    expect(amendment.locator("ins").first).to_be_visible()
    # Clause by clause: Seoul's comment on clause 1 comes before Bangkok's amendment to clause 2.
    first, second = page.locator("#clause-1"), page.locator("#clause-2")
    expect(first.locator("article.comment", has_text=SEOUL_COMMENT)).to_be_visible()
    expect(second.locator("article.comment", has_text=BANGKOK_WHY)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Compilation as PDF").click()
    saved = tmp_path / "compilation.pdf"
    download.value.save_as(saved)
    text = " ".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(saved), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Amendment of Bangkok" in text and "Comment of Seoul" in text
    assert " ".join(BANGKOK_JUSTIFICATION.split()[:8]) in text
