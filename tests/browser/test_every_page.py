"""Every page of the three journeys, on a phone and with a screen reader: the host drafting, the
delegate reviewing and answering, the public reading, downloading and verifying.

At 390×844 no page scrolls sideways, no element is wider than the screen and no short word is
broken across lines (a column squeezed to a few letters); at 1280 and at 390 axe-core, tap targets
included, finds no serious or critical violation, and no id is used twice nor names the wrong
element for a label. axe-core is injected into the page, which the application's
Content-Security-Policy refuses: these contexts alone bypass it.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from sqlalchemy import select

from drafting.demo_content import DRAFTER_VALUES, JAPANESE, NETWORK_NAME
from drafting.domain import recorded_answers, signoff, silence, stances
from drafting.domain.circulation import circulate
from drafting.domain.clock import utcnow
from drafting.domain.consultation import add_comment, version_document
from drafting.domain.draft_editing import create_declaration, insert_template
from drafting.domain.people.accounts import find_user, request_password_reset
from drafting.domain.people.delegate_invitations import invite_member
from drafting.domain.people.participants import invite_network_members
from drafting.domain.text import placeholders
from drafting.extensions import db
from drafting.models import (
    Answer, ClauseTemplate, Declaration, Network, Organization, ParticipantRole, TemplateCategory, UserRole,
)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = {"serious", "critical"}

HOST = "haruka.ito@tokyo.example.org"
DELEGATE = "jiwoo.kim@seoul.example.org"
FOCAL_POINT = "minho.lee@seoul.example.org"
CO_HOST_DRAFTER = "minseo.park@seoul.example.org"  # finds Tokyo's proposal to co-host on her home page
PAPER_DELEGATE = "ananya.srisuk@bangkok.example.org"  # whose answer Tokyo recorded on paper: she may contest it
ADMINISTRATOR = "secretariat@anmc21.example.org"


@dataclass(frozen=True)
class Page:
    who: str | None  # the e-mail address of the account signed in, None for anyone
    path: str  # formatted with the ids of the `places` fixture

    def __str__(self) -> str:
        return f"{self.who.split('@')[0] if self.who else 'anyone'} {self.path}"


PAGES = [
    # The public: reads the archive, downloads, verifies, signs in or resets a password.
    Page(None, "/"),
    Page(None, "/archive"),
    Page(None, "/archive?words=disaster"),
    Page(None, "/archive/{adopted}"),
    Page(None, "/verify"),
    Page(None, "/verify/{adopted_fingerprint}"),
    Page(None, "/verify/{wrong_fingerprint}"),
    Page(None, "/verify?fingerprint=not+a+fingerprint"),
    Page(None, "/login"),
    Page(None, "/password/forgotten"),
    Page(None, "/password/reset/{reset_token}"),
    Page(None, "/password/reset/not-a-token"),
    Page(None, "/invitations/{invitation_token}"),
    Page(None, "/invitations/not-a-token"),
    Page(None, "/no-such-page"),
    # The host drafts, circulates, reads the comments and follows the answers.
    Page(HOST, "/"),
    Page(HOST, "/declarations/new"),
    Page(HOST, "/declarations/{drafting}"),
    Page(HOST, "/declarations/{drafting}/details"),
    Page(HOST, "/declarations/{drafting}/clauses/{drafting_clause}/edit"),
    Page(HOST, "/declarations/{drafting}/insert"),
    Page(HOST, "/declarations/{drafting}/insert/{template}"),
    Page(HOST, "/declarations/{drafting}/preview"),
    Page(HOST, "/declarations/{drafting}/compare"),
    Page(HOST, "/declarations/{japanese}"),
    Page(HOST, "/declarations/{consulted}"),
    Page(HOST, "/declarations/{consulted}/versions/2"),
    Page(HOST, "/declarations/{consulted}/compare"),
    Page(HOST, "/declarations/{consulted}/versions/2/stances"),
    Page(HOST, "/declarations/{consulted}/comments"),
    Page(HOST, "/declarations/{consulted}/versions/2/compilation"),
    Page(HOST, "/declarations/{consulted}/delegates"),
    Page(HOST, "/declarations/{consulted}/audit"),
    Page(HOST, "/declarations/{silenced}"),
    Page(HOST, "/declarations/{broken}"),
    Page(HOST, "/declarations/{final}"),
    Page(HOST, "/declarations/{final}/tracker"),
    Page(HOST, "/declarations/{final}/adopt"),
    Page(HOST, "/declarations/{final}/answers/record"),
    Page(HOST, "/declarations/{final}/certificate"),
    Page(HOST, "/account/settings"),
    Page(HOST, "/library/"),
    Page(HOST, "/library/{template}"),
    Page(HOST, "/library/new"),
    Page(HOST, "/library/{template}/edit"),
    Page(HOST, "/account/password"),
    Page(FOCAL_POINT, "/organizations/{seoul}/people"),
    Page(CO_HOST_DRAFTER, "/"),
    Page(ADMINISTRATOR, "/declarations/{adopted}/certificate"),
    Page(ADMINISTRATOR, "/admin/"),
    Page(ADMINISTRATOR, "/admin/organizations"),
    Page(ADMINISTRATOR, "/admin/organizations/new"),
    Page(ADMINISTRATOR, "/admin/organizations/{seoul}/edit"),
    Page(ADMINISTRATOR, "/admin/networks"),
    Page(ADMINISTRATOR, "/admin/networks/{network}"),
    Page(ADMINISTRATOR, "/admin/networks/{network}/edit"),
    Page(ADMINISTRATOR, "/admin/audit"),
    Page(ADMINISTRATOR, "/admin/users"),
    Page(ADMINISTRATOR, "/admin/users/new"),
    # The delegate reviews, comments, amends and answers.
    Page(DELEGATE, "/"),
    Page(DELEGATE, "/declarations/{consulted}/versions/1"),
    Page(DELEGATE, "/declarations/{consulted}/versions/2"),
    Page(DELEGATE, "/declarations/{consulted}/compare"),
    Page(DELEGATE, "/declarations/{consulted}/versions/2/compilation"),
    Page(DELEGATE, "/declarations/{silenced}/versions/1"),
    Page(DELEGATE, "/declarations/{broken}/versions/1"),
    Page(DELEGATE, "/declarations/{final}/versions/2"),
    Page(DELEGATE, "/declarations/{final}/affirmation"),
    Page(DELEGATE, "/declarations/{adopted}/affirmation"),
    Page(PAPER_DELEGATE, "/declarations/{final}/affirmation"),
    Page(DELEGATE, "/archive/{adopted}"),
    Page(DELEGATE, "/invitations/{invitation_token}"),
    Page(DELEGATE, "/declarations/{drafting}"),
    Page(DELEGATE, "/account/settings"),
]


def _scan() -> bytes:
    scan = io.BytesIO()
    Image.new("L", (200, 100), 255).save(scan, "PNG")
    return scan.getvalue()


def _new_declaration(title: str, host: Organization, drafter, network: Network) -> Declaration:
    declaration = create_declaration(
        host, drafter, title=title, meeting_name="Plenary Meeting of the Asian Network of Major Cities 21",
        place="Tokyo", starts_on=date(2027, 10, 4), ends_on=date(2027, 10, 5), network_id=network.id,
        subtitle="A declaration with a long subtitle that a narrow screen must wrap", preamble="We, the cities, declare:",
    )
    values = placeholders.known_values(declaration) | DRAFTER_VALUES
    for category in (TemplateCategory.climate, TemplateCategory.environment, TemplateCategory.health):
        template = db.session.scalars(
            select(ClauseTemplate).where(ClauseTemplate.category == category, ClauseTemplate.language == "en")
            .order_by(ClauseTemplate.id)
        ).first()
        insert_template(declaration, template, values)
    invite_network_members(declaration, network, ParticipantRole.participant, on=declaration.starts_on)
    return declaration


@pytest.fixture(scope="module")
def places(live_server) -> dict[str, object]:
    """Declarations of this module's own in drafting, in consultation with two drafts, under silence,
    with a broken silence and under affirmation, so that the other journeys' changes to the demonstration change nothing here."""
    with live_server.app.app_context():
        network = db.session.scalar(select(Network).where(Network.name == NETWORK_NAME))
        tokyo = db.session.scalar(select(Organization).where(Organization.name == "Tokyo"))
        seoul = db.session.scalar(select(Organization).where(Organization.name == "Seoul"))
        host, delegate = find_user(HOST), find_user(DELEGATE)
        today = date.today()
        in_three_weeks = today + timedelta(days=21)

        drafting = _new_declaration("Phone Declaration in drafting", tokyo, host, network)
        consulted = _new_declaration("Phone Declaration in consultation", tokyo, host, network)
        first = circulate(consulted, host, in_three_weeks, today)
        add_comment(first, 1, delegate, "Seoul asks that the clause name its cooling shelters.")
        stances.give(first, 1, delegate, "can_live_with")
        circulate(consulted, host, in_three_weeks, today, open_consultation=True)
        second = max(consulted.versions, key=lambda version: version.number)
        add_comment(second, 1, delegate, "Still worth naming the shelters.")
        proposed = "\n\n".join(version_document(second).clause_numbered(2).paragraphs) + " Every city reports yearly."
        add_comment(second, 2, delegate, "Reports keep the promise honest.", proposed,
                    "A yearly report lets every city see the promise kept.")
        stances.give(second, 2, delegate, "object", "Without yearly reports the clause promises nothing.", proposed)
        # Prepared, not sent: the delegate's page of Draft 2 offers to send Seoul's contribution.
        add_comment(second, 1, delegate, "Seoul may also ask for drinking fountains.", prepare=True)
        final = _new_declaration("Phone Declaration under affirmation", tokyo, host, network)
        circulate(final, host, in_three_weeks, today)
        final_version = signoff.propose_final(final, host, in_three_weeks, today)
        signoff.answer(final_version, delegate, Answer.affirmed_with_statement, True,
                       statement="Seoul will open its cooling shelters to every member city.", clauses=[2])
        bangkok = db.session.scalar(select(Organization).where(Organization.name == "Bangkok"))
        recorded_answers.record(final_version, host, recorded_answers.PaperAnswer(bangkok.id, Answer.affirmed),
                                _scan(), "letter of the Governor of Bangkok", in_three_weeks, today)
        silenced = _new_declaration("Phone Declaration under silence", tokyo, host, network)
        broken = _new_declaration("Phone Declaration whose silence is broken", tokyo, host, network)
        for under_silence in (silenced, broken):
            circulate(under_silence, host, in_three_weeks, today)
            silence.start(under_silence, host, utcnow() + timedelta(days=7), in_three_weeks)
        silence.break_silence(broken, delegate, [1, 2], "Seoul cannot commit its budget to clause 2 this year.")
        adopted = db.session.scalar(select(Declaration).where(Declaration.title == "Hanoi Declaration"))
        _, reset_token = request_password_reset(FOCAL_POINT, utcnow())
        _, invitation_token = invite_member(seoul, "new.delegate@seoul.example.org", UserRole.delegate,
                                            find_user(FOCAL_POINT), utcnow())
        japanese = db.session.scalar(select(Declaration).where(Declaration.title == JAPANESE["title"]))
        found = {
            "drafting": drafting.id,
            "drafting_clause": drafting.clauses[0].id,
            "template": drafting.clauses[0].template_id,
            "consulted": consulted.id,
            "final": final.id,
            "silenced": silenced.id,
            "broken": broken.id,
            "adopted": adopted.id,
            "adopted_fingerprint": next(v for v in adopted.versions if v.is_final).fingerprint,
            "wrong_fingerprint": "0" * 64,
            "seoul": seoul.id,
            "reset_token": reset_token,
            "invitation_token": invitation_token,
            "japanese": japanese.id,
            "network": network.id,
        }
        db.session.commit()
        db.session.remove()
    return found


