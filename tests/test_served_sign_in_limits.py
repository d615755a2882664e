"""Both limits of failed sign-ins, against gunicorn with several workers while Redis is down.

A limit counted in each worker's memory (as Flask-Limiter does while Redis does not answer) would
be multiplied by the number of workers. Both are counted in the database, which every worker and
every server shares: per account and per client address, each refuses at the documented attempt,
even when the guesses arrive all at once.
"""

import threading
from collections import Counter

import pytest

from bench.load import PASSWORD, Client, gunicorn, seeding_app
from config import ServedTestConfig
from drafting.domain.people.accounts import create_user
from drafting.extensions import db as _db
from drafting.models import UserRole
from tests.databases import fresh_database

WORKERS = 4
NO_REDIS = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1"}  # nothing listens there


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: the seeding uses a database of its own."""
    return _db


def attempt(url: str, email: str, password: str, ready: threading.Barrier | None = None,
            address: str | None = None) -> int | None:
    """Sign in from a browser of its own (a new connection, so any worker may answer); return the status.

    `address` is the client address a trusted proxy forwards (the server trusts one hop then).
    """
    browser = Client({"X-Forwarded-For": address} if address else None)
    browser.get(f"{url}/login")
    if ready is not None:
        ready.wait()
    return browser.post(f"{url}/login", {"email": email, "password": password}).status


def test_with_redis_down_several_workers_refuse_exactly_the_eleventh_wrong_password(tmp_path):
    limit = ServedTestConfig.SIGN_IN_FAILURES_PER_ACCOUNT
    with fresh_database(tmp_path) as url, seeding_app(url) as app:
        with app.app_context():
            for name in ("one", "two"):
                create_user(f"{name}@example.org", name.title(), PASSWORD, UserRole.administrator, None)
            _db.session.commit()
        with gunicorn(url, tmp_path / "gunicorn.log", workers=WORKERS, env=NO_REDIS) as server:
            one_by_one = [attempt(server.url, "one@example.org", f"guess {n}") for n in range(limit + 2)]
            assert one_by_one == [422] * limit + [429, 429]

            # Twice as many guesses at once as the limit allows: exactly `limit` are tried.
            ready = threading.Barrier(2 * limit)
            statuses: list[int | None] = []
            threads = [
                threading.Thread(target=lambda n=n: statuses.append(attempt(server.url, "two@example.org", f"guess {n}", ready)))
                for n in range(2 * limit)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert Counter(statuses) == {422: limit, 429: limit}
            assert attempt(server.url, "two@example.org", PASSWORD) == 429


def test_with_redis_down_several_workers_refuse_exactly_at_the_limit_per_address(tmp_path):
    # Password spraying: one guess at each of many accounts, from one address.
    limit = 5
    settings = {**NO_REDIS, "SIGN_IN_FAILURES_PER_ADDRESS": str(limit), "PROXY_FIX_HOPS": "1"}
    with fresh_database(tmp_path) as url, seeding_app(url) as app:
        with app.app_context():
            create_user("one@example.org", "One", PASSWORD, UserRole.administrator, None)
            _db.session.commit()
        with gunicorn(url, tmp_path / "gunicorn.log", workers=WORKERS, env=settings) as server:
            sprayed = [attempt(server.url, f"n{n}@example.org", "guess", address="198.51.100.7")
                       for n in range(limit + 2)]
            assert sprayed == [422] * limit + [429, 429]
            # Even the right password is not tried from that address now; another address is not held up.
            assert attempt(server.url, "one@example.org", PASSWORD, address="198.51.100.7") == 429
            assert attempt(server.url, "one@example.org", PASSWORD, address="198.51.100.8") == 302

            # Four times as many guesses at once, each from another address of one IPv6 /64 (a
            # client may use any of them): exactly `limit` are tried.
            ready = threading.Barrier(4 * limit)
            statuses: list[int | None] = []
            threads = [
                threading.Thread(target=lambda n=n: statuses.append(
                    attempt(server.url, f"m{n}@example.org", "guess", ready, address=f"2001:db8:7:7::{n + 1:x}")))
                for n in range(4 * limit)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            assert Counter(statuses) == {422: limit, 429: 3 * limit}
            assert attempt(server.url, "m99@example.org", "guess", address="2001:db8:7:7:ffff::1") == 429
            assert attempt(server.url, "m99@example.org", "guess", address="2001:db8:7:8::1") == 422
