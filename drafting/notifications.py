"""E-mails to the people of a declaration, written from templates/email/<name>.txt and .html."""

import logging

from flask import render_template

from drafting.mail import MailError, send_mail
from drafting.models import User

log = logging.getLogger(__name__)


def notify(users: list[User], subject: str, template: str, **context) -> int:
    """E-mail each user a message made from the named template; return how many were sent.

    Called after the change it reports is committed. A recipient whose message cannot be sent is
    logged and skipped: the change stands, and the others are still told.
    """
    sent = 0
    for user in users:
        text = render_template(f"email/{template}.txt", user=user, **context)
        html = render_template(f"email/{template}.html", user=user, **context)
        try:
            send_mail(user.email, subject, text, html)
        except MailError:
            log.exception("Could not e-mail %s about %r", user.email, subject)
        else:
            sent += 1
    return sent
