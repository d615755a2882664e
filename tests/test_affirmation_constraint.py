"""The database itself allows one live answer per participant and version, whatever the code does.

The rows here are written straight into the table, past signoff.answer(), as a bug or a second
writer could: the database must refuse the second live answer on SQLite and PostgreSQL alike.
"""

import pytest
from sqlalchemy import func, insert as sql_insert, select
from sqlalchemy.exc import IntegrityError

from drafting.domain import signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Affirmation, Answer, ParticipantRole, UserRole


@pytest.fixture
def declaration(make_declaration, make_organization):
    declaration = make_declaration(clauses=1)
    for name, country in [("Seoul", "KR"), ("Bangkok", "TH")]:
        invite(declaration, make_organization(name, country), ParticipantRole.participant)
    return declaration


@pytest.fixture
def drafter(declaration, make_user):
    return make_user(organization=declaration.host)


@pytest.fixture
def final(declaration, drafter, circulate, propose_final):
    """The declaration's final text, awaiting the answers of Seoul and Bangkok."""
    circulate(declaration, by=drafter)
    return propose_final(declaration, by=drafter)


@pytest.fixture
def delegate_of(final, make_user):
    def delegate(name):
        [participant] = [p for p in final.declaration.participants if p.organization.name == name]
        return make_user(role=UserRole.delegate, organization=participant.organization)

    return delegate


def insert(version, delegate, answer=Answer.affirmed, live=True):
    """Write one answer row with an INSERT of its own, in a savepoint, past the ORM's defaults."""
    with db.session.begin_nested():
        db.session.execute(sql_insert(Affirmation).values(
            declaration_id=version.declaration_id, version_id=version.id, organization_id=delegate.organization_id,
            delegate_id=delegate.id, answer=answer, fingerprint=version.fingerprint, live=live,
        ))


def live_rows(version, organization_id) -> int:
    return db.session.scalar(select(func.count()).select_from(Affirmation).where(
        Affirmation.version_id == version.id, Affirmation.organization_id == organization_id,
        Affirmation.live.is_(True),
    ))


def test_a_second_live_answer_of_a_participant_to_a_version_is_refused_by_the_database(final, delegate_of):
    seoul = delegate_of("Seoul")
    insert(final, seoul)
    with pytest.raises(IntegrityError):
        insert(final, seoul, Answer.declined)
    assert live_rows(final, seoul.organization_id) == 1
    assert signoff.live_answers(final)[seoul.organization_id].answer is Answer.affirmed


def test_a_second_delegate_of_the_same_organization_cannot_add_a_live_answer_either(final, delegate_of, make_user):
    seoul = delegate_of("Seoul")
    colleague = make_user(role=UserRole.delegate, organization=seoul.organization)
    insert(final, seoul)
    with pytest.raises(IntegrityError):
        insert(final, colleague, Answer.declined)
    assert live_rows(final, seoul.organization_id) == 1


def test_the_host_answer_recorded_by_proposing_is_the_one_live_answer_of_the_host(declaration, drafter, final):
    with pytest.raises(IntegrityError):
        insert(final, drafter, Answer.declined)
    assert live_rows(final, declaration.host_id) == 1


def test_answers_that_no_longer_count_and_answers_of_others_are_allowed(final, delegate_of):
    seoul, bangkok = delegate_of("Seoul"), delegate_of("Bangkok")
    insert(final, seoul, Answer.affirmed, live=None)  # superseded answers stay in the record, any number of them
    insert(final, seoul, Answer.declined, live=None)
    insert(final, seoul, Answer.affirmed)
    insert(final, bangkok, Answer.declined)  # another participant, the same version
    assert live_rows(final, seoul.organization_id) == 1 and live_rows(final, bangkok.organization_id) == 1


def test_the_same_participant_has_a_live_answer_for_each_version(declaration, drafter, final, delegate_of,
                                                                   propose_final):
    seoul = delegate_of("Seoul")
    signoff.reopen(declaration, drafter, "One more change.")
    second = propose_final(declaration, by=drafter)
    insert(final, seoul)
    insert(second, seoul)
    assert live_rows(final, seoul.organization_id) == 1 and live_rows(second, seoul.organization_id) == 1
    with pytest.raises(IntegrityError):
        insert(second, seoul, Answer.declined)
