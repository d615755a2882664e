"""E-mails to the people of a declaration, written from templates/email/<name>.txt and .html."""

from typing import Protocol

from flask import render_template

from drafting.rendering import outbox


class Recipient(Protocol):
    """Anyone with an e-mail address: a user, or a delegate's invitation."""

    email: str


def notify(recipients: list[Recipient], subject: str, template: str, **context) -> int:
    """Queue for each recipient a message made from the named template; return how many were queued.

    Called inside the transaction of the change it reports, before the commit: the messages are
    written with the change or not at all, and sent once it is committed (drafting.rendering.outbox).
    """
    for recipient in recipients:
        text = render_template(f"email/{template}.txt", user=recipient, **context)
        html = render_template(f"email/{template}.html", user=recipient, **context)
        outbox.queue(recipient.email, subject, text, html)
    return len(recipients)
