"""Sending e-mail: .eml files for the demonstration, a real SMTP conversation in production."""

import email
import email.policy
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from drafting.rendering.mail import MailDeliveryError, MailError, send_mail

SENDER = "drafting <no-reply@drafting.test>"
SUBJECT = "Draft 2 of the Yokohama Declaration / 横浜宣言 第2案 / Hà Nội"
TEXT = "Dear delegate,\n\nDraft 2 is open for comments until October 1.\n横浜市より、Hà Nội の皆様へ。\n"
HTML = "<p>Dear delegate,</p><p>Draft 2 is open for comments until October 1.</p><p>横浜市より、Hà Nội の皆様へ。</p>\n"


@pytest.fixture
def mail_settings(app, monkeypatch, tmp_path):
    """Set MAIL_* settings for one test; mail goes to files in tmp_path/mail unless the test says otherwise."""

    def configure(**settings):
        for name, value in settings.items():
            monkeypatch.setitem(app.config, f"MAIL_{name}", value)

    configure(
        BACKEND="file", FILE_DIRECTORY=str(tmp_path / "mail"), DEFAULT_SENDER=SENDER,
        USE_TLS=False, USE_SSL=False, USERNAME=None, PASSWORD=None, TIMEOUT=5,
    )
    return configure


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def sent_files(tmp_path):
    return sorted((tmp_path / "mail").glob("*.eml"))


# The file backend


def test_the_file_backend_writes_a_message_a_mail_client_can_read(mail_settings, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="drafting.rendering.mail")
    send_mail(["delegate@phnompenh.example", "host@yokohama.example"], SUBJECT, TEXT, HTML)

    [path] = sent_files(tmp_path)
    message = parse(path.read_bytes())
    assert message["From"] == SENDER
    assert message["To"] == "delegate@phnompenh.example, host@yokohama.example"
    assert message["Subject"] == SUBJECT
    assert message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].endswith("@drafting.test>")
    assert message.get_content_type() == "multipart/alternative"
    assert message.get_body(("plain",)).get_content() == TEXT
    assert message.get_body(("html",)).get_content() == HTML
    [record] = caplog.records
    assert record.levelno == logging.INFO
    assert "delegate@phnompenh.example" in record.getMessage()
    assert SUBJECT in record.getMessage()
    assert path.name in record.getMessage()


def test_a_message_without_html_is_plain_text_to_one_recipient(mail_settings, tmp_path):
    send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
    [path] = sent_files(tmp_path)
    message = parse(path.read_bytes())
    assert message["To"] == "delegate@phnompenh.example"
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "The comment deadline is tomorrow.\n"


@settings(
    max_examples=50, deadline=None,
    # Each example removes the file it wrote, so the examples can share the test's folder.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    subject=st.lists(
        st.sampled_from(["横浜宣言", "第2案", "Hà Nội", "Draft", " ", "  ", " / "])
        | st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Zl", "Zp")), max_size=5),
        min_size=1, max_size=40,
    ).map("".join).map(str.strip).filter(bool)
)
# Folded between two encoded words, where Python's own folding loses the space (see drafting.rendering.mail).
@example(subject=SUBJECT)
@example(subject="横浜宣言 第2案 横浜宣言 第2案 横浜宣言 第2案 横浜宣言 第2案")
def test_any_subject_arrives_as_written(mail_settings, tmp_path, subject):
    # Long subjects are folded over several lines: no space may be lost or added at a fold.
    send_mail("delegate@phnompenh.example", subject, "The comment deadline is tomorrow.")
    [path] = sent_files(tmp_path)
    message = parse(path.read_bytes())
    path.unlink()
    assert message["Subject"] == subject


def test_each_message_gets_a_file_and_an_identity_of_its_own(mail_settings, tmp_path):
    for _ in range(3):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
    paths = sent_files(tmp_path)
    assert len(paths) == 3
    assert len({parse(path.read_bytes())["Message-ID"] for path in paths}) == 3


