"""The outbox: a change and its e-mails are committed together, and sent after the commit, once each."""

import threading
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from drafting.domain.clock import utcnow
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import DeclarationState, OutgoingMessage, ParticipantRole, UserRole, Version
from drafting.rendering import outbox
from tests.test_answers import Mailbox, free_port, use_smtp
from tests.test_concurrency import live_app  # noqa: F401 (a fixture)


@pytest.fixture
def smtp(app, monkeypatch):
    """Start a real SMTP server on 127.0.0.1 when called, and send the application's mail through it."""
    controllers = []

    def start(handler=None):
        handler = handler or Mailbox()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        use_smtp(app, monkeypatch, controller.port)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def consultation_ready(make_declaration, make_organization, make_user):
    """A declaration being drafted, with Seoul invited, whose two delegates get its e-mails; return it."""

    def make(**fields):
        declaration = make_declaration(clauses=1, **fields)
        seoul = make_organization("Seoul", "KR")
        invite(declaration, seoul, ParticipantRole.participant)
        for email in ("minji@seoul.example.org", "jun@seoul.example.org"):
            make_user(role=UserRole.delegate, organization=seoul, email=email)
        return declaration

    return make


def messages() -> list[OutgoingMessage]:
    return list(db.session.scalars(
        select(OutgoingMessage).order_by(OutgoingMessage.id).execution_options(populate_existing=True)
    ))


def circulate_by_client(client, login_as, make_user, declaration):
    login_as(make_user(organization=declaration.host))
    deadline = (date.today() + timedelta(days=10)).isoformat()
    return client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": deadline})


@pytest.mark.parametrize("title", [
    "Tokyo\nDeclaration", "Tokyo\r\nDeclaration", "Tokyo\u2028Declaration", "Tokyo\x85Declaration",
    "Tokyo\x0bDeclaration",
], ids=["LF", "CRLF", "U+2028", "U+0085", "VT"])
def test_a_line_break_in_the_title_reaches_the_mail_as_one_line(
    client, login_as, make_user, consultation_ready, smtp, title
):
    mailbox = smtp()
    declaration = consultation_ready(title=title)
    response = circulate_by_client(client, login_as, make_user, declaration)
    assert response.status_code == 302
    assert declaration.state is DeclarationState.consultation
    assert sorted(recipients for recipients, _ in mailbox.messages) == [
        ["jun@seoul.example.org"], ["minji@seoul.example.org"]]
    for _, message in mailbox.messages:
        assert message["Subject"] == "Tokyo Declaration: Draft 1 for your comments"
        assert message["Bcc"] is None


def test_circulating_with_the_mail_server_down_changes_the_state_and_queues_the_notice(
    app, client, login_as, make_user, consultation_ready, smtp, monkeypatch
):
    port = free_port()
    use_smtp(app, monkeypatch, port)
    declaration = consultation_ready()
    response = circulate_by_client(client, login_as, make_user, declaration)
    assert response.status_code == 302
    assert declaration.state is DeclarationState.consultation
    # The request tried once, after its response, and the message waits for the next attempt.
    waiting = messages()
    assert sorted(m.recipient for m in waiting) == ["jun@seoul.example.org", "minji@seoul.example.org"]
    assert {(m.status, m.attempts) for m in waiting} == {("waiting", 1)}
    assert all(f"127.0.0.1:{port}" in m.last_error for m in waiting)

    # Not due again before the delay: sending now tries nothing.
    assert outbox.send_waiting() == {"sent": 0, "retry": 0, "failed": 0}
    mailbox = smtp()
    later = utcnow() + outbox.retry_delay(1)
    assert outbox.send_waiting(later) == {"sent": 2, "retry": 0, "failed": 0}
    assert outbox.send_waiting(later + timedelta(days=30)) == {"sent": 0, "retry": 0, "failed": 0}
    assert sorted(recipients for recipients, _ in mailbox.messages) == [
        ["jun@seoul.example.org"], ["minji@seoul.example.org"]]
    assert {m.status for m in messages()} == {"sent"}


