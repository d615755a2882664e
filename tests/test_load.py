"""The load test of bench/load.py, smaller: delegates answering one final text at once, against gunicorn
with 4 workers on PostgreSQL, then again while a worker is killed.

Only the facts are asserted; the latencies are printed (`pytest -s` shows them), never tested.
Restarting PostgreSQL is left to the bench: under a running suite it would cut the suite's own
connections.
"""

import pytest

from bench.load import clean_answers, served, worker_killed
from config import database_url
from drafting.extensions import db as _db
from tests.databases import fresh_database

DELEGATES = 24

pytestmark = pytest.mark.skipif(
    not (database_url("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="The load test needs gunicorn on PostgreSQL: set TEST_DATABASE_URL (the PostgreSQL pass of `make test`).",
)


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: the seeding and the checks use a database of their own."""
    return _db


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """Seed a fresh database with DELEGATES delegates, serve it with gunicorn, sign everyone in."""
    folder = tmp_path_factory.mktemp("load")
    with fresh_database(folder) as url, served(url, DELEGATES, folder / "gunicorn.log") as bench:
        yield bench


def test_delegates_answering_at_once_are_each_recorded_once(bench):
    assert clean_answers(bench) == []


def test_a_worker_killed_mid_load_loses_no_committed_answer_and_half_writes_none(bench):
    assert worker_killed(bench) == []
