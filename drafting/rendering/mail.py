"""Sending e-mail, by the backend that MAIL_BACKEND names (settings in config.py).

"file" writes each message as an .eml file into MAIL_FILE_DIRECTORY (by default mail/ in the
instance folder) and logs where, so the demonstration needs no mail server. "smtp" sends it
through MAIL_SERVER. Either raises a MailError when the message could not be sent; whether
that stops what the user was doing is the caller's decision.
"""

import logging
import secrets
import smtplib
import ssl
import unicodedata
from datetime import datetime, timezone
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app

logger = logging.getLogger(__name__)

BACKENDS = ("file", "smtp")


class MailError(Exception):
    """A message could not be sent."""


class MailDeliveryError(MailError):
    """The mail server could not be reached or refused the message, or its file could not be written."""


def single_line(text: str) -> str:
    """Return text fit for a header: each run of whitespace (line breaks too) one space, control characters gone."""
    visible = "".join(c for c in text if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(visible.split())


def send_mail(to: list[str] | str, subject: str, text_body: str, html_body: str | None = None,
              reply_to: str | None = None) -> None:
    """Send one message, as plain text or with an HTML alternative, to one or several recipients.

    `reply_to` ("Name <address>") is whom the recipients' "Reply" writes to: a person, where the
    sender is an address nobody reads.

    Raises MailDeliveryError when it could not be delivered, MailError when the mail settings
    are wrong, and ValueError for a message that cannot be sent at all (no recipient, a line
    break in a header).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("An e-mail needs at least one recipient.")
    backend = current_app.config["MAIL_BACKEND"]
    if backend not in BACKENDS:
        raise MailError(f"MAIL_BACKEND is {backend!r}; it must be one of {', '.join(BACKENDS)}.")
    message = _build_message(recipients, subject, text_body, html_body, reply_to)
    if backend == "file":
        _write_to_file(message)
    else:
        _send_by_smtp(message)


def sender() -> str:
    """Return the From of every message: MAIL_DEFAULT_SENDER, named SITE_NAME unless it names itself."""
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return formataddr((name or current_app.config["SITE_NAME"], address))


def _build_message(recipients: list[str], subject: str, text_body: str, html_body: str | None,
                   reply_to: str | None = None) -> EmailMessage:
    """Build a message from the site's sender; with an HTML body it is multipart/alternative."""
    message = EmailMessage()
    message["From"] = sender()
    message["To"] = ", ".join(recipients)
    _set_subject(message, subject)
    if reply_to is not None:
        # A line break would let the address add headers of its own, as in a subject.
        if len(reply_to.splitlines()) > 1:
            raise ValueError("The Reply-To of an e-mail cannot contain a line break.")
        message["Reply-To"] = reply_to
    message["Date"] = formatdate(usegmt=True)
    # Named after the sender's domain: without one, make_msgid asks DNS for this host's name.
    message["Message-ID"] = make_msgid(domain=parseaddr(message["From"])[1].rpartition("@")[2] or "localhost")
    message.set_content(text_body)
    if html_body is not None:
        message.add_alternative(html_body, subtype="html")
    return message


def _set_subject(message: EmailMessage, subject: str) -> None:
    """Set the Subject header, refusing a line break (it would let the subject add headers)."""
    if len(subject.splitlines()) > 1:
        raise ValueError("The subject of an e-mail cannot contain a line break.")
    if subject.isascii():
        message["Subject"] = subject
    else:
        # The email package folds a long subject into encoded words but leaves the space between
        # two of them outside, where readers drop it: Japanese subjects arrived with words run
        # together (CPython gh-144156). The older email.header encoder keeps spaces inside.
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def _write_to_file(message: EmailMessage) -> None:
    """Write a message as an .eml file into MAIL_FILE_DIRECTORY."""
    directory = Path(current_app.config["MAIL_FILE_DIRECTORY"] or Path(current_app.instance_path) / "mail")
    # The time sorts the files in sending order; the random part keeps apart two of the same microsecond.
    path = directory / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}.eml"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.as_bytes())
    except OSError as error:
        raise MailDeliveryError(f"Could not write the message to {path}: {error}") from error
    logger.info("Mail to %s, subject %r, written to %s", message["To"], message["Subject"], path)


def _send_by_smtp(message: EmailMessage) -> None:
    """Send a message through MAIL_SERVER, with TLS and login as configured."""
    config = current_app.config
    if config["MAIL_USE_SSL"] and config["MAIL_USE_TLS"]:
        raise MailError("Set MAIL_USE_SSL (TLS from the start) or MAIL_USE_TLS (STARTTLS), not both.")
    server = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    try:
        if config["MAIL_USE_SSL"]:
            connection = smtplib.SMTP_SSL(
                config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"],
                context=ssl.create_default_context(),
            )
        else:
            connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        with connection:
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            refused = connection.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailDeliveryError(f"The mail server {server} did not take the message: {error}") from error
    if refused:
        # Say who did get it: the caller must not send it again to everyone.
        raise MailDeliveryError(
            f"The mail server {server} refused {', '.join(refused)}; the other recipients were sent the message."
        )
    logger.info("Mail to %s, subject %r, sent through %s", message["To"], message["Subject"], server)