def test_by_default_the_files_go_to_mail_in_the_instance_folder(app, mail_settings, monkeypatch, tmp_path):
    mail_settings(FILE_DIRECTORY=None)
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_a_folder_that_cannot_be_written_gives_a_mail_error(mail_settings, tmp_path):
    (tmp_path / "occupied").write_text("a file where the folder should be")
    mail_settings(FILE_DIRECTORY=str(tmp_path / "occupied"))
    with pytest.raises(MailDeliveryError, match="Could not write"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")


@pytest.mark.parametrize(
    "to, subject",
    [
        ([], "Reminder"),
        ("delegate@phnompenh.example", "Reminder\nBcc: everyone@example.org"),
        ("delegate@phnompenh.example\r\nBcc: everyone@example.org", "Reminder"),
    ],
    ids=["no recipient", "a line break in the subject", "a line break in the recipient"],
)
def test_a_message_that_cannot_be_sent_at_all_is_refused(mail_settings, tmp_path, to, subject):
    with pytest.raises(ValueError):
        send_mail(to, subject, "The comment deadline is tomorrow.")
    assert sent_files(tmp_path) == []


def test_an_unknown_backend_is_a_mail_error(mail_settings):
    mail_settings(BACKEND="carrier pigeon")
    with pytest.raises(MailError, match="MAIL_BACKEND"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")


# The SMTP backend, against a real SMTP server on 127.0.0.1


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, refusing the recipients and messages it is told to."""

    def __init__(self, unknown_recipients=(), refuse_messages=False):
        self.unknown_recipients = set(unknown_recipients)
        self.refuse_messages = refuse_messages
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown_recipients:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_messages:
            return "554 Message refused"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class Credentials:
    """An aiosmtpd authenticator that accepts one login and records every attempt."""

    def __init__(self, login: str, password: str):
        self.expected = (login.encode(), password.encode())
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.attempts.append((auth_data.login.decode(), mechanism))
        # handled=False: aiosmtpd itself then answers a failed login with 535.
        return AuthResult(success=(auth_data.login, auth_data.password) == self.expected, handled=False)


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on: one the system just handed out and took back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(mail_settings):
    """Start an SMTP server on 127.0.0.1 with the given handler and point the smtp backend at it."""
    controllers = []

    def start(handler, **smtp_options):
        # aiosmtpd checks that the server answers by connecting to the port it was given, so it
        # needs a real port number rather than 0.
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_options)
        controller.start()
        controllers.append(controller)
        mail_settings(BACKEND="smtp", SERVER=controller.hostname, PORT=controller.port)
        return controller

    yield start
    for controller in controllers:
        controller.stop()


def test_the_smtp_backend_delivers_text_and_html_to_a_real_server(smtp_server):
    mailbox = Mailbox()
    smtp_server(mailbox)
    send_mail(["delegate@phnompenh.example", "host@yokohama.example"], SUBJECT, TEXT, HTML)

    [envelope] = mailbox.envelopes
    assert envelope.mail_from == "no-reply@drafting.test"
    assert envelope.rcpt_tos == ["delegate@phnompenh.example", "host@yokohama.example"]
    message = parse(envelope.original_content)
    assert message["From"] == SENDER
    assert message["Subject"] == SUBJECT
    # SMTP carries lines ending in CRLF; the text is otherwise what was sent.
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == TEXT
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == HTML


def test_the_smtp_backend_logs_in_when_given_a_username(smtp_server, mail_settings):
    mailbox = Mailbox()
    credentials = Credentials("drafting", "s3cret")
    # AUTH over a plain connection is for this test only: a real server offers it after STARTTLS.
    smtp_server(mailbox, authenticator=credentials, auth_require_tls=False)
    mail_settings(USERNAME="drafting", PASSWORD="s3cret")
    send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
    assert [login for login, _ in credentials.attempts] == ["drafting"]
    assert len(mailbox.envelopes) == 1

    mail_settings(PASSWORD="wrong")
    with pytest.raises(MailDeliveryError, match="did not take the message"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
    assert len(mailbox.envelopes) == 1


def test_a_server_that_is_not_listening_gives_a_mail_delivery_error(mail_settings):
    port = free_port()
    mail_settings(BACKEND="smtp", SERVER="127.0.0.1", PORT=port)
    with pytest.raises(MailDeliveryError, match=f"127.0.0.1:{port}"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")


def test_a_server_that_refuses_the_message_gives_a_mail_delivery_error(smtp_server):
    smtp_server(Mailbox(refuse_messages=True))
    with pytest.raises(MailDeliveryError, match="554 Message refused|Message refused"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")


def test_a_refused_recipient_is_named_and_the_others_still_get_the_message(smtp_server):
    mailbox = Mailbox(unknown_recipients={"gone@phnompenh.example"})
    smtp_server(mailbox)
    with pytest.raises(MailDeliveryError, match="refused gone@phnompenh.example; the other recipients"):
        send_mail(["gone@phnompenh.example", "host@yokohama.example"], "Reminder", "The deadline is tomorrow.")
    [envelope] = mailbox.envelopes
    assert envelope.rcpt_tos == ["host@yokohama.example"]


def test_the_smtp_backend_refuses_tls_and_ssl_together(mail_settings):
    mail_settings(BACKEND="smtp", USE_TLS=True, USE_SSL=True)
    with pytest.raises(MailError, match="not both"):
        send_mail("delegate@phnompenh.example", "Reminder", "The comment deadline is tomorrow.")
