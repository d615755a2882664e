"""Links that work once and expire: invitations and password resets.

A link carries a row's id and a random secret, signed with the application's SECRET_KEY so that
a tampered link is refused before any lookup. The row keeps only the secret's SHA-256, so a copy
of the database yields no working link.
"""

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def new_secret() -> tuple[str, str]:
    """Return a fresh random secret and the hash to store for it."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    """Return the SHA-256 of a secret, in hexadecimal."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _serializer(purpose: str) -> URLSafeSerializer:
    # The purpose salts the signature: an invitation link can never pass for a password reset.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"drafting {purpose}")


def make_token(purpose: str, row_id: int, secret: str) -> str:
    """Return the signed token to put in a link."""
    return _serializer(purpose).dumps([row_id, secret])


def read_token(purpose: str, token: str) -> tuple[int, str] | None:
    """Return (row id, secret) from a token, or None if it was not signed by us for this purpose."""
    try:
        row_id, secret = _serializer(purpose).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(row_id, int) or not isinstance(secret, str):
        return None
    return row_id, secret


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Tell whether a secret is the one whose hash was stored, in constant time."""
    return hmac.compare_digest(secret_hash(secret), stored_hash)
