"""Sign-off: the final text, answers, reminders, reopening, adoption, withdrawal and the audit chain."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from drafting.domain import audit, draft_editing as composition, final_text, permissions, signoff, workflow
from drafting.domain.people.participants import invite
from drafting.domain.text import composed_document as document
from drafting.extensions import db
from drafting.models import Affirmation, Answer, AuditEvent, DeclarationLayout, DeclarationState, ParticipantRole, UserRole
from tests.conftest import ADOPTED_IN_SESSION


@pytest.fixture
def affirmation(make_declaration, make_organization, make_user, circulate, propose_final):
    """A declaration whose final text awaits the answers of Seoul and Bangkok (Jakarta only observes)."""
    declaration = make_declaration(clauses=2)
    cities = {name: make_organization(name, country) for name, country in
              [("Seoul", "KR"), ("Bangkok", "TH"), ("Jakarta", "ID")]}
    invite(declaration, cities["Seoul"], ParticipantRole.participant)
    invite(declaration, cities["Bangkok"], ParticipantRole.participant)
    invite(declaration, cities["Jakarta"], ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    delegates = {name: make_user(role=UserRole.delegate, organization=city) for name, city in cities.items()}
    return {"declaration": declaration, "final": final, "drafter": drafter, **delegates}


def live(version):
    return {organization_id: a.answer for organization_id, a in signoff.live_answers(version).items()}


def affirmation_count():
    return db.session.scalar(select(func.count()).select_from(Affirmation))


def test_proposing_the_final_text_freezes_it_and_the_host_affirms_by_proposing(affirmation):
    declaration, final = affirmation["declaration"], affirmation["final"]
    assert (final.label, final.is_final, declaration.state) == ("Final", True, DeclarationState.affirmation)
    assert live(final) == {declaration.host_id: Answer.affirmed}
    clause = declaration.clauses[0]
    with pytest.raises(composition.CompositionError):
        composition.update_clause(clause, clause.lock_version, None, "Changed after the final text.")


def test_each_answer_records_the_delegate_the_time_and_the_fingerprint(affirmation):
    final, seoul = affirmation["final"], affirmation["Seoul"]
    given = signoff.answer(final, seoul, Answer.affirmed_with_statement, True, statement="Seoul adds a statement.")
    assert (given.organization_id, given.delegate, given.fingerprint) == (seoul.organization_id, seoul, final.fingerprint)
    assert given.statement == "Seoul adds a statement." and given.answered_at is not None


def test_a_changed_answer_supersedes_the_last_one_which_stays_in_the_record(affirmation):
    final, bangkok = affirmation["final"], affirmation["Bangkok"]
    signoff.answer(final, bangkok, Answer.affirmed, True)
    signoff.answer(final, bangkok, Answer.declined, True, reason="Our council has not approved it.")
    assert live(final)[bangkok.organization_id] is Answer.declined
    history = db.session.scalars(select(Affirmation).where(Affirmation.organization_id == bangkok.organization_id)).all()
    assert [(a.answer, a.live, a.superseded_at is not None) for a in history] == [
        (Answer.affirmed, None, True), (Answer.declined, True, False),
    ]


@pytest.mark.parametrize(
    "kwargs, message, field",
    [
        (dict(given=Answer.affirmed, authorised=False), "Confirm that you are authorised to answer for Seoul.", "authorised"),
        (dict(given=Answer.affirmed_with_statement, authorised=True, statement="  "), "Write the statement", "statement"),
        (dict(given=Answer.affirmed_with_statement, authorised=True, statement="x" * 5001), "At most 5,000 characters", "statement"),
        (dict(given=Answer.declined, authorised=True, reason="y" * 5001), "At most 5,000 characters", "reason"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_recorded(affirmation, kwargs, message, field):
    before = affirmation_count()
    with pytest.raises(signoff.SignoffRefused) as refused:
        signoff.answer(affirmation["final"], affirmation["Seoul"], **kwargs)
    assert message in str(refused.value) and refused.value.field == field
    assert affirmation_count() == before


def test_observers_outsiders_and_hosts_staff_do_not_answer(affirmation, make_user):
    for who in (affirmation["Jakarta"], make_user(role=UserRole.delegate)):
        with pytest.raises(signoff.SignoffRefused, match="Only delegates of the participating organizations"):
            signoff.answer(affirmation["final"], who, Answer.affirmed, True)
    assert live(affirmation["final"]) == {affirmation["declaration"].host_id: Answer.affirmed}


def test_no_answer_after_the_deadline(affirmation):
    affirmation["final"].deadline = datetime.now(timezone.utc) - timedelta(seconds=1)
    with pytest.raises(signoff.SignoffRefused, match="Answers closed at the deadline"):
        signoff.answer(affirmation["final"], affirmation["Seoul"], Answer.affirmed, True)


def test_reopening_voids_every_answer_with_its_reason(affirmation):
    declaration, final = affirmation["declaration"], affirmation["final"]
    signoff.answer(final, affirmation["Seoul"], Answer.affirmed, True)
    with pytest.raises(signoff.SignoffRefused):
        signoff.reopen(declaration, affirmation["drafter"], "  ")
    assert signoff.reopen(declaration, affirmation["drafter"], "Bangkok asked for a change to clause 2.") == 2
    assert declaration.state is DeclarationState.consultation and live(final) == {}
    voided = db.session.scalars(select(Affirmation)).all()
    assert {a.void_reason for a in voided} == {"Bangkok asked for a change to clause 2."}
    with pytest.raises(signoff.SignoffRefused, match="takes no answers now"):
        signoff.answer(final, affirmation["Seoul"], Answer.affirmed, True)


def test_an_answer_counts_only_for_the_text_it_answered(affirmation, propose_final):
    declaration, old_final = affirmation["declaration"], affirmation["final"]
    signoff.answer(old_final, affirmation["Seoul"], Answer.affirmed, True)
    signoff.reopen(declaration, affirmation["drafter"], "One more change.")
    composition.add_clause(declaration, "Added", "A clause added after reopening.")
    new_final = propose_final(declaration, by=affirmation["drafter"])
    assert new_final.fingerprint != old_final.fingerprint
    assert affirmation["Seoul"].organization_id not in live(new_final)
    with pytest.raises(signoff.SignoffRefused, match="not the final text under affirmation"):
        signoff.answer(old_final, affirmation["Seoul"], Answer.affirmed, True)


def test_adoption_publishes_exactly_the_participants_that_affirmed(affirmation):
    declaration, final = affirmation["declaration"], affirmation["final"]
    signoff.answer(final, affirmation["Seoul"], Answer.affirmed, True)
    signoff.answer(final, affirmation["Bangkok"], Answer.declined, True)
    with pytest.raises(workflow.TransitionRefused):
        signoff.adopt(declaration, affirmation["Seoul"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    signoff.adopt(declaration, affirmation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    assert declaration.state is DeclarationState.adopted and declaration.adopted_at is not None
    published = final_text.adopted_document(declaration)
    # The host affirmed by proposing; the closing formula names it, and by default the list does not.
    assert [(group.country, group.organizations) for group in published.signatories] == [("South Korea", ["Seoul"])]
    for change in (lambda: signoff.reopen(declaration, affirmation["drafter"], "Too late"),
                   lambda: signoff.withdraw(declaration, affirmation["drafter"], "Too late")):
        with pytest.raises(workflow.TransitionRefused):
            change()
    with pytest.raises(signoff.SignoffRefused):
        signoff.answer(final, affirmation["Bangkok"], Answer.affirmed, True)


def test_the_older_layout_is_adopted_only_once_every_participant_it_names_has_affirmed(affirmation, propose_final):
    declaration, drafter = affirmation["declaration"], affirmation["drafter"]
    signoff.reopen(declaration, drafter, "The older layout, as at past plenaries.")
    composition.update_declaration(declaration, declaration.lock_version, layout=DeclarationLayout.named_in_opening)
    final = propose_final(declaration, by=drafter)
    assert "Bangkok" in final_text.adopted_document(declaration).opening  # the text names every participant
    signoff.answer(final, affirmation["Seoul"], Answer.affirmed, True)
    signoff.answer(final, affirmation["Bangkok"], Answer.declined, True)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(signoff.SignoffRefused, match="The opening paragraph names Bangkok, which has not affirmed"):
        signoff.adopt(declaration, drafter, without_missing_answers_reason=ADOPTED_IN_SESSION)
    assert declaration.state is DeclarationState.affirmation and declaration.adopted_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    signoff.answer(final, affirmation["Bangkok"], Answer.affirmed_with_statement, True, statement="Bangkok agrees now.")
    signoff.adopt(declaration, drafter, without_missing_answers_reason=ADOPTED_IN_SESSION)
    assert declaration.state is DeclarationState.adopted


def test_reopening_voids_the_answers_already_replaced_too(affirmation):
    final, bangkok = affirmation["final"], affirmation["Bangkok"]
    signoff.answer(final, bangkok, Answer.affirmed, True)
    signoff.answer(final, bangkok, Answer.declined, True)
    assert signoff.reopen(affirmation["declaration"], affirmation["drafter"], "Clause 2 changes.") == 2
    history = db.session.scalars(select(Affirmation).where(Affirmation.version_id == final.id)).all()
    assert len(history) == 3
    assert all(a.voided_at is not None and a.void_reason == "Clause 2 changes." and not a.live for a in history)


def test_withdrawal_needs_a_reason_and_the_host_or_an_administrator(affirmation, make_user):
    declaration = affirmation["declaration"]
    with pytest.raises(signoff.SignoffRefused):
        signoff.withdraw(declaration, affirmation["drafter"], "")
    with pytest.raises(workflow.TransitionRefused):
        signoff.withdraw(declaration, affirmation["Seoul"], "Not mine to withdraw")
    signoff.withdraw(declaration, make_user(role=UserRole.administrator), "The meeting was cancelled.")
    assert declaration.state is DeclarationState.withdrawn


def test_reminders_go_to_those_without_an_answer_at_most_once_a_day(affirmation):
    declaration, final, drafter = affirmation["declaration"], affirmation["final"], affirmation["drafter"]
    signoff.answer(final, affirmation["Seoul"], Answer.affirmed, True)
    now = datetime.now(timezone.utc)
    assert [p.organization.name for p in signoff.remind(declaration, drafter, now)] == ["Bangkok"]
    with pytest.raises(signoff.SignoffRefused, match="reminded less than a day ago"):
        signoff.remind(declaration, drafter, now + timedelta(hours=23))
    assert [p.organization.name for p in signoff.remind(declaration, drafter, now + timedelta(days=1))] == ["Bangkok"]
    with pytest.raises(signoff.SignoffRefused, match="Only the host's drafters"):
        signoff.remind(declaration, affirmation["Seoul"], now + timedelta(days=3))


def test_every_transition_and_decision_is_in_the_audit_trail_whose_chain_holds(affirmation):
    declaration = affirmation["declaration"]
    signoff.answer(affirmation["final"], affirmation["Seoul"], Answer.affirmed, True)
    signoff.adopt(declaration, affirmation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    events = audit.trail(declaration)
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("participant invited", None, None),
        ("participant invited", None, None),
        ("participant invited", None, None),
        ("circulate", "drafting", "consultation"),
        ("propose final", "consultation", "affirmation"),
        ("answer", None, None),
        ("adopt", "affirmation", "adopted"),
    ]
    assert [e.detail for e in events[:3]] == [
        {"organization": "Seoul", "role": "participant"}, {"organization": "Bangkok", "role": "participant"},
        {"organization": "Jakarta", "role": "observer"},
    ]
    assert events[4].detail["affirmed_for"] == affirmation["drafter"].organization.name
    mandate = permissions.mandate_for(affirmation["Seoul"], declaration)
    assert events[5].detail == {"organization": "Seoul", "answer": "affirmed", "fingerprint": affirmation["final"].fingerprint,
                                "mandate": mandate.id}
    assert audit.verify().intact


@pytest.mark.parametrize("tampering", ["edit", "remove"])
def test_an_edit_or_removal_in_the_middle_of_the_chain_is_found(affirmation, tampering):
    signoff.answer(affirmation["final"], affirmation["Seoul"], Answer.affirmed, True)
    signoff.adopt(affirmation["declaration"], affirmation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    middle = audit.trail(affirmation["declaration"])[1]
    if tampering == "edit":
        db.session.execute(text("UPDATE audit_events SET to_state = 'withdrawn' WHERE id = :id"), {"id": middle.id})
        expected = middle.id
    else:
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": middle.id})
        expected = db.session.scalar(select(AuditEvent.id).where(AuditEvent.id > middle.id).order_by(AuditEvent.id))
    db.session.expire_all()
    check = audit.verify()
    assert not check.intact and check.first_broken.id == expected


def test_the_audit_verify_command_names_the_first_broken_event(affirmation, runner):
    signoff.adopt(affirmation["declaration"], affirmation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "The audit chain is intact: 6 events." in intact.output
    first = audit.trail(affirmation["declaration"])[0]
    db.session.execute(text("UPDATE audit_events SET detail = '{}' WHERE id = :id"), {"id": first.id})
    db.session.expire_all()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"The audit chain is broken at event {first.id} (participant invited" in broken.output
