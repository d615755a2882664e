"""The database itself holds every user-text column to the limits the forms apply (issue 2).

SQLite enforces no VARCHAR(n), so without CHECK constraints a bug or a second writer could store
what no form accepts. The rows here are changed with statements of their own, past the forms and
the services, on SQLite and PostgreSQL alike; and a database that already holds data upgrades to
these constraints, and back, without losing any of it.
"""

from datetime import timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, MetaData, inspect, select
from sqlalchemy.exc import DataError, IntegrityError

from config import TestConfig
from drafting import create_app
from drafting.demo import load_demo
from drafting.domain import audit
from drafting.domain.clock import utcnow
from drafting.extensions import db as _db
from drafting.models import (
    Affirmation,
    Answer,
    ClauseTemplate,
    Comment,
    Declaration,
    DelegateInvitation,
    Network,
    Organization,
    OrganizationKind,
    User,
    UserRole,
    Version,
    limits,
)
from tests.databases import fresh_database

# The revision before the constraints of issue 2.
PREVIOUS_REVISION = "841bdd050666"
REVISION_UNDER_TEST = "da976a111bca"


def too_long(maximum: int) -> str:
    return "x" * (maximum + 1)


# (model, column, values the database accepts, values it refuses)
LIMITS = [
    (Organization, "name", ["x" * limits.NAME], ["", too_long(limits.NAME)]),
    (Organization, "local_name", [None, "", "x" * limits.NAME], [too_long(limits.NAME)]),
    (Organization, "country", ["KR"], ["", "J", "JPN", "jp", "Jp", "12", "J1", "J "]),
    (Network, "name", ["x" * limits.NAME], ["", too_long(limits.NAME)]),
    (Network, "acronym", [None, "x" * limits.ACRONYM], [too_long(limits.ACRONYM)]),
    (User, "name", ["x" * limits.NAME], ["", too_long(limits.NAME)]),
    (User, "email", ["a@b", "a" * (limits.EMAIL - 12) + "@example.org"],
     ["a@", too_long(limits.EMAIL), "Someone@example.org"]),
    (Declaration, "subtitle", [None, "x" * limits.SHORT_TEXT], [too_long(limits.SHORT_TEXT)]),
    (Declaration, "meeting_acronym", [None, "x" * limits.ACRONYM], [too_long(limits.ACRONYM)]),
    (Declaration, "language", ["ja", "x" * limits.LANGUAGE], ["", "e", too_long(limits.LANGUAGE)]),
    (ClauseTemplate, "heading", [None, "x" * limits.HEADING], [too_long(limits.HEADING)]),
    (ClauseTemplate, "language", ["ja"], ["", "e", too_long(limits.LANGUAGE)]),
    (DelegateInvitation, "email", ["a@b", "a" * (limits.EMAIL - 12) + "@example.org"],
     ["a@", too_long(limits.EMAIL), "Someone@example.org"]),
    (Version, "label", ["Final", "x" * limits.VERSION_LABEL], ["", too_long(limits.VERSION_LABEL)]),
    (Comment, "accepted_text", [None, "x" * limits.CLAUSE_BODY], ["", too_long(limits.CLAUSE_BODY)]),
    (Affirmation, "void_reason", [None, "x" * limits.STATEMENT], [too_long(limits.STATEMENT)]),
]


def cases(accepted: bool) -> list:
    return [
        pytest.param(model, column, value, id=f"{model.__tablename__}.{column}={value!r:.16}")
        for model, column, accepts, refuses in LIMITS
        for value in (accepts if accepted else refuses)
    ]


@pytest.fixture
def stored_row(make_organization, make_user, make_declaration, make_template, circulate):
    """Return a function that stores one valid row of a model and returns it."""

    def stored(row):
        _db.session.add(row)
        _db.session.commit()
        return row

    def circulated():
        declaration = make_declaration(clauses=1)
        return declaration, circulate(declaration)

    def comment():
        declaration, version = circulated()
        return stored(Comment(
            declaration=declaration, version=version, clause=declaration.clauses[0], clause_number=1,
            organization=declaration.host, author=make_user(organization=declaration.host), body="Agreed.",
        ))

    def affirmation():
        declaration, version = circulated()
        return stored(Affirmation(
            declaration=declaration, version=version, organization=declaration.host,
            delegate=make_user(organization=declaration.host), answer=Answer.affirmed, fingerprint=version.fingerprint,
        ))

    def invitation():
        declaration = make_declaration()
        return stored(DelegateInvitation(
            declaration=declaration, organization=declaration.host, email="someone@example.org",
            secret_hash="0" * 64, expires_at=utcnow() + timedelta(days=7),
        ))

    makers = {
        Organization: make_organization,
        Network: lambda: stored(Network(name="Asian Network of Major Cities 21")),
        User: lambda: make_user(role=UserRole.administrator),
        Declaration: make_declaration,
        ClauseTemplate: make_template,
        DelegateInvitation: invitation,
        Version: lambda: circulated()[1],
        Comment: comment,
        Affirmation: affirmation,
    }
    return lambda model: makers[model]()


