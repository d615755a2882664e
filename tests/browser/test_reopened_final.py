"""A final text reopened by its host, as a delegate sees it in a real browser: their home, the text's
page and its PDF all say it is void and point to the current draft, and nothing offers to comment on it."""

import subprocess
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from drafting.domain import circulation, signoff
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Organization, OrganizationKind, ParticipantRole, UserRole
from tests.conftest import PASSWORD

TITLE = "Nagoya Declaration on Heat"
REASON = "Busan asks to add a clause on cooling centres."


@pytest.fixture(scope="module")
def proposed(live_server):
    """Propose, on the live server, the final text of a declaration of its own; return its id and the people's e-mails."""
    with live_server.app.app_context():
        host = Organization(name="City of Nagoya", country="JP", kind=OrganizationKind.city)
        guest = Organization(name="Busan Metropolitan City", country="KR", kind=OrganizationKind.city)
        db.session.add_all([host, guest])
        db.session.flush()
        drafter = create_user("drafter@nagoya.example.org", "Haruto Ito", PASSWORD, UserRole.drafter, host)
        delegate = create_user("delegate@busan.example.org", "Seo-yeon Park", PASSWORD, UserRole.delegate, guest)
        mandate_from_the_operator(delegate, utcnow())
        declaration = create_declaration(
            host, drafter, title=TITLE, meeting_name="Heat Summit", place="Nagoya",
            starts_on=date(2031, 7, 1), ends_on=date(2031, 7, 2), preamble="We, the cities, meet in summer.",
        )
        add_clause(declaration, "Shade", "We plant trees along every school route.")
        invite(declaration, guest, ParticipantRole.participant)
        in_a_week = date.today() + timedelta(days=7)
        circulation.circulate(declaration, drafter, in_a_week, date.today())
        signoff.propose_final(declaration, drafter, in_a_week, date.today())
        db.session.commit()
        return declaration.id, drafter.email, delegate.email


def test_a_delegate_sees_the_reopened_final_as_void_on_every_page_and_in_its_pdf(browser, live_server, sign_in,
                                                                                 proposed, tmp_path):
    declaration_id, host_email, delegate_email = proposed
    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, host_email, PASSWORD)
    host.goto(f"/declarations/{declaration_id}/tracker")
    host.get_by_text("Reopen for consultation").click()
    host.get_by_label("Reason, told to every delegate").fill(REASON)
    host.get_by_role("button", name="Reopen").click()
    expect(host.get_by_text("The declaration is open for consultation again")).to_be_visible()
    host.context.close()

    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, delegate_email, PASSWORD)
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Final (void)")
    row.get_by_role("link", name="Final (void)").click()

    expect(page.get_by_text("This final text is void")).to_be_visible()
    expect(page.get_by_text("Comments are open until")).to_have_count(0)
    expect(page.locator('textarea[name="body"]')).to_have_count(0)
    expect(page.get_by_role("link", name="Read the current draft, Draft 1")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Final as PDF").click()
    saved = tmp_path / "final.pdf"
    download.value.save_as(saved)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(saved), "-"], check=True, capture_output=True,
                          text=True).stdout
    first_page = " ".join(text.split("\f")[0].split())
    assert f"This text is void: City of Nagoya reopened the declaration for consultation on {date.today():%B %-d, %Y}." \
        in first_page
    assert f"The reason given: {REASON}" in first_page
    assert "The current text is Draft 1, circulated" in first_page
    assert "FINAL TEXT FOR AFFIRMATION" not in text

    page.get_by_role("link", name="Read the current draft, Draft 1").click()
    expect(page.get_by_text("This final text is void")).to_have_count(0)
    page.context.close()
