"""Forms that create something are safe to send twice: the back button and a second click, a
browser that retries, two tabs of the same page.

Each such form carries a random key, made when it is shown ({{ submission_key() }} in its
template). The view that receives
it is decorated with @once: before the view runs, the key is written in the same transaction as
whatever the view creates. If the view fails, its transaction is rolled back and the key with it,
so the corrected form can be sent again. If the same key arrives again, the unique key refuses it
(on PostgreSQL the second request waits for the first to commit), and the user is sent where the
first submission's result is shown, told that nothing was added a second time.
"""

import re
import secrets
from functools import wraps

from flask import flash, redirect, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from drafting.extensions import db
from drafting.models import FormSubmission

FIELD = "submission"
_KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")
ALREADY_SENT = "This form was sent already: nothing was added a second time."


def key_field() -> Markup:
    """Return the hidden field of a fresh form key: 32 random bytes, URL-safe."""
    # Safe: the value is base64url, which holds no character HTML treats specially.
    return Markup(f'<input type="hidden" name="{FIELD}" value="{secrets.token_urlsafe(32)}">')  # nosec B704


def _seen_before(key: str) -> bool:
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(key=key, user_id=user_id))
    except IntegrityError:
        return True
    return False


def once(back):
    """Decorate a view that creates something; `back(**view_args)` gives the address where the
    result of a first submission shows, for a form sent again.

    A POST without a well-formed key is left to the view: only our own forms carry one.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(**view_args):
            key = request.form.get(FIELD, "")
            if request.method == "POST" and _KEY.match(key) and _seen_before(key):
                flash(ALREADY_SENT, "warning")
                return redirect(back(**view_args))
            return view(**view_args)

        return wrapped

    return decorator
