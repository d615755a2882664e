"""Long unbroken words on the web pages, at a phone's width: they break, the page never scrolls sideways."""

from datetime import date, timedelta

import pytest

from drafting.domain import circulation, signoff
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, Organization, OrganizationKind, ParticipantRole, UserRole
from tests.conftest import PASSWORD

PHONE_WIDTH = 390  # CSS pixels


def token(label: str, length: int) -> str:
    """Return a word of `length` letters and digits, starting with `label`."""
    return (label + "abcdefghijklmnopqrstuvwxyz0123456789" * (length // 36 + 1))[:length]


@pytest.fixture(scope="module")
def hostile(live_server):
    """Adopt, on the live server, a declaration holding an unbroken word in every part; return its id
    and the e-mail address of its host's drafter."""
    with live_server.app.app_context():
        host = Organization(name=token("Host", 200), country="JP", kind=OrganizationKind.city)
        guest = Organization(name=token("Guest", 200), country="KR", kind=OrganizationKind.city)
        db.session.add_all([host, guest])
        db.session.flush()
        drafter = create_user("long.words@host.example.org", "Drafter", PASSWORD, UserRole.drafter, host)
        delegate = create_user("long.words@guest.example.org", "Delegate", PASSWORD, UserRole.delegate, guest)
        mandate_from_the_operator(delegate, utcnow())
        declaration = create_declaration(
            host, drafter, title=token("Title", 200), subtitle=token("Theme", 300), meeting_name=token("Meeting", 200),
            meeting_acronym=token("ACRONYM", 40).upper(), place=token("Place", 200),
            starts_on=date(2030, 5, 1), ends_on=date(2030, 5, 2),
            preamble=f"See https://example.org/{token('path', 300)} first.\n\n{token('Preamble', 2_000)}",
        )
        add_clause(declaration, token("Heading", 300),
                   f"We note {token('Clause', 124)} today.\n\n- {token('Item', 600)}\n\n{'ー' * 300}")
        invite(declaration, guest, ParticipantRole.participant)
        in_a_week = date.today() + timedelta(days=7)
        circulation.circulate(declaration, drafter, in_a_week, date.today())
        final = signoff.propose_final(declaration, drafter, in_a_week, date.today())
        signoff.answer(final, delegate, Answer.affirmed_with_statement, True, statement=token("Statement", 2_000))
        signoff.adopt(declaration, drafter)
        db.session.commit()
        return declaration.id, drafter.email


def widest(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", ["/archive/{id}", "/declarations/{id}/versions/1", "/declarations/{id}/preview"])
def test_long_words_break_on_a_phone(browser, live_server, sign_in, hostile, path):
    declaration_id, email = hostile
    context = browser.new_context(base_url=live_server.url, viewport={"width": PHONE_WIDTH, "height": 800})
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    response = page.goto(path.format(id=declaration_id))
    assert response.status == 200
    assert token("Clause", 124) in page.content()
    assert widest(page) <= PHONE_WIDTH
    context.close()
