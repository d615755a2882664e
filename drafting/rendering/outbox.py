"""The outbox: e-mails are written in the transaction of the change they report and sent after its commit.

A message exists exactly when its change does: a failure while writing it rolls the change back,
and a mail server that is down delays the message instead of undoing or hiding the change. A
request sends what it queued once its response is finished (`register`), after any work it left
for then (`after_response`); `flask mail send`, run every few minutes, sends the rest and
retries, waiting longer after each failure, until MAIL_MAX_ATTEMPTS failures mark a message
failed for good (`flask mail list` shows those).
Each message is taken by one sender only, under a row lock, and is never sent again once sent.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import select

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import OutgoingMessage, limits
from drafting.rendering.mail import MailError, send_mail, single_line

log = logging.getLogger(__name__)

# The ids of the messages this request queued, for sending once its response is finished.
_QUEUED = "outbox_queued"
# What this request leaves to do once its response is finished.
_DEFERRED = "outbox_deferred"


def queue(recipient: str, subject: str, text_body: str, html_body: str | None = None,
          reply_to: str | None = None) -> OutgoingMessage:
    """Write one e-mail into the outbox, in the current transaction: it is sent after the commit.

    `reply_to` ("Name <address>") is whom a "Reply" reaches; a line break in it is refused with a
    ValueError, since it would let it add headers.
    """
    if reply_to is not None and len(reply_to.splitlines()) > 1:
        raise ValueError("The Reply-To of an e-mail cannot contain a line break.")
    message = OutgoingMessage(recipient=recipient, subject=single_line(subject), text_body=text_body,
                              html_body=html_body, reply_to=reply_to)
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        g.setdefault(_QUEUED, []).append(message.id)
    return message


def retry_delay(attempts: int) -> timedelta:
    """Return how long to wait after a message's attempts-th failure before the next attempt."""
    return timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1))


def send_waiting(
    now: datetime | None = None, ids: list[int] | None = None, seconds: float | None = None
) -> dict[str, int]:
    """Send the waiting messages that are due (only those among `ids` if given); count them by outcome.

    With `seconds`, take no further message once that many seconds have passed: the rest waits.
    Returns {"sent": n, "retry": n, "failed": n}, "retry" counting the failures to be tried again.
    """
    now = now or utcnow()
    stop = time.monotonic() + seconds if seconds is not None else None
    outcomes = {"sent": 0, "retry": 0, "failed": 0}
    while (stop is None or time.monotonic() < stop) and (taken := _take(now, ids)) is not None:
        outcomes[_send(*taken)] += 1
    return outcomes


def _take(now: datetime, ids: list[int] | None) -> tuple[int, str, str, str, str | None, str | None, int] | None:
    """Take the oldest due message for this sender and commit that it is taken; return its fields."""
    query = select(OutgoingMessage).where(
        OutgoingMessage.sent_at.is_(None), OutgoingMessage.failed_at.is_(None), OutgoingMessage.next_attempt_at <= now
    )
    if ids is not None:
        query = query.where(OutgoingMessage.id.in_(ids))
    # PostgreSQL: another sender skips the row this one holds. SQLite has no row locks; there the
    # transaction holds the database's write lock from its start (BEGIN IMMEDIATE, drafting/__init__.py).
    message = db.session.scalar(query.order_by(OutgoingMessage.id).limit(1).with_for_update(skip_locked=True))
    if message is None:
        db.session.rollback()
        return None
    message.attempts += 1
    # Not due again before this: no other sender takes it while it is sent, and if this sender
    # dies before it records the outcome, the message is tried again after the delay.
    message.next_attempt_at = now + retry_delay(message.attempts)
    taken = (message.id, message.recipient, message.subject, message.text_body, message.html_body, message.reply_to,
             message.attempts)
    # Committed before sending, so that no transaction (nor SQLite's write lock) stays open while
    # the mail server answers.
    db.session.commit()
    return taken


def _send(message_id: int, recipient: str, subject: str, text_body: str, html_body: str | None,
          reply_to: str | None, attempts: int) -> str:
    """Send one taken message and record the outcome: "sent", "retry" or "failed"."""
    try:
        send_mail(recipient, subject, text_body, html_body, reply_to)
    except (MailError, ValueError) as error:
        # A ValueError is a message that no attempt can send (a line break in the address).
        final = isinstance(error, ValueError) or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
        log.warning("Could not e-mail %s about %r (attempt %d%s): %s", recipient, subject, attempts,
                    ", the last" if final else "", error)
        outcome = "failed" if final else "retry"
        changes = {"last_error": str(error)[:limits.MAIL_ERROR], "failed_at": utcnow() if final else None}
    else:
        outcome, changes = "sent", {"sent_at": utcnow(), "last_error": None}
    message = db.session.get(OutgoingMessage, message_id, populate_existing=True)
    for name, value in changes.items():
        setattr(message, name, value)
    db.session.commit()
    return outcome


def undelivered() -> list[OutgoingMessage]:
    """Return the messages not sent yet, waiting or failed for good, oldest first."""
    return list(db.session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.sent_at.is_(None)).order_by(OutgoingMessage.id)
    ))


def after_response(work: Callable[[], None]) -> None:
    """Do `work` once this request's response is finished, then send the messages it queued.

    The work runs in a transaction of its own, which it commits. Use it for work whose duration
    must not show in the answer.
    """
    g.setdefault(_DEFERRED, []).append(work)


def register(app: Flask) -> None:
    """Once each response is finished, do the work the request deferred and send the messages it queued."""

    @app.after_request
    def finish_after_response(response: Response) -> Response:
        queued, deferred = g.pop(_QUEUED, []), g.pop(_DEFERRED, [])
        # After an error the request's transaction was rolled back: nothing of it is to be done.
        if (queued or deferred) and response.status_code < 500:
            environ = request.environ
            # call_on_close runs once the server has written the whole response: the user does
            # not wait for the mail server, and the time taken tells nothing about the recipients.
            response.call_on_close(lambda: _finish(app, environ, deferred, queued))
        return response


def _finish(app: Flask, environ: dict, deferred: list[Callable[[], None]], queued: list[int]) -> None:
    # The request's context is gone by the time its response is closed: the work gets one like it,
    # so that it builds links to this site as the request would have.
    with app.request_context(environ):
        for work in deferred:
            work()
        # A worker busy past gunicorn's timeout is killed: what a large circulation leaves over
        # waits for `flask mail send`.
        send_waiting(ids=queued + g.pop(_QUEUED, []), seconds=current_app.config["MAIL_AFTER_RESPONSE_SECONDS"])
