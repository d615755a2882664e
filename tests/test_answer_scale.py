"""One delegate's answer at the scale of a real network: its work does not grow with the participants.

tests/test_answer_races.py checks that what an answer checks before the declaration's row lock lets no stale answer in.
"""

from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from drafting.domain import completion, permissions, published_record, signoff
from drafting.domain.clock import utcnow
from drafting.domain.people import mandates, participants
from drafting.domain.people.participants import invite
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.models import (
    Affirmation, Answer, Declaration, Organization, OrganizationName, Participant, ParticipantRole, User, UserRole,
)

ANSWER = {"answer": "affirmed", "authorised": "y"}


@contextmanager
def rows_loaded():
    """Count the participants, organizations and answers loaded as objects inside the block, by model name."""
    loaded: Counter[str] = Counter()

    def count(instance, context):
        loaded[type(instance).__name__] += 1

    models = (Participant, Organization, Affirmation)
    for model in models:
        event.listen(model, "load", count)
    try:
        yield loaded
    finally:
        for model in models:
            event.remove(model, "load", count)


@pytest.fixture
def final_text_with(make_declaration, make_organization, make_user, circulate, propose_final):
    """Make a final text with this many invited participants, every one of them but the first answered already;
    return the declaration and the first one's delegate."""

    def make(participants: int):
        declaration = make_declaration(clauses=2)
        answering, *others = (make_organization() for _ in range(participants))
        for organization in [answering, *others]:
            invite(declaration, organization, ParticipantRole.participant)
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        for organization in others:  # answers recorded straight: one delegate's password hash per city takes long
            signoff.replace_answer(final, organization.id, drafter, Answer.affirmed)
        db.session.commit()
        return declaration, make_user(role=UserRole.delegate, organization=answering)

    return make


def test_an_answer_reads_as_much_for_60_participants_as_for_3(client, login_as, final_text_with, count_queries):
    def answer_work(participants: int) -> dict:
        declaration, delegate = final_text_with(participants)
        login_as(delegate)
        page = f"/declarations/{declaration.id}/affirmation"
        with count_queries() as shown, rows_loaded() as loaded_to_show:
            assert client.get(page).status_code == 200
        with count_queries() as answered, rows_loaded() as loaded_to_answer:
            assert client.post(page, data=ANSWER).status_code == 302
        final = signoff.final_version(declaration)
        assert len(signoff.live_answers(final)) == participants + 1  # the host affirmed by proposing
        return {"queries to show": len(shown), "queries to answer": len(answered),
                "loaded to show": loaded_to_show, "loaded to answer": loaded_to_answer}

    few = answer_work(3)
    assert answer_work(60) == few


def test_what_a_request_remembers_of_who_takes_part_gives_way_to_a_change_at_once(
    make_declaration, make_organization, make_user, circulate
):
    declaration = make_declaration(clauses=1)
    seoul = invite(declaration, make_organization("Seoul", "KR"), ParticipantRole.participant)
    circulate(declaration)
    delegate = make_user(role=UserRole.delegate, organization=seoul.organization)
    focal_point = make_user(role=UserRole.administrator)
    # Read from Seoul's own row, as a request that did not load the whole list of participants does.
    db.session.expire(declaration, ["participants"])
    assert permissions.acts_for_participant(delegate, declaration)

    participants.change_role(seoul, ParticipantRole.observer)
    assert not permissions.acts_for_participant(delegate, declaration)
    assert permissions.acts_for_invited(delegate, declaration)

    seoul.role = ParticipantRole.participant  # not written yet: what is asked next writes it first
    assert permissions.acts_for_participant(delegate, declaration)

    [mandate] = mandates.mandates_of(delegate)
    mandates.revoke_mandate(mandate, focal_point, utcnow())
    assert not permissions.acts_for_invited(delegate, declaration)
    assert permissions.mandate_for(delegate, declaration) is None


