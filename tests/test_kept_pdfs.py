"""The adopted PDFs a process keeps in memory (drafting.rendering.kept_pdfs): served again without a question to the
database, and no longer once the database changes under them, whoever changes it."""

import gc
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import event, select

from config import TestConfig
from drafting import create_app
from drafting.domain import signoff
from drafting.domain.people.accounts import find_user
from drafting.extensions import db as _db
from drafting.models import Answer, Declaration, StoredPdf, Version
from drafting.rendering import kept_pdfs, stored_pdfs
from tests.conftest import ADOPTED_IN_SESSION
from tests.databases import fresh_database
# Their `db` leaves db.session to Flask-SQLAlchemy: each application reads through its own pool, as a server does.
from tests.test_concurrency import db, final_text_awaiting_answers  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
# How long a change made by hand may take to reach a process: the moment its notification travels.
NOTICE_SECONDS = 5


@pytest.fixture
def database_url(tmp_path):
    with fresh_database(tmp_path) as url:
        yield url


@pytest.fixture
def live_app(database_url):
    """Make applications on the test's database, each standing for a process of a server; close their connections."""
    made = []

    def make(**settings):
        app = create_app(type("Kept", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings}))
        with app.app_context():
            upgrade()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            _db.engine.dispose()


def adopted_declaration(app) -> int:
    """Adopt a declaration whose final text Seoul affirmed; return its id."""
    case = final_text_awaiting_answers(app, 0)
    with app.app_context():
        declaration = _db.session.get(Declaration, case["declaration"])
        signoff.answer(declaration.versions[-1], find_user(case["delegates"][0]), Answer.affirmed, True)
        signoff.adopt(declaration, find_user(case["drafter"]), without_missing_answers_reason=ADOPTED_IN_SESSION)
        _db.session.commit()
        return declaration.id


def statements_of(app, request) -> tuple[int, object]:
    """Make the request (a function of nothing); return how many SQL statements it ran, and its response."""
    with app.app_context():
        engine = _db.engine
    ran = []

    def count(*args):
        ran.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = request()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(ran), response


def change_by_hand(database_url: str, statement: str, declaration_id: int) -> None:
    """Change the database from outside the application, as an administrator's psql or a restore would."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with connection:
            connection.execute(statement.replace("TRUNCATE", "DELETE FROM").replace("%(id)s", "?"),
                               (declaration_id,) if "%(id)s" in statement else ())
        connection.close()
        return
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        connection.execute(statement, {"id": declaration_id})


def eventually(check) -> bool:
    given_up = time.monotonic() + NOTICE_SECONDS
    while not check():
        if time.monotonic() > given_up:
            return False
        time.sleep(0.05)
    return True


def test_a_pdf_served_once_is_served_again_and_revalidated_without_a_question_to_the_database(database_url, live_app):
    app = live_app()
    declaration_id = adopted_declaration(app)
    client = app.test_client()
    url = f"/declarations/{declaration_id}/declaration.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    statements, again = statements_of(app, lambda: client.get(url))
    revalidating, revalidated = statements_of(app, lambda: client.get(url, headers={"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 200 and again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert revalidated.status_code == 304 and revalidated.data == b""
    if database_url.startswith("postgresql"):
        assert (statements, revalidating) == (0, 0)
    else:
        # SQLite notifies no one of a change: every request reads the database, in-process.
        assert statements >= 1 and revalidating >= 1


@pytest.mark.parametrize("statement", [
    "UPDATE declarations SET state = 'affirmation' WHERE id = %(id)s",
    "UPDATE versions SET is_final = false WHERE declaration_id = %(id)s",
    "DELETE FROM stored_pdfs WHERE kind = 'adopted'",
    "TRUNCATE stored_pdfs",
])
def test_a_change_by_hand_reaches_the_next_requests_of_every_process(database_url, live_app, statement):
    # Two applications on one database stand for two processes of a server: the one that did not change it
    # still hears of the change.
    app, other = live_app(), live_app()
    declaration_id = adopted_declaration(app)
    urls = [f"/declarations/{declaration_id}/declaration.pdf", f"/declarations/{declaration_id}/declaration.pdf?size=letter"]
    etags = {}
    for served in (app, other):
        for url in urls:
            response = served.test_client().get(url)
            assert response.status_code == 200
            etags[url] = response.headers["ETag"]
    change_by_hand(database_url, statement, declaration_id)
    if "state" in statement or "is_final" in statement:
        # No longer adopted: no PDF for anyone, nor a 304 to one who holds its tag.
        for served in (app, other):
            for url in urls:
                assert eventually(lambda: served.test_client().get(url).status_code == 404), (statement, url)
                assert served.test_client().get(url, headers={"If-None-Match": etags[url]}).status_code == 404
    elif "stored_pdfs" in statement:
        # Still adopted, its PDF gone: the next request makes it again, and keeps it in the database.
        def stored_again() -> bool:
            return other.test_client().get(urls[0]).status_code == 200 and stored_count(other, declaration_id) == 1

        assert eventually(stored_again)


def stored_count(app, declaration_id: int) -> int:
    with app.app_context():
        found = _db.session.scalars(select(StoredPdf.id).join(Version).where(
            Version.declaration_id == declaration_id, StoredPdf.kind == "adopted", StoredPdf.page_size == "A4")).all()
        _db.session.rollback()
        return len(found)


def postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("Only PostgreSQL notifies: on SQLite nothing is kept in memory.")


def served_then_withdrawn_untold(app, database_url: str, end_listening: bool) -> str:
    """Serve an adopted declaration's PDF, then take its adoption away with no notification (triggers off for that
    session, as a restore's may be), first ending the process's listening connection if end_listening; return the
    PDF's address."""
    declaration_id = adopted_declaration(app)
    url = f"/declarations/{declaration_id}/declaration.pdf"
    assert app.test_client().get(url).status_code == 200
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as connection:
        if end_listening:
            ended = connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                       "datname = current_database() AND query = 'LISTEN published_pdfs'").fetchall()
            assert ended == [(True,)]
        connection.execute("SET session_replication_role = replica")
        connection.execute("UPDATE declarations SET state = 'affirmation' WHERE id = %(id)s", {"id": declaration_id})
    return url


