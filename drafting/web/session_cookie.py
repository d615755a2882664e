"""The session cookie as Flask signs it, with the signing serializer made once for each key instead of at every request."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session; its serializer is kept while SECRET_KEY and SECRET_KEY_FALLBACKS stay the same.

    Flask makes a new one for every request, whether it carries a cookie or not: a third of the time of a request
    for a public PDF's 304, before our view runs.
    """

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]
