"""Sign-ins: sessions that end on the server, and failed attempts counted per e-mail address.

The session cookie holds the token of a SignIn row ("<id>:<secret>"), never the bare user id. The
row is what signing out, a password change and deactivation end, so a copy of the cookie is
signed out with the browser it was taken from. Idle and absolute timeouts are checked against
the row's times, on the server.

Failed sign-ins are rows of their own, counted per e-mail address and per client address in the
database that every worker and server shares: both limits hold exactly whatever Redis does, and
many people signing in from one e-mail address or one venue do not lock each other out.
"""

import ipaddress
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from drafting.domain.clock import as_utc
from drafting.domain.people.single_use_links import new_secret, secret_matches
from drafting.extensions import db
from drafting.models import FailedSignIn, SignIn, User, limits

# last_seen_at is written at most once a minute per session, not at every request.
ACTIVITY_PRECISION = timedelta(minutes=1)
# Expired failures deleted by each new one, so that the table stays small without a cron job.
PURGED_AT_ONCE = 100


def begin(user: User, now: datetime) -> SignIn:
    """Record a new session of the user and attach it to them, so that Flask-Login stores its token."""
    lifetime = current_app.config["SESSION_LIFETIME"]
    db.session.execute(
        delete(SignIn)
        .where(SignIn.user_id == user.id, or_(SignIn.ended_at.is_not(None), SignIn.created_at < now - lifetime))
        .execution_options(synchronize_session="fetch")
    )
    secret, stored = new_secret()
    sign_in = SignIn(user=user, secret_hash=stored, created_at=now, last_seen_at=now)
    db.session.add(sign_in)
    db.session.flush()
    sign_in.token = f"{sign_in.id}:{secret}"
    user.sign_in = sign_in
    return sign_in


def is_live(sign_in: SignIn, now: datetime) -> bool:
    """Tell whether a session is still on: not ended, its account active, neither idle nor too old."""
    config = current_app.config
    return (
        sign_in.ended_at is None
        and sign_in.user.is_active
        and now - as_utc(sign_in.last_seen_at) < config["SESSION_IDLE_TIMEOUT"]
        and now - as_utc(sign_in.created_at) < config["SESSION_LIFETIME"]
    )


def resume(token: str, now: datetime) -> SignIn | None:
    """Return the live session a cookie's token names, noting this request as activity; None if there is none."""
    sign_in_id, _, secret = (token or "").partition(":")
    # The user's organization comes in the same query: every page names it, and every answer records it.
    sign_in = (
        db.session.get(SignIn, int(sign_in_id), options=[joinedload(SignIn.user).joinedload(User.organization)])
        if sign_in_id.isdigit() else None
    )
    if sign_in is None or not secret_matches(secret, sign_in.secret_hash) or not is_live(sign_in, now):
        return None
    if now - as_utc(sign_in.last_seen_at) >= ACTIVITY_PRECISION:
        sign_in.last_seen_at = now
    sign_in.token = token
    sign_in.user.sign_in = sign_in
    return sign_in


def end(sign_in: SignIn, now: datetime) -> None:
    """End one session: its cookie, and every copy of it, is signed out."""
    sign_in.ended_at = now
    db.session.flush()


def end_all(user: User, now: datetime) -> None:
    """End every session of the user."""
    for sign_in in db.session.scalars(select(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None))):
        sign_in.ended_at = now
    db.session.flush()


class TooManyFailures(Exception):
    """The e-mail address failed to sign in too often lately; `minutes` says how long the wait may be."""

    def __init__(self, minutes: int):
        super().__init__(f"Too many failed sign-ins; wait {minutes} minutes.")
        self.minutes = minutes


class TooManyFailuresFromAddress(TooManyFailures):
    """The client's address failed to sign in too often lately, whatever e-mail addresses it tried."""


def _counted_as(email: str) -> str:
    # An address longer than any account's (lower-casing may lengthen it) is counted by its start.
    return email[:limits.EMAIL]


def counted_address(remote_addr: str | None) -> str | None:
    """Return the client address that failures count against: an IPv6 address as its /64, the rest as they are.

    An IPv6 client is handed a /64 and may take any address in it, so each guess could come from
    a new one; an IPv4-mapped IPv6 address counts as its IPv4 address.
    """
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return remote_addr[:limits.CLIENT_ADDRESS] if remote_addr else None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _hold(name: str) -> None:
    # Attempts on one e-mail address, or from one client address, take turns, so that guesses
    # arriving together on several workers cannot all pass the count before any is recorded.
    # SQLite needs nothing: every transaction there takes the database's write lock as it begins
    # (drafting/__init__.py).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"sign-in {name}", 0))))


def _failures(where, now: datetime) -> int:
    window = current_app.config["SIGN_IN_FAILURE_WINDOW"]
    return db.session.scalar(
        select(func.count()).select_from(FailedSignIn).where(where, FailedSignIn.failed_at > now - window)
    )


def admit(email: str, now: datetime, address: str | None = None) -> None:
    """Let an attempt to sign in as this e-mail address, from this client address, go ahead, or raise
    TooManyFailures (TooManyFailuresFromAddress) without trying the password.

    `address` is the client's (request.remote_addr); None counts the e-mail address only. The
    holds last until the transaction ends: record the failure, if any, before committing.
    """
    config = current_app.config
    minutes = round(config["SIGN_IN_FAILURE_WINDOW"].total_seconds() / 60)
    # Always the e-mail address first, then the client address: two attempts never wait for each other in a circle.
    _hold(_counted_as(email))
    if _failures(FailedSignIn.email == _counted_as(email), now) >= config["SIGN_IN_FAILURES_PER_ACCOUNT"]:
        raise TooManyFailures(minutes)
    client = counted_address(address)
    if client is not None:
        _hold(f"from {client}")
        if _failures(FailedSignIn.address == client, now) >= config["SIGN_IN_FAILURES_PER_ADDRESS"]:
            raise TooManyFailuresFromAddress(minutes)


def record_failure(email: str, now: datetime, address: str | None = None) -> None:
    """Count a failed sign-in against this e-mail address and client address, and forget a few failures too old to count."""
    db.session.add(FailedSignIn(email=_counted_as(email), address=counted_address(address), failed_at=now))
    window = current_app.config["SIGN_IN_FAILURE_WINDOW"]
    # SKIP LOCKED: two attempts purging at once never wait for each other, nor deadlock.
    expired = (
        select(FailedSignIn.id).where(FailedSignIn.failed_at <= now - window)
        .order_by(FailedSignIn.id).limit(PURGED_AT_ONCE).with_for_update(skip_locked=True)
    )
    db.session.execute(delete(FailedSignIn).where(FailedSignIn.id.in_(expired)).execution_options(synchronize_session=False))
    db.session.flush()


def forget_failures(email: str) -> None:
    """Forget the failed sign-ins of an address whose account got a new password: its owner signs in at once."""
    db.session.execute(delete(FailedSignIn).where(FailedSignIn.email == email).execution_options(synchronize_session=False))
