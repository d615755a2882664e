"""An answer and the host's change of the declaration at the same moment: no stale answer gets in.

An answer checks who answers and what they wrote first, then takes the declaration's row lock only to
check again what a reopening, a withdrawal or a new final text changes under that lock, and to write.
These races hold that lock from the test, so that the answers have passed their first checks and wait
for it while the host changes the declaration. They need PostgreSQL, where a transaction that has only
read takes no lock; SQLite lets one transaction in at a time from its start (BEGIN IMMEDIATE), so there
no answer can have read anything before the host's change is committed.
"""

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from drafting.domain import audit, signoff, workflow
from drafting.domain.people.accounts import find_user
from drafting.extensions import db as _db
from drafting.models import Affirmation, AuditEvent, Declaration, DeclarationState
# The fixtures of the sign-off races: a database of the test's own, and `db.session` left to each thread.
from tests.test_concurrency import db, final_text_awaiting_answers, live_app, signed_in_client  # noqa: F401

WAIT_FOR_LOCK = 20  # seconds: how long the answers may take to reach the row lock before the test gives up
ANSWER = {"answer": "affirmed", "authorised": "y"}
HOST_DRAFTER = "drafter0@tokyo.example.org"  # of final_text_awaiting_answers(app, 0)


def waiting_for_a_lock(app) -> int:
    """Return how many of the database's sessions wait for a lock another holds (PostgreSQL)."""
    with app.app_context():
        waiting = _db.session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ))
        _db.session.rollback()
        return waiting


def answers_while_the_lock_is_held(app, case, requests, change) -> list:
    """Hold the declaration's row lock, send the requests (each a function of nothing) in threads, wait
    until each waits for that lock, make the `change` (a function of the locked declaration) in the same
    transaction and commit it; return the requests' responses."""
    responses = [None] * len(requests)

    def run(index, request):
        responses[index] = request()

    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one transaction in at a time from its start: no answer reads before the lock.")
        declaration = workflow.lock(_db.session.get(Declaration, case["declaration"]))
        threads = [threading.Thread(target=run, args=(index, request)) for index, request in enumerate(requests)]
        for thread in threads:
            thread.start()
        given_up = time.monotonic() + WAIT_FOR_LOCK
        while waiting_for_a_lock(app) < len(requests) and time.monotonic() < given_up:
            time.sleep(0.02)
        assert waiting_for_a_lock(app) == len(requests), "the answers never came to wait for the declaration's lock"
        change(declaration)
        _db.session.commit()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def seoul_answers(app, case) -> list[Affirmation]:
    with app.app_context():
        return _db.session.scalars(
            select(Affirmation).where(Affirmation.organization_id == case["seoul"]).order_by(Affirmation.id)
        ).all()


def chain_and_answer_events(app, case) -> tuple[bool, int]:
    with app.app_context():
        events = _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.declaration_id == case["declaration"], AuditEvent.action == "answer"))
        return audit.verify().intact, events


def reopen(declaration):
    signoff.reopen(declaration, find_user(HOST_DRAFTER), "A late change.")


def withdraw(declaration):
    signoff.withdraw(declaration, find_user(HOST_DRAFTER), "The meeting was cancelled.")


def reopen_and_propose_again(declaration):
    reopen(declaration)
    signoff.propose_final(declaration, find_user(HOST_DRAFTER), date.today() + timedelta(days=7),
                          date.today())


@pytest.mark.parametrize("change, state, refusal", [
    (reopen, DeclarationState.consultation, "The declaration is in consultation: it takes no answers now."),
    (withdraw, DeclarationState.withdrawn, "The declaration is in withdrawn: it takes no answers now."),
    (reopen_and_propose_again, DeclarationState.affirmation, "This is not the final text under affirmation."),
])
def test_an_answer_waiting_while_the_host_changes_the_declaration_is_refused_and_records_nothing(
    live_app, change, state, refusal
):
    case = final_text_awaiting_answers(live_app, 0)
    delegate = signed_in_client(live_app, case["delegates"][0])
    url = f"/declarations/{case['declaration']}/affirmation"

    [response] = answers_while_the_lock_is_held(live_app, case, [lambda: delegate.post(url, data=ANSWER)], change)

    assert response.status_code == 422 and refusal in response.get_data(as_text=True)
    assert seoul_answers(live_app, case) == []
    with live_app.app_context():
        declaration = _db.session.get(Declaration, case["declaration"])
        assert declaration.state is state
    assert chain_and_answer_events(live_app, case) == (True, 0)


def test_two_delegates_of_one_organization_waiting_for_the_lock_leave_one_live_answer(live_app):
    case = final_text_awaiting_answers(live_app, 0)
    clients = [signed_in_client(live_app, email) for email in case["delegates"]]
    url = f"/declarations/{case['declaration']}/affirmation"

    responses = answers_while_the_lock_is_held(live_app, case, [
        lambda: clients[0].post(url, data={"answer": "affirmed", "authorised": "y"}),
        lambda: clients[1].post(url, data={"answer": "declined", "authorised": "y"}),
    ], lambda declaration: None)

    assert [response.status_code for response in responses] == [302, 302]
    answers = seoul_answers(live_app, case)
    assert len(answers) == 2 and [a.live for a in answers] == [None, True]
    assert answers[0].superseded_at is not None
    assert chain_and_answer_events(live_app, case) == (True, 2)