def test_what_a_request_has_no_time_left_to_send_waits_for_mail_send(
    app, client, login_as, make_user, consultation_ready, smtp, runner, monkeypatch
):
    mailbox = smtp()
    monkeypatch.setitem(app.config, "MAIL_AFTER_RESPONSE_SECONDS", 0)
    declaration = consultation_ready()
    assert circulate_by_client(client, login_as, make_user, declaration).status_code == 302
    assert {(m.status, m.attempts) for m in messages()} == {("waiting", 0)}
    assert mailbox.messages == []
    assert "Sent 2;" in runner.invoke(args=["mail", "send"]).output
    assert len(mailbox.messages) == 2 and {m.status for m in messages()} == {"sent"}


def test_a_failure_while_writing_the_outbox_rolls_the_state_change_back(
    app, client, login_as, make_user, consultation_ready, monkeypatch
):
    declaration = consultation_ready()
    # An empty subject breaks the outbox's CHECK constraint: the database refuses the message.
    monkeypatch.setattr(outbox, "single_line", lambda subject: "")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = circulate_by_client(client, login_as, make_user, declaration)
    assert response.status_code == 500
    db.session.expire_all()
    assert declaration.state is DeclarationState.drafting
    assert db.session.scalar(select(func.count()).select_from(Version)) == 0
    assert messages() == []


def test_a_message_is_failed_for_good_after_the_last_attempt_and_listed(app, runner, monkeypatch):
    use_smtp(app, monkeypatch, free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    outbox.queue("minji@seoul.example.org", "Reminder", "The deadline is tomorrow.")
    db.session.commit()
    now = utcnow()
    assert outbox.send_waiting(now) == {"sent": 0, "retry": 1, "failed": 0}
    assert outbox.send_waiting(now + outbox.retry_delay(1)) == {"sent": 0, "retry": 0, "failed": 1}
    assert outbox.send_waiting(now + timedelta(days=30)) == {"sent": 0, "retry": 0, "failed": 0}
    [message] = messages()
    assert (message.status, message.attempts) == ("failed", 2)

    listed = runner.invoke(args=["mail", "list"])
    assert listed.exit_code == 1
    assert "failed\t2 attempts" in listed.output and "minji@seoul.example.org\tReminder\t" in listed.output
    assert "Connection refused" in listed.output


def test_mail_send_sends_what_waits_and_says_so(app, runner, smtp):
    mailbox = smtp()
    outbox.queue("minji@seoul.example.org", "Reminder\r\nBcc: everyone@example.org", "The deadline is tomorrow.")
    db.session.commit()
    sent = runner.invoke(args=["mail", "send"])
    assert sent.exit_code == 0, sent.output
    assert "Sent 1; 0 to try again later; 0 failed for good." in sent.output
    [(recipients, message)] = mailbox.messages
    assert recipients == ["minji@seoul.example.org"]
    assert message["Subject"] == "Reminder Bcc: everyone@example.org" and message["Bcc"] is None
    listed = runner.invoke(args=["mail", "list"])
    assert listed.exit_code == 0 and "Every e-mail is sent." in listed.output


def test_an_address_no_attempt_can_send_to_fails_at_once(app, smtp):
    smtp()
    outbox.queue("minji@seoul.example.org\r\nBcc: everyone@example.org", "Reminder", "The deadline is tomorrow.")
    db.session.commit()
    assert outbox.send_waiting() == {"sent": 0, "retry": 0, "failed": 1}


# Senders at once, each with its own connection, on a database of their own.

SENDERS, MESSAGES = 4, 60


def test_senders_at_once_send_each_message_once(live_app, monkeypatch):
    app = live_app
    # Leave db.session to Flask-SQLAlchemy here: each sender needs a connection of its own.
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        use_smtp(app, monkeypatch, controller.port)
        with app.app_context():
            for number in range(MESSAGES):
                outbox.queue(f"delegate{number}@seoul.example.org", f"Message {number}", "Text.")
            db.session.commit()
        start = threading.Barrier(SENDERS)
        outcomes = []

        def sender():
            with app.app_context():
                start.wait()
                outcomes.append(outbox.send_waiting())

        threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        controller.stop()
    subjects = sorted(message["Subject"] for _, message in mailbox.messages)
    assert subjects == sorted(f"Message {number}" for number in range(MESSAGES))
    assert sum(outcome["sent"] for outcome in outcomes) == MESSAGES
    assert len(outcomes) == SENDERS
    with app.app_context():
        assert {m.status for m in db.session.scalars(select(OutgoingMessage))} == {"sent"}