@pytest.fixture(scope="module")
def signed_in(browser, live_server):
    """One browser context per account, signed in once, that may run axe-core despite the CSP."""
    contexts = {}

    def context_of(who: str | None):
        if who not in contexts:
            context = browser.new_context(base_url=live_server.url, bypass_csp=True)
            if who is not None:
                page = context.new_page()
                page.goto("/login")
                page.get_by_label("E-mail address").fill(who)
                page.get_by_label("Password").fill(live_server.login_for("drafter").password)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                page.close()
            contexts[who] = context
        return contexts[who]

    yield context_of
    for context in contexts.values():
        context.close()


# Off by default in axe-core: tap targets of at least 24×24 px (WCAG 2.2), and one id per focusable element.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {"target-size": {"enabled": True}, "duplicate-id-active": {"enabled": True}},
}


def _serious_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if len(node["target"]) == 1 else str(node["target"]) for node in violation["nodes"][:8])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


# Hidden the way screen readers still read it: inside a box of a pixel (a table's head on a phone).
CLIPPED = """const clipped = element => {
  for (let box = element; box; box = box.parentElement) {
    const rect = box.getBoundingClientRect();
    if (rect.width <= 1 && rect.height <= 1) return true;
  }
  return false;
};"""

# The widest elements, by their tag, id and classes, for a message that says where to look.
WIDER_THAN_SCREEN = """() => {
  /* clipped */
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('body *'))
    .filter(element => element.getBoundingClientRect().right > width + 0.5 && element.getClientRects().length)
    .filter(element => !clipped(element))
    .map(element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
         + (element.className && typeof element.className === 'string' ? '.' + element.className.trim().replace(/\\s+/g, '.') : '')
         + ' ' + Math.round(element.getBoundingClientRect().right) + 'px')
    .slice(0, 10);
}""".replace("/* clipped */", CLIPPED)


