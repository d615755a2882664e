"""A silence procedure in a real browser: the host puts Draft 1 under silence, one delegate breaks it
naming a clause and the reason, and the host and the other participant see who broke it and why."""

from datetime import date, datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from drafting.domain import circulation
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Organization, OrganizationKind, ParticipantRole, UserRole
from tests.conftest import PASSWORD

TITLE = "Sendai Statement on Rivers"
REASON = "Clause 2 commits our river authority, which the city council does not control."


@pytest.fixture(scope="module")
def circulated(live_server):
    """Circulate, on the live server, Draft 1 of a declaration of its own; return its id and the people's e-mails."""
    with live_server.app.app_context():
        host = Organization(name="City of Sendai", country="JP", kind=OrganizationKind.city)
        busan = Organization(name="Busan Port City", country="KR", kind=OrganizationKind.city)
        cebu = Organization(name="Cebu River City", country="PH", kind=OrganizationKind.city)
        db.session.add_all([host, busan, cebu])
        db.session.flush()
        drafter = create_user("drafter@sendai.example.org", "Yui Sato", PASSWORD, UserRole.drafter, host)
        people = {}
        for city, email, name in ((busan, "delegate@busanport.example.org", "Ji-ho Han"),
                                  (cebu, "delegate@ceburiver.example.org", "Maria Santos")):
            people[email] = create_user(email, name, PASSWORD, UserRole.delegate, city)
            mandate_from_the_operator(people[email], utcnow())
        declaration = create_declaration(
            host, drafter, title=TITLE, meeting_name="River Cities Forum", place="Sendai",
            starts_on=date(2031, 5, 20), ends_on=date(2031, 5, 21), preamble="We, the river cities, declare:",
        )
        add_clause(declaration, "Floods", "We share our flood warnings with every city downstream.")
        add_clause(declaration, "Banks", "We restore the natural banks of our rivers by 2035.")
        invite(declaration, busan, ParticipantRole.participant)
        invite(declaration, cebu, ParticipantRole.participant)
        circulation.circulate(declaration, drafter, date.today() + timedelta(days=14), date.today())
        db.session.commit()
        return declaration.id, drafter.email, "delegate@busanport.example.org", "delegate@ceburiver.example.org"


def test_a_delegate_breaks_the_silence_and_the_host_sees_who_and_why(browser, live_server, sign_in, circulated):
    declaration_id, host_email, breaker_email, other_email = circulated
    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, host_email, PASSWORD)
    host.goto(f"/declarations/{declaration_id}")
    silence_section = host.locator("#silence")
    # The drafter sees deadlines in the site's zone, UTC in the tests.
    ends = datetime.now(timezone.utc) + timedelta(days=3)
    silence_section.get_by_label("Silence ends at").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    silence_section.get_by_label("If nobody breaks it").fill((date.today() + timedelta(days=10)).isoformat())
    silence_section.get_by_role("button", name="Put Draft 1 under silence").click()
    expect(host.get_by_text("Draft 1 is under silence until").first).to_be_visible()

    page = browser.new_context(base_url=live_server.url).new_page()
    sign_in(page, breaker_email, PASSWORD)
    page.goto(f"/declarations/{declaration_id}/versions/1")
    form = page.locator("#silence")
    expect(form.get_by_role("group", name="Clauses Busan Port City objects to")).to_be_visible()
    # A break naming no clause is refused, and nothing is recorded.
    form.get_by_label("Why your organization breaks the silence").fill(REASON)
    form.get_by_role("button", name="Break the silence").click()
    expect(page.get_by_text("Name at least one clause that you object to.")).to_be_visible()
    # The form comes back as sent, the focus on the clauses at fault.
    expect(form.get_by_label("1. Floods")).to_be_focused()
    expect(form.get_by_label("Why your organization breaks the silence")).to_have_value(REASON)

    form.get_by_label("2. Banks").check()
    form.get_by_role("button", name="Break the silence").click()
    expect(page.get_by_text("You broke the silence for Busan Port City; the host is told.")).to_be_visible()
    expect(page.get_by_role("button", name="Break the silence")).to_have_count(0)
    page.context.close()

    other = browser.new_context(base_url=live_server.url).new_page()
    sign_in(other, other_email, PASSWORD)
    other.goto(f"/declarations/{declaration_id}/versions/1")
    expect(other.locator("#silence")).to_contain_text("Busan Port City broke the silence on Draft 1")
    expect(other.get_by_role("button", name="Break the silence")).to_have_count(0)
    other.context.close()

    host.goto(f"/declarations/{declaration_id}")
    section = host.locator("#silence")
    expect(section).to_contain_text("Busan Port City broke the silence on Draft 1")
    expect(section).to_contain_text("(Ji-ho Han), on clause 2.")
    expect(section).to_contain_text(REASON)
    # The draft stays in consultation: the host may circulate a new draft.
    expect(host.get_by_role("button", name="Circulate as Draft 2")).to_be_visible()
    host.goto(f"/declarations/{declaration_id}/audit")
    expect(host.get_by_text("silence broken").first).to_be_visible()
    host.context.close()
