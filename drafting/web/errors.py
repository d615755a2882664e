"""Error pages."""

import logging

from flask import Flask, g, render_template
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import SecurityError

from drafting.domain.text.characters import NulCharacter
from drafting.extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. If you submitted a form, reload the page and try again."),
    403: ("Not allowed", "Your account may see this page but not do this."),
    404: ("Not found", "There is no such page, or you may not see it."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Someone else changed this in the meantime."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many attempts from your address: wait a minute, then try again."),
    500: ("Something went wrong", "The error has been logged. Nothing you sent was saved."),
    503: ("Back in a moment", "The database is not answering. Nothing you sent was saved; try again in a minute."),
}


def _as_anonymous() -> None:
    # The layout names the signed-in user, which may need the database; a page about a failure
    # must not fail again, so it is rendered for nobody in particular.
    g._login_user = login_manager.anonymous_user()


def register(app: Flask) -> None:
    """Render every HTTP error with the site's layout, rolling back any half-done change."""

    def handle(error):
        db.session.rollback()
        code = getattr(error, "code", 500) or 500
        if code >= 500:
            _as_anonymous()
        title, message = MESSAGES.get(code, (getattr(error, "name", "Error"), ""))
        return render_template("errors/error.html", code=code, title=title, message=message), code

    def database_unavailable(error):
        log.error("The database is not answering: %s", error.orig)
        _as_anonymous()
        try:
            db.session.rollback()
        except OperationalError:
            pass  # the connection is gone; the pool replaces it on the next checkout
        title, message = MESSAGES[503]
        return render_template("errors/error.html", code=503, title=title, message=message), 503

    def untrusted_host(error):
        # The page layout's links would be built on the foreign host: answer in plain text instead.
        return "This site does not answer to that host name.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    def nul_character(error):
        db.session.rollback()
        return render_template("errors/error.html", code=400, title=MESSAGES[400][0], message=str(error)), 400

    for code in MESSAGES:
        app.register_error_handler(code, handle)
    app.register_error_handler(NulCharacter, nul_character)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(OperationalError, database_unavailable)