# What axe-core leaves out: an id twice (a label then names the first element with it, which may be no
# field at all), a label whose `for` names no field, a radio button outside a fieldset with a legend, a
# radio button or check box whose label slips under it.
# Hidden inputs (CSRF tokens, lock versions) are named by no label and left out.
FORM_FAULTS = """() => {
  const faults = [];
  const seen = new Map();
  for (const element of document.querySelectorAll('[id]:not(input[type=hidden])')) {
    if (seen.has(element.id)) faults.push('id "' + element.id + '" is used twice');
    seen.set(element.id, element);
  }
  for (const label of document.querySelectorAll('label[for]')) {
    if (!label.control) faults.push('label "' + label.textContent.trim() + '" names no field: ' + label.htmlFor);
  }
  for (const radio of document.querySelectorAll('input[type=radio]')) {
    const fieldset = radio.closest('fieldset');
    if (!fieldset || !fieldset.querySelector('legend')) faults.push('radio ' + radio.id + ' is outside a fieldset with a legend');
    if (radio.closest('li') && getComputedStyle(radio.closest('li')).listStyleType !== 'none') faults.push('radio ' + radio.id + ' has a bullet');
    if (!radio.labels.length || radio.compareDocumentPosition(radio.labels[0]) & Node.DOCUMENT_POSITION_PRECEDING) faults.push('radio ' + radio.id + ' comes after its label');
  }
  // A button's label that wraps must stay beside it, its first line level with the button, not slip under it.
  for (const choice of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const box = choice.getBoundingClientRect();
    const label = choice.labels.length ? choice.labels[0].getClientRects()[0] : null;
    if (!box.width || !label) continue;
    if (label.top >= box.bottom || label.left < box.right) faults.push(choice.type + ' ' + choice.id + ' has its label under it, not beside it');
  }
  return faults;
}"""