def test_a_process_that_lost_its_database_connection_forgets_what_it_kept(database_url, live_app):
    # The server restarted, or an administrator ended the connection: what changed meanwhile was told to no one.
    postgresql_only(database_url)
    app = live_app()
    url = served_then_withdrawn_untold(app, database_url, end_listening=True)
    assert eventually(lambda: app.test_client().get(url).status_code == 404)


def test_a_change_no_one_was_told_of_is_not_seen_by_the_memory(database_url, live_app):
    # The counterpart of the test above: what empties the memory is the notification, or the connection's end.
    postgresql_only(database_url)
    app = live_app()
    url = served_then_withdrawn_untold(app, database_url, end_listening=False)
    time.sleep(0.5)
    assert app.test_client().get(url).status_code == 200


def test_the_memory_keeps_the_most_recently_served_within_its_bytes(database_url, live_app):
    postgresql_only(database_url)
    declaration_id = adopted_declaration(live_app())
    with live_app().app_context():
        sizes = {size: len(content) for size, content in _db.session.execute(
            select(StoredPdf.page_size, StoredPdf.content).join(Version).where(Version.declaration_id == declaration_id))}
        _db.session.rollback()
    # Room for either PDF, not both.
    app = live_app(KEPT_PDF_BYTES=max(sizes.values()) + 1)
    client = app.test_client()
    a4, letter = (f"/declarations/{declaration_id}/declaration.pdf{size}" for size in ("", "?size=letter"))
    for url in (a4, a4, letter):
        assert client.get(url).status_code == 200
    assert statements_of(app, lambda: client.get(letter))[0] == 0
    assert statements_of(app, lambda: client.get(a4))[0] > 0, "the A4 PDF gave way to the Letter one"
    # A PDF larger than the whole memory is never kept; with no memory at all, none is.
    for limit_bytes in (min(sizes.values()) - 1, 0):
        small = live_app(KEPT_PDF_BYTES=limit_bytes)
        for _ in range(2):
            statements, response = statements_of(small, lambda: small.test_client().get(a4))
            assert statements > 0 and response.status_code == 200