def set_column(row, column: str, value) -> None:
    """Change one column of the row with an UPDATE of its own, in a savepoint, past the ORM."""
    table = type(row).__table__
    with _db.session.begin_nested():
        _db.session.execute(table.update().where(table.c.id == row.id).values({column: value}))


@pytest.mark.parametrize(("model", "column", "value"), cases(accepted=False))
def test_the_database_refuses_a_value_beyond_the_limits(stored_row, model, column, value):
    row = stored_row(model)
    # PostgreSQL refuses a value longer than a VARCHAR(n) itself, with a DataError, before any CHECK.
    with pytest.raises((IntegrityError, DataError)):
        set_column(row, column, value)


@pytest.mark.parametrize(("model", "column", "value"), cases(accepted=True))
def test_the_database_accepts_values_at_the_limits(stored_row, model, column, value):
    row = stored_row(model)
    set_column(row, column, value)
    table = model.__table__
    assert _db.session.scalar(select(table.c[column]).where(table.c.id == row.id)) == value


def test_a_new_row_that_breaks_a_limit_is_refused_too():
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.add(Organization(name="Tokyo", kind=OrganizationKind.city, country="jp"))


def check_names(connection) -> dict[str, set[str]]:
    """Return the names of the CHECK constraints of every table of the models that the database has, as it has them."""
    inspector = inspect(connection)
    existing = set(inspector.get_table_names())
    return {table.name: {check["name"] for check in inspector.get_check_constraints(table.name)}
            for table in _db.metadata.sorted_tables if table.name in existing}


def declared_check_names() -> dict[str, set[str]]:
    return {table.name: {constraint.name for constraint in table.constraints if isinstance(constraint, CheckConstraint)}
            for table in _db.metadata.sorted_tables}


def contents(like: dict[str, list] | None = None) -> dict[str, list]:
    """Return every row of every table as the database holds it now (or of the tables and columns of `like`).

    The tables are read as the database describes them, not as the models do: a later revision
    may add columns that the revision under test does not have.
    """
    metadata = MetaData()
    metadata.reflect(_db.session.connection())
    found = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version" or (like is not None and table.name not in like):
            continue
        rows = _db.session.execute(select(table).order_by(*table.primary_key.columns)).mappings().all()
        wanted = like[table.name][0].keys() if like is not None and like[table.name] else None
        found[table.name] = [{name: row[name] for name in (wanted or row.keys())} for row in rows]
    return found


class TestUpgradeOfADatabaseWithData:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return _db

    def test_upgrading_and_downgrading_keep_every_row_and_the_constraints_match_the_models(self, tmp_path):
        with fresh_database(tmp_path) as url:

            class ExistingDatabase(TestConfig):
                SQLALCHEMY_DATABASE_URI = url
                # One connection: the migrations' is the one checked afterwards for its foreign keys.
                SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 1, "max_overflow": 0}

            app = create_app(ExistingDatabase)
            with app.app_context():
                # The demonstration is loaded by today's models, then taken back to the revision under test.
                upgrade()
                load_demo()
                _db.session.commit()
                _db.session.close()  # the migrations need the one connection
                downgrade(revision=PREVIOUS_REVISION)
                before = contents()
                assert before["organizations"] and before["users"] and before["affirmations"]
                _db.session.close()

                # Every row survives the revision under test; later ones may drop columns of their own.
                upgrade(revision=REVISION_UNDER_TEST)
                assert contents(like=before) == before
                _db.session.close()
                upgrade()
                # The upgrade sealed the head of the audit chain it found.
                check = audit.verify()
                assert check.intact and check.events == len(before["audit_events"]) > 0
                assert check_names(_db.session.connection()) == declared_check_names()
                assert_foreign_keys_enforced()
                _db.session.close()

                downgrade(revision=PREVIOUS_REVISION)
                assert contents() == before
                assert "ck_organizations_country_code" not in check_names(_db.session.connection())["organizations"]
                assert_foreign_keys_enforced()
                _db.session.close()
                _db.engine.dispose()


def assert_foreign_keys_enforced() -> None:
    """On SQLite, the migrations switched foreign keys off for their run: they must be on again."""
    connection = _db.session.connection()
    if connection.dialect.name == "sqlite":
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