# A word of up to 24 characters broken across two lines: a column squeezed to a few letters. A line
# may break after a hyphen, and longer tokens, such as an address, where they must.
BROKEN_WORDS = r"""() => {
  /* clipped */
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !parent.getClientRects().length || parent.closest('.visually-hidden, .skip, [hidden], code')) continue;
    if (clipped(parent)) continue;
    for (const match of node.textContent.matchAll(/(?<![^\s-])[^\s-]{2,24}(?![^\s-])/gu)) {
      if (/[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u.test(match[0])) continue;  // Japanese breaks anywhere
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0] + ' in ' + parent.tagName.toLowerCase() + (parent.className ? '.' + parent.className : ''));
    }
  }
  return broken.slice(0, 10);
}""".replace("/* clipped */", CLIPPED)


@pytest.mark.parametrize("visit", PAGES, ids=str)
def test_the_page_fits_a_phone_and_serves_a_screen_reader(visit, places, signed_in):
    page = signed_in(visit.who).new_page()
    try:
        page.set_viewport_size(DESKTOP)
        response = page.goto(visit.path.format(**places))
        assert response is not None and response.status < 500, f"{visit}: {response and response.status}"
        assert "/login" not in page.url or visit.path == "/login", f"{visit} asked to sign in"
        desktop = _serious_violations(page)
        faults = page.evaluate(FORM_FAULTS)
        broken_on_desktop = page.evaluate(BROKEN_WORDS)

        page.set_viewport_size(PHONE)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        wider = page.evaluate(WIDER_THAN_SCREEN)
        broken = page.evaluate(BROKEN_WORDS)
        faults += [f"at 390 px: {fault}" for fault in page.evaluate(FORM_FAULTS) if fault not in faults]
        phone = _serious_violations(page)

        assert scroll_width <= PHONE["width"] and not wider, (
            f"{visit} is {scroll_width} px wide at 390 px; too wide: {wider}")
        assert not broken_on_desktop, f"{visit} breaks words across lines at 1280 px: {broken_on_desktop}"
        assert not broken, f"{visit} breaks words across lines at 390 px: {broken}"
        assert not faults, f"{visit}: " + "; ".join(faults)
        assert not desktop, f"{visit} at 1280 px:\n" + "\n".join(desktop)
        assert not phone, f"{visit} at 390 px:\n" + "\n".join(phone)
    finally:
        page.close()