def test_kept_pdf_megabytes_sets_the_memory_from_the_environment():
    # As README's "Configuration" names it: read once, as config.py is imported.
    for megabytes, expected in (("0", 0), ("2", 2 * 1024 * 1024)):
        shown = subprocess.run([sys.executable, "-c", "from config import Config; print(Config.KEPT_PDF_BYTES)"],
                               env={**os.environ, "KEPT_PDF_MEGABYTES": megabytes}, cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
        assert int(shown) == expected


def test_a_pdf_read_before_a_change_is_not_kept_after_the_memory_heard_of_it(database_url, live_app, monkeypatch):
    # A request has read the PDF; a change commits and another request empties the memory; then the first one
    # would keep what it read, and serve it until the next notification.
    postgresql_only(database_url)
    app = live_app()
    declaration_id = adopted_declaration(app)
    a4, letter = (f"/declarations/{declaration_id}/declaration.pdf{size}" for size in ("", "?size=letter"))
    read, go_on = threading.Event(), threading.Event()
    reading = stored_pdfs.published_pdf

    def held_after_reading_a4(declaration_id, page_size="A4", with_content=True):
        found = reading(declaration_id, page_size, with_content)
        if page_size == "A4" and not read.is_set():
            read.set()
            go_on.wait(NOTICE_SECONDS)
        return found

    monkeypatch.setattr(stored_pdfs, "published_pdf", held_after_reading_a4)
    first = []
    thread = threading.Thread(target=lambda: first.append(app.test_client().get(a4).status_code))
    thread.start()
    assert read.wait(NOTICE_SECONDS)
    change_by_hand(database_url, "UPDATE declarations SET state = 'affirmation' WHERE id = %(id)s", declaration_id)
    assert eventually(lambda: app.test_client().get(letter).status_code == 404)
    go_on.set()
    thread.join()
    assert first == [200]
    assert app.test_client().get(a4).status_code == 404


def test_the_workflow_itself_notifies_no_one(database_url, live_app):
    # Every notification empties every process's memory: drafting, circulating, answering and adopting must not.
    postgresql_only(database_url)
    app = live_app()
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as listener:
        listener.execute("LISTEN published_pdfs")
        declaration_id = adopted_declaration(app)
        client = app.test_client()
        for url in (f"/declarations/{declaration_id}/declaration.pdf", "/archive", f"/archive/{declaration_id}",
                    "/api/declarations"):
            assert client.get(url).status_code == 200
        assert [notice.payload for notice in listener.notifies(timeout=0.5)] == []


def test_a_change_no_one_was_told_of_is_seen_once_the_connection_was_trusted_long_enough(database_url, live_app):
    # A connection a firewall dropped silently hears nothing: the memory trusts one for POOL_PING_AFTER at most.
    postgresql_only(database_url)
    app = live_app(POOL_PING_AFTER=timedelta(seconds=1))
    url = served_then_withdrawn_untold(app, database_url, end_listening=False)
    assert eventually(lambda: app.test_client().get(url).status_code == 404)


def listening_sessions(database_url: str) -> int:
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND query = 'LISTEN published_pdfs'").fetchone()[0]


def test_a_process_listens_on_one_connection_however_often_it_listens_anew(database_url, live_app):
    # Each connection trusted long enough is replaced, and closed: a server's process lives for days.
    postgresql_only(database_url)
    app = live_app(POOL_PING_AFTER=timedelta(0))
    declaration_id = adopted_declaration(app)
    for _ in range(5):
        assert app.test_client().get(f"/declarations/{declaration_id}/declaration.pdf").status_code == 200
    assert eventually(lambda: listening_sessions(database_url) == 1)


def test_a_database_that_refuses_to_listen_is_read_every_time_and_left_no_connection(database_url, live_app, monkeypatch):
    # A hot standby refuses LISTEN; a channel name PostgreSQL cannot read stands for it here.
    postgresql_only(database_url)
    app = live_app()
    declaration_id = adopted_declaration(app)
    monkeypatch.setattr(kept_pdfs, "CHANNEL", "no such channel")
    for _ in range(3):
        statements, response = statements_of(app, lambda: app.test_client().get(f"/declarations/{declaration_id}/declaration.pdf"))
        assert response.status_code == 200 and statements > 0
    gc.collect()  # a connection left open would warn as it is collected, and the warning fails the test
    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        assert eventually(lambda: connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
        ).fetchone()[0] == 0)
