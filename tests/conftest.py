"""Fixtures: one app and database for the run, each test in a transaction that is rolled back.

Factories commit what they make. Inside a test a commit only releases a savepoint, so the data
still goes at the end of the test, but it survives the rollback that an error page does.
"""

import itertools
import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from config import TestConfig
from drafting import create_app
from drafting.domain import circulation
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.extensions import db as _db
from drafting.extensions import limiter
from drafting.domain.clock import utcnow
from drafting.models import (
    ClauseTemplate, DeclarationState, Mandate, MandateStatus, Organization, OrganizationKind, ParticipantRole,
    TemplateCategory, UserRole,
)
from tests.databases import suite_database_url

PASSWORD = "correct horse battery staple"
# Why a test adopts before every participant answered: signoff.adopt asks for a reason then.
ADOPTED_IN_SESSION = "The meeting adopted the text in its closing session."


def adopt_as_confirmed(client, declaration_id: int, reason: str | None = None):
    """Open the adoption page as the host does and confirm it, without the missing answers if a reason is given;
    return the response to the confirmation."""
    page = client.get(f"/declarations/{declaration_id}/adopt").get_data(as_text=True)
    seen = re.search(r'name="answers_seen" type="hidden" value="([^"]*)"', page)
    data = {"answers_seen": seen.group(1) if seen else ""}
    if reason is not None:
        data |= {"without_missing_answers": "y", "reason": reason}
    return client.post(f"/declarations/{declaration_id}/adopt", data=data)


class FreshContextClient(FlaskClient):
    """A test client whose requests start with an empty `g` and end as a server ends them.

    Tests hold an app context so that factories can use the session; Flask then reuses that
    context for the client's requests, which would carry the signed-in user (cached in `g` by
    Flask-Login) from one request to the next. A real server starts each request afresh.
    A real server also closes each response once written, which sends the e-mails the request
    queued (drafting.rendering.outbox): a buffered response is closed as soon as it is read. And
    it ends each request's session, which rolls back whatever the request did not commit.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.rollback()
        return response


class ConnectionBoundSession(Session):
    """A session that always uses the test's connection.

    Flask-SQLAlchemy's own session picks the engine for each statement, which would take a fresh
    connection outside the test's transaction and make every commit permanent.
    """

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class SuiteConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = suite_database_url(tmp_path_factory.mktemp("database"))

    application = create_app(SuiteConfig)
    application.test_client_class = FreshContextClient
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    """Run the test inside a transaction that is rolled back, whatever the code under test commits."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        saved_session = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": ConnectionBoundSession,
             "expire_on_commit": False}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            _db.session = saved_session


@pytest.fixture(autouse=True)
def limits_as_configured(app):
    """Give the suite's app back its own rate limiting after a test that made a rate-limited app.

    The limiter is one object: creating another app with RATELIMIT_ENABLED switches it on for the
    suite's app too, with that app's counts, which refused the next tests' requests for a minute.
    """
    yield
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Sign the test client in as the given user (made by make_user, whose password is PASSWORD)."""

    def login(user):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def make_organization():
    numbers = itertools.count(1)

    def make(name=None, country="JP", kind=OrganizationKind.city, local_name=None):
        organization = Organization(
            name=name or f"Test City {next(numbers)}", country=country, kind=kind, local_name=local_name
        )
        _db.session.add(organization)
        _db.session.commit()
        return organization

    return make


@pytest.fixture
def make_user(make_organization):
    numbers = itertools.count(1)

    def make(role=UserRole.drafter, organization=None, email=None, name=None, mandate=True):
        """A delegate holds a confirmed mandate for every declaration unless `mandate` is False,
        as one an administrator opened would."""
        if organization is None and role is not UserRole.administrator:
            organization = make_organization()
        number = next(numbers)
        user = create_user(
            email or f"user{number}@example.org", name or f"Test User {number}", PASSWORD, role, organization
        )
        if role is UserRole.delegate and mandate:
            _db.session.add(Mandate(organization_id=organization.id, user=user, email=user.email,
                                    status=MandateStatus.confirmed, confirmed_at=utcnow()))
        _db.session.commit()
        return user

    return make


@pytest.fixture
def make_declaration(make_organization):
    def make(host=None, clauses=0, state=None, **fields):
        values = dict(
            title="Tokyo Declaration",
            meeting_name="Plenary Meeting of the Asian Network of Major Cities 21",
            meeting_number=9,
            meeting_acronym="ANMC21",
            place="Tokyo",
            starts_on=date(2010, 11, 8),
            ends_on=date(2010, 11, 9),
        )
        values.update(fields)
        declaration = create_declaration(host or make_organization(), None, **values)
        for number in range(1, clauses + 1):
            add_clause(declaration, heading=f"Heading {number}", body=f"Body of clause {number}.")
        if state is not None:
            declaration.state = state
        _db.session.commit()
        return declaration

    return make


@pytest.fixture
def make_co_host(make_user):
    """Propose an organization co-host of a declaration, accepted by a drafter of its own; return the Participant."""
    from drafting.domain.people import participants

    def make(declaration, organization):
        participant = participants.invite(declaration, organization, ParticipantRole.host)
        # For a declaration made straight into a later state: the co-host accepted while the text could change.
        state, declaration.state = declaration.state, DeclarationState.drafting
        participants.answer_co_host_proposal(participant, make_user(organization=organization), accept=True)
        declaration.state = state
        _db.session.commit()
        return participant

    return make


@pytest.fixture
def circulate(make_user):
    """Circulate a declaration's working draft as its next draft, by a host drafter; return the Version."""

    def circulate(declaration, by=None, deadline=None):
        drafter = by or make_user(organization=declaration.host)
        version = circulation.circulate(
            declaration, drafter, deadline or date.today() + timedelta(days=14), date.today()
        )
        _db.session.commit()
        return version

    return circulate


@pytest.fixture
def make_template():
    def make(name="Joint projects", body="We will continue our joint projects.", heading=None,
             category=TemplateCategory.cooperation, language="en"):
        template = ClauseTemplate(name=name, body=body, heading=heading, category=category, language=language)
        _db.session.add(template)
        _db.session.commit()
        return template

    return make


@pytest.fixture
def count_queries(db):
    """Count the SQL statements run inside a `with count_queries() as counted:` block."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def propose_final(make_user):
    """Propose a declaration's working draft as its final text, by a host drafter; return the Version."""
    from drafting.domain import signoff

    def propose(declaration, by=None, deadline=None):
        drafter = by or make_user(organization=declaration.host)
        version = signoff.propose_final(
            declaration, drafter, deadline or date.today() + timedelta(days=14), date.today()
        )
        _db.session.commit()
        return version

    return propose


@pytest.fixture
def outbox(app, monkeypatch, tmp_path):
    """Send the application's mail as .eml files into a folder of this test's own; return a function
    that reads the messages sent so far, parsed, in sending order."""
    import email
    import email.policy

    directory = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(directory))

    def sent() -> list:
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(directory.glob("*.eml"))
        ]

    return sent
