"""E-mails to the people of a declaration, written from templates/email/<name>.txt and .html."""

from email.headerregistry import Address
from typing import Protocol

from flask import current_app, has_request_context, render_template
from flask_login import current_user

from drafting.rendering import outbox
from drafting.rendering.mail import single_line


class Recipient(Protocol):
    """Anyone with an e-mail address: a user, or a delegate's invitation."""

    email: str


class Person(Protocol):
    """Someone a reply can reach: a user."""

    name: str
    email: str


def notify(recipients: list[Recipient], subject: str, template: str, reply_to: Person | None = None,
           **context) -> int:
    """Queue for each recipient a message made from the named template; return how many were queued.

    A "Reply" reaches `reply_to`, by default the signed-in user whose action the message reports
    (the host's drafter who circulated, reminded, decided...), else MAIL_REPLY_TO: never the
    sender's address, which nobody reads.
    Called inside the transaction of the change it reports, before the commit: the messages are
    written with the change or not at all, and sent once it is committed (drafting.rendering.outbox).
    """
    replies_to = _reply_address(reply_to)
    for recipient in recipients:
        text = render_template(f"email/{template}.txt", user=recipient, **context)
        html = render_template(f"email/{template}.html", user=recipient, **context)
        outbox.queue(recipient.email, subject, text, html, replies_to)
    return len(recipients)


def _reply_address(person: Person | None) -> str | None:
    if person is None and has_request_context() and current_user.is_authenticated:
        person = current_user
    if person is None:
        return current_app.config["MAIL_REPLY_TO"]
    # A name is one line anyway; made sure of here, since a line break would end the header.
    return str(Address(display_name=single_line(person.name), addr_spec=person.email))
