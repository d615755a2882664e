"""Who speaks for Seoul, in a real browser: Tokyo asks Seoul for a delegate, Seoul's focal point
confirms the person Tokyo proposed, who sets a password through the link and answers for Seoul."""

import email
import email.policy
import re
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from drafting.domain import circulation, signoff
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Organization, ParticipantRole, User

TITLE = "Tokyo Declaration on Urban Youth"


def _final_text_for_seoul(app, drafter_email: str) -> int:
    """A declaration of Tokyo's own, with Seoul invited and its final text proposed: independent of
    what the other journeys do with the demonstration's declarations."""
    with app.app_context():
        drafter = db.session.scalar(select(User).where(User.email == drafter_email))
        seoul = db.session.scalar(select(Organization).where(Organization.name == "Seoul"))
        declaration = create_declaration(
            drafter.organization, drafter, title=TITLE, meeting_name="Youth Forum of ANMC21", place="Tokyo",
            starts_on=date(2028, 5, 1), ends_on=date(2028, 5, 2),
        )
        add_clause(declaration, heading="Youth councils", body="Each of our cities will hear its young people.")
        invite(declaration, seoul, ParticipantRole.participant)
        in_a_week = date.today() + timedelta(days=7)
        circulation.circulate(declaration, drafter, in_a_week, date.today())
        signoff.propose_final(declaration, drafter, in_a_week, date.today())
        declaration_id = declaration.id
        db.session.commit()
    return declaration_id


def _invitation_link(directory: Path, address: str) -> str:
    # The server sends its mail once the response is finished: the message may come a moment later,
    # several seconds on a machine busy with other tests.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in directory.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body(("plain",)) if message["To"] == address else None
            link = body and re.search(r"https?://\S+(/invitations/\S+)", body.get_content())
            if link:  # else the file is still being written
                return link.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no invitation was sent to {address}")


def test_tokyo_asks_seoul_for_a_delegate_and_seoul_confirms(live_server, browser, sign_in, monkeypatch, tmp_path):
    # This test's mail in a folder of its own: the suite's shared one holds every run's messages.
    monkeypatch.setitem(live_server.app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    drafter = live_server.login_for("drafter")
    focal = next(login for login in live_server.logins if login.email == "minho.lee@seoul.example.org")
    declaration_id = _final_text_for_seoul(live_server.app, drafter.email)
    address = f"seo-yoon.{uuid.uuid4().hex[:8]}@seoul.example.org"

    host = browser.new_context(base_url=live_server.url).new_page()
    sign_in(host, drafter.email, drafter.password)
    host.goto(f"/declarations/{declaration_id}")
    host.get_by_role("link", name="Delegates: ask the invited organizations").click()
    host.get_by_label("Organization", exact=True).select_option(label="Seoul")
    host.get_by_label("Propose an e-mail address (optional)").fill(address)
    host.get_by_role("button", name="Send the request").click()
    expect(host.get_by_text("Request sent to the focal points of Seoul.")).to_be_visible()
    expect(host.get_by_role("cell", name="requested")).to_be_visible()
    expect(host.get_by_text(address)).to_have_count(0)  # not a delegate until Seoul says so

    seoul = browser.new_context(base_url=live_server.url).new_page()
    sign_in(seoul, focal.email, focal.password)
    seoul.get_by_role("link", name="People").click()
    request = seoul.locator("article.request", has_text=TITLE)
    expect(request.get_by_label("or invite a person by e-mail")).to_have_value(address)
    request.get_by_role("button", name="Confirm").click()
    expect(seoul.get_by_text(f"{address} is confirmed as delegate of Seoul for the {TITLE}.")).to_be_visible()
    expect(seoul.get_by_text(f"Invitation sent to {address}.")).to_be_visible()
    seoul.context.close()

    delegate = browser.new_context(base_url=live_server.url).new_page()
    delegate.goto(_invitation_link(tmp_path, address))
    delegate.get_by_label("Your name").fill("Seo-yoon Choi")
    delegate.get_by_label("Password", exact=True).fill("a long new passphrase")
    delegate.get_by_label("Password again").fill("a long new passphrase")
    delegate.get_by_role("button", name="Create my account").click()
    expect(delegate.get_by_text("Welcome, Seo-yoon Choi: you act for Seoul.")).to_be_visible()
    delegate.goto(f"/declarations/{declaration_id}/affirmation")
    expect(delegate.locator("p.acting")).to_contain_text(f"You answer for Seoul on the {TITLE}")
    expect(delegate.locator("p.acting")).to_contain_text("confirmed by Min-ho Lee")
    delegate.get_by_label("Affirm the declaration").check()
    delegate.get_by_label("I am authorised to answer for my organization").check()
    delegate.get_by_role("button", name="Send the answer").click()
    expect(delegate.get_by_text("The answer of Seoul is recorded")).to_be_visible()
    delegate.context.close()

    host.goto(f"/declarations/{declaration_id}/tracker")
    expect(host.locator("li", has_text="Seoul")).to_contain_text("by Seo-yoon Choi, delegate confirmed by Min-ho Lee")
    host.context.close()
