"""The per-account limit of failed sign-ins, against gunicorn with several workers while Redis is down.

Each worker counts per-address attempts in its own memory while Redis does not answer, so a limit
kept there would be multiplied by the number of workers. The per-account limit is counted in the
database, which every worker and every server shares: it refuses at the documented attempt, even
when the guesses arrive all at once.
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


def attempt(url: str, email: str, password: str, ready: threading.Barrier | None = None) -> int | None:
    """Sign in from a browser of its own (a new connection, so any worker may answer); return the status."""
    browser = Client()
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
