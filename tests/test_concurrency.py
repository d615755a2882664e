"""Sign-off under real concurrency: threads, each with its own connection, on a database of their own."""

import threading
from datetime import date, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from config import TestConfig
from drafting import create_app
from drafting.domain import audit, signoff
from drafting.domain.circulation import circulate
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db as _db
from drafting.models import (
    Affirmation,
    AuditEvent,
    Declaration,
    DeclarationState,
    Organization,
    OrganizationKind,
    ParticipantRole,
    UserRole,
)
from tests.conftest import ADOPTED_IN_SESSION, PASSWORD, adopt_as_confirmed
from tests.databases import fresh_database

ROUNDS = 5


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: each thread's requests must get connections of their own."""
    return _db


@pytest.fixture
def live_app(tmp_path):
    with fresh_database(tmp_path) as url:

        class Concurrent(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Concurrent)
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            _db.engine.dispose()


def organization(name, country):
    made = Organization(name=name, kind=OrganizationKind.city, country=country)
    _db.session.add(made)
    return made


def final_text_awaiting_answers(app, number: int) -> dict:
    """Make a declaration whose final text awaits Seoul's answer; return ids and e-mail addresses."""
    with app.app_context():
        host, seoul = organization(f"Tokyo {number}", "JP"), organization(f"Seoul {number}", "KR")
        drafter = create_user(f"drafter{number}@tokyo.example.org", "Drafter", PASSWORD, UserRole.drafter, host)
        delegates = [create_user(f"delegate{number}-{i}@seoul.example.org", f"Delegate {i}", PASSWORD,
                                 UserRole.delegate, seoul) for i in (1, 2)]
        for delegate in delegates:
            mandate_from_the_operator(delegate, utcnow())
        declaration = create_declaration(host, drafter, title=f"Declaration {number}", meeting_name="Meeting",
                                         place="Tokyo", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2))
        add_clause(declaration, None, "We will work together.")
        invite(declaration, seoul, ParticipantRole.participant)
        circulate(declaration, drafter, date.today() + timedelta(days=7), date.today())
        signoff.propose_final(declaration, drafter, date.today() + timedelta(days=7), date.today())
        _db.session.commit()
        return {"declaration": declaration.id, "seoul": seoul.id, "drafter": drafter.email,
                "delegates": [d.email for d in delegates]}


def signed_in_client(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def at_once(*requests):
    """Run the requests in threads released together; return their responses in order."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(index, request):
        barrier.wait()
        responses[index] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def test_two_delegates_of_one_organization_answering_at_once_leave_one_answer(live_app):
    for number in range(ROUNDS):
        case = final_text_awaiting_answers(live_app, number)
        clients = [signed_in_client(live_app, email) for email in case["delegates"]]
        url = f"/declarations/{case['declaration']}/affirmation"
        responses = at_once(
            lambda: clients[0].post(url, data={"answer": "affirmed", "authorised": "y"}),
            lambda: clients[1].post(url, data={"answer": "declined", "authorised": "y"}),
        )
        assert [r.status_code for r in responses] == [302, 302]
        with live_app.app_context():
            answers = _db.session.scalars(
                select(Affirmation).where(Affirmation.organization_id == case["seoul"])
            ).all()
            assert len(answers) == 2 and sum(1 for a in answers if a.live) == 1


def test_a_reopening_and_an_affirmation_at_once_end_consistent(live_app):
    for number in range(ROUNDS):
        case = final_text_awaiting_answers(live_app, number)
        host = signed_in_client(live_app, case["drafter"])
        delegate = signed_in_client(live_app, case["delegates"][0])
        base = f"/declarations/{case['declaration']}"
        responses = at_once(
            lambda: delegate.post(f"{base}/affirmation", data={"answer": "affirmed", "authorised": "y"}),
            lambda: host.post(f"{base}/reopen", data={"reason": "A late change."}),
        )
        assert all(r.status_code in (302, 422) for r in responses), [r.status_code for r in responses]
        with live_app.app_context():
            declaration = _db.session.get(Declaration, case["declaration"])
            assert declaration.state is DeclarationState.consultation
            seoul_answers = _db.session.scalars(
                select(Affirmation).where(Affirmation.organization_id == case["seoul"])
            ).all()
            # Either the affirmation came first and is void now, or it came second and was refused.
            assert all(a.live is None and a.voided_at is not None for a in seoul_answers)


def test_a_database_failure_during_adoption_leaves_the_declaration_in_affirmation(live_app):
    case = final_text_awaiting_answers(live_app, 0)
    with live_app.app_context():
        if _db.engine.dialect.name == "sqlite":
            _db.session.execute(text(
                "CREATE TRIGGER refuse_adoption BEFORE INSERT ON audit_events WHEN NEW.action = 'adopt' "
                "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
            ))
        else:
            _db.session.execute(text(
                "CREATE FUNCTION refuse_adoption() RETURNS trigger AS $$ BEGIN "
                "IF NEW.action = 'adopt' THEN RAISE EXCEPTION 'the disk is full'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"
            ))
            _db.session.execute(text(
                "CREATE TRIGGER refuse_adoption BEFORE INSERT ON audit_events "
                "FOR EACH ROW EXECUTE FUNCTION refuse_adoption()"
            ))
        _db.session.commit()
    host = signed_in_client(live_app, case["drafter"])
    live_app.testing = False  # answer as in production: an error page, not an exception in the test
    response = adopt_as_confirmed(host, case["declaration"], ADOPTED_IN_SESSION)
    assert response.status_code == 500 and "Nothing you sent was saved." in response.get_data(as_text=True)
    with live_app.app_context():
        declaration = _db.session.get(Declaration, case["declaration"])
        assert declaration.state is DeclarationState.affirmation and declaration.adopted_at is None
        assert _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adopt")) is None


def test_events_appended_from_many_sessions_at_once_keep_one_chain_and_one_head(live_app):
    def append(number):
        def run():
            with live_app.app_context():
                audit.record("test", number=number)
                _db.session.commit()
            return True
        return run

    for round_number in range(ROUNDS):
        assert at_once(*(append(f"{round_number}.{i}") for i in range(4))) == [True] * 4
    with live_app.app_context():
        check = audit.verify()
        assert check.intact, check.problem
        assert check.events == 4 * ROUNDS