def test_the_tracker_and_the_published_record_read_as_many_queries_for_30_participants_as_for_3(
    client, login_as, make_declaration, make_organization, make_user, circulate, propose_final, count_queries
):
    def queries(participants: int) -> tuple[int, int]:
        # A Japanese text: each organization is named in Japanese, from its names per language.
        declaration = make_declaration(clauses=2, language="ja")
        organizations = [make_organization(country=country) for country in (["KR", "TH", "JP"] * participants)]
        for organization in organizations[:participants]:
            invite(declaration, organization, ParticipantRole.participant)
            db.session.add(OrganizationName(organization=organization, language="ja", name=f"市{organization.id}"))
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        for organization in organizations[1:participants]:  # each by a delegate of its own, under a mandate
            signoff.answer(final, make_user(role=UserRole.delegate, organization=organization), Answer.affirmed, True)
        db.session.commit()
        db.session.expunge_all()  # nothing loaded already: as a request starts
        login_as(drafter)
        with count_queries() as tracker:
            page = client.get(f"/declarations/{declaration.id}/tracker").get_data(as_text=True)
        assert f"{participants} of {participants + 1} participants have answered" in page
        declaration_id = declaration.id
        db.session.expunge_all()
        declaration = db.session.get(Declaration, declaration_id)
        with count_queries() as record:
            composed = published_record.compose(declaration, signoff.live_answers(signoff.final_version(declaration)),
                                                certificate=completion.entries(declaration))
        named = [name for group in composed.affirmed_by for name in group.organizations]
        assert len(named) == participants - 1 and all(name.startswith("市") for name in named)
        assert len(composed.certificate) == participants
        return len(tracker), len(record)

    assert queries(30) == queries(3)


def test_proposing_the_final_text_reads_as_many_queries_for_30_participants_as_for_3(
    make_declaration, make_organization, make_user, circulate, count_queries
):
    def queries(participants: int) -> int:
        declaration = make_declaration(clauses=2, language="ja")
        countries = (["KR", "TH", "JP"] * participants)[:participants]
        for organization in [make_organization(country=country) for country in countries]:
            invite(declaration, organization, ParticipantRole.participant)
            db.session.add(OrganizationName(organization=organization, language="ja", name=f"市{organization.id}"))
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        declaration_id = declaration.id
        db.session.expunge_all()
        declaration, drafter = db.session.get(Declaration, declaration_id), db.session.get(User, drafter.id)
        with count_queries() as proposed:
            final = signoff.propose_final(declaration, drafter, date.today() + timedelta(days=7), date.today())
        assert sum(len(group.organizations) for group in Document.from_json(final.document).signatories) == participants
        return len(proposed)

    assert queries(30) == queries(3)


def test_an_answer_reads_the_delegates_organization_with_their_session(client, login_as, final_text_with,
                                                                       count_queries):
    # Every page names the user's organization and every answer records it: it comes with the sign-in's row.
    declaration, delegate = final_text_with(3)
    login_as(delegate)
    page, organization = f"/declarations/{declaration.id}/affirmation", delegate.organization.name
    db.session.expunge_all()  # the request shares this session: nothing it needs is loaded already
    with count_queries() as answered:
        response = client.post(page, data=ANSWER)
    assert response.status_code == 302
    assert [s for s in answered if s.lstrip().startswith("SELECT organizations.")] == []
    assert f"The answer of {organization} is recorded" in client.get(response.location).get_data(as_text=True)


def test_an_answer_records_its_version_delegate_and_mandate_and_holds_them_without_a_query(final_text_with,
                                                                                           count_queries):
    # replace_answer writes them by their ids: the objects must still be the ones given, from the session.
    declaration, delegate = final_text_with(3)
    final = signoff.final_version(declaration)
    mandate = permissions.mandate_for(delegate, declaration)
    assert mandate is not None
    answered = signoff.answer(final, delegate, Answer.affirmed, True)
    with count_queries() as loaded:
        assert (answered.version, answered.delegate, answered.mandate) == (final, delegate, mandate)
    assert loaded == []
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Affirmation, answered.id)
    assert (stored.version_id, stored.delegate_id, stored.mandate_id) == (final.id, delegate.id, mandate.id)
