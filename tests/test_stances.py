"""Stances per clause: each participant agrees with, can live with, or objects to each clause of a draft; the
host reads them on a board; a stance carries over to the next draft while its clause reads the same."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from drafting.domain import draft_editing, stances
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import AuditEvent, ParticipantRole, Position, Stance, UserRole


@pytest.fixture
def consultation(make_declaration, make_organization, make_user, circulate):
    """Draft 1 of a declaration with three clauses, two participants, an observer, and their delegates."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok, hanoi = (make_organization("Seoul", "KR"), make_organization("Bangkok", "TH"),
                             make_organization("Hanoi", "VN"))
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    invite(declaration, hanoi, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    version = circulate(declaration, by=drafter)
    return {
        "declaration": declaration,
        "version": version,
        "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok),
        "hanoi": make_user(role=UserRole.delegate, organization=hanoi),
        "unmandated": make_user(role=UserRole.delegate, organization=seoul, mandate=False),
        "outsider": make_user(role=UserRole.delegate),
    }


def url(c, path=""):
    return f"/declarations/{c['declaration'].id}{path}"


def stances_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Stance))


def give(client, c, clause=1, position="agree", reason="", proposed_text="", number=1):
    return client.post(url(c, f"/versions/{number}/stances"), data={
        "clause_number": clause, "position": position, "reason": reason, "proposed_text": proposed_text,
    })


def test_a_delegate_gives_a_stance_and_changing_it_replaces_it_with_both_in_the_audit_trail(client, login_as, consultation):
    login_as(consultation["seoul"])
    assert give(client, consultation, 2, "agree").status_code == 302
    response = give(client, consultation, 2, "object", "The date is too early.", "Body of clause 2, by 2035.")
    assert response.status_code == 302 and response.location.endswith("#stance-2")

    [stance] = db.session.scalars(select(Stance)).all()
    assert (stance.organization.name, stance.clause_number, stance.position) == ("Seoul", 2, Position.object)
    assert (stance.reason, stance.proposed_text) == ("The date is too early.", "Body of clause 2, by 2035.")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "give stance").order_by(AuditEvent.id)).all()
    assert [(e.detail["position"], e.detail.get("replaced")) for e in events] == [("agree", None), ("object", "agree")]
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "Stance of Seoul" in page and "The date is too early." in page
    assert 'id="stance-2-object" name="position" value="object" checked' in page


@pytest.mark.parametrize(
    "position, reason, proposed_text, field, message",
    [
        ("object", "", "", "reason", "Give the reason for the objection."),
        ("object", "   ", "", "reason", "Give the reason for the objection."),
        ("maybe", "", "", "position", "Choose agree, can live with it, or object."),
        ("", "", "", "position", "Choose agree, can live with it, or object."),
        ("agree", "", "Other text.", "proposed_text", "Only an objection proposes other text."),
        ("object", "Same text", "Body of clause 1.", "proposed_text", "The proposed text is the same as the circulated clause."),
        ("object", "x" * 10_001, "", "reason", "at most 10,000 are allowed"),
    ],
)
def test_a_bad_stance_is_refused_at_its_field_and_stores_nothing(client, login_as, consultation, position, reason,
                                                                  proposed_text, field, message):
    login_as(consultation["seoul"])
    response = give(client, consultation, 1, position, reason, proposed_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    ids = {"reason": "stance-1-reason", "proposed_text": "stance-1-proposed", "position": "stance-1-position"}
    assert f'aria-describedby="{ids[field]}-errors"' in page
    assert stances_count() == 0


def test_the_proposed_text_is_kept_when_the_reason_is_missing(client, login_as, consultation):
    login_as(consultation["seoul"])
    page = give(client, consultation, 1, "object", "", "A text of our own.").get_data(as_text=True)
    assert "Give the reason for the objection." in page and ">A text of our own.</textarea>" in page


def test_a_clause_the_version_does_not_have_is_refused(client, login_as, consultation):
    login_as(consultation["seoul"])
    response = give(client, consultation, 9)
    assert response.status_code == 422 and "Draft 1 has no clause 9." in response.get_data(as_text=True)
    assert stances_count() == 0


@pytest.mark.parametrize("who, message", [
    ("hanoi", "Only delegates of the participating organizations give stances"),
    ("unmandated", "has not confirmed you as its delegate"),
    ("drafter", "Only delegates of the participating organizations give stances"),
])
def test_an_observer_a_delegate_without_mandate_and_the_host_give_no_stance(client, login_as, consultation, who, message):
    login_as(consultation[who])
    response = give(client, consultation, 1)
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert message in response.get_data(as_text=True)
    assert stances_count() == 0


def test_an_outsider_does_not_find_the_declaration(client, login_as, consultation):
    login_as(consultation["outsider"])
    assert give(client, consultation, 1).status_code == 404
    assert client.get(url(consultation, "/versions/1/stances")).status_code == 404
    assert stances_count() == 0


def test_a_stance_speaks_for_the_delegates_own_organization_whatever_the_form_says(client, login_as, consultation):
    login_as(consultation["seoul"])
    bangkok_id = consultation["bangkok"].organization_id
    client.post(url(consultation, "/versions/1/stances"),
                data={"clause_number": 1, "position": "object", "reason": "No.", "organization_id": bangkok_id})
    assert {s.organization.name for s in db.session.scalars(select(Stance))} == {"Seoul"}


def test_a_stance_on_another_declarations_draft_is_not_found(client, login_as, consultation, make_declaration, circulate):
    other = make_declaration(clauses=1, title="Another Declaration")
    circulate(other)
    login_as(consultation["seoul"])
    assert client.post(f"/declarations/{other.id}/versions/1/stances",
                       data={"clause_number": 1, "position": "agree"}).status_code == 404
    assert stances_count() == 0


def test_after_the_comment_deadline_stances_are_closed_and_nothing_is_stored(client, login_as, consultation):
    login_as(consultation["seoul"])
    assert give(client, consultation, 1, "agree").status_code == 302
    consultation["version"].deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    response = give(client, consultation, 1, "object", "Too late.")
    assert response.status_code == 422 and "Stances closed with the comment deadline" in response.get_data(as_text=True)
    assert [s.position for s in db.session.scalars(select(Stance))] == [Position.agree]
    assert 'name="position"' not in client.get(url(consultation, "/versions/1")).get_data(as_text=True)


def test_stances_on_a_replaced_draft_are_refused(client, login_as, consultation, circulate):
    circulate(consultation["declaration"], by=consultation["drafter"])
    login_as(consultation["seoul"])
    response = give(client, consultation, 1, number=1)
    assert response.status_code == 422 and "has been replaced by Draft 2" in response.get_data(as_text=True)
    assert stances_count() == 0


def test_a_delegate_sees_only_their_own_organizations_stances(client, login_as, consultation):
    login_as(consultation["bangkok"])
    give(client, consultation, 1, "object", "Bangkok cannot accept the first clause.")
    login_as(consultation["seoul"])
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "Bangkok cannot accept" not in page
    assert client.get(url(consultation, "/versions/1/stances")).status_code == 403


def test_the_board_shows_counts_per_clause_objections_first_with_their_reasons(client, login_as, consultation):
    version = consultation["version"]
    stances.give(version, 1, consultation["seoul"], "agree")
    stances.give(version, 3, consultation["seoul"], "object", "Clause 3 commits us too far.")
    stances.give(version, 3, consultation["bangkok"], "can_live_with")
    stances.give(version, 2, consultation["bangkok"], "object", "Clause 2 is vague.")
    db.session.commit()

    rows = stances.board(version)
    assert [row.clause.number for row in rows] == [2, 3, 1]
    assert rows[1].counts == {"agree": 0, "can_live_with": 1, "object": 1, "none": 0}
    assert rows[2].counts == {"agree": 1, "can_live_with": 0, "object": 0, "none": 1}

    login_as(consultation["drafter"])
    page = client.get(url(consultation, "/versions/1/stances")).get_data(as_text=True)
    assert "Clause 3 commits us too far." in page and "Clause 2 is vague." in page
    assert page.index('id="board-clause-2"') < page.index('id="board-clause-3"') < page.index('id="board-clause-1"')
    assert "Hanoi" not in page  # an observer takes no stance
    assert url(consultation, "/versions/1/stances") in client.get(url(consultation)).get_data(as_text=True)


def test_a_stance_stands_on_the_next_draft_while_its_clause_is_unchanged_and_is_outdated_once_changed(consultation, circulate):
    declaration, version = consultation["declaration"], consultation["version"]
    stances.give(version, 1, consultation["seoul"], "agree")
    stances.give(version, 2, consultation["seoul"], "object", "Too vague.")
    db.session.commit()
    second = declaration.clauses[1]
    draft_editing.update_clause(second, second.lock_version, second.heading, "Body of clause 2, made precise.")
    db.session.commit()
    draft_2 = circulate(declaration, by=consultation["drafter"])

    shown = stances.of_version(draft_2)
    seoul = consultation["seoul"].organization_id
    assert (shown[1][seoul].carried, shown[1][seoul].outdated, shown[1][seoul].given_on) == (True, False, "Draft 1")
    assert (shown[2][seoul].carried, shown[2][seoul].outdated) == (True, True)
    counts = {row.clause.number: row.counts for row in stances.board(draft_2)}
    assert counts[1]["agree"] == 1 and counts[2] == {"agree": 0, "can_live_with": 0, "object": 0, "none": 2}

    # A stance given on the new draft takes the place of the carried one.
    stances.give(draft_2, 2, consultation["seoul"], "agree")
    db.session.commit()
    assert not stances.of_version(draft_2)[2][seoul].carried


def test_a_stance_follows_its_clause_when_an_earlier_clause_is_removed(consultation, circulate):
    declaration, version = consultation["declaration"], consultation["version"]
    stances.give(version, 3, consultation["bangkok"], "can_live_with")
    db.session.commit()
    draft_editing.remove_clause(declaration.clauses[0])
    db.session.commit()
    draft_2 = circulate(declaration, by=consultation["drafter"])
    shown = stances.of_version(draft_2)
    bangkok = consultation["bangkok"].organization_id
    assert shown[2][bangkok].standing and shown[2][bangkok].stance.position is Position.can_live_with


def test_once_the_final_text_is_proposed_stances_are_closed(consultation, propose_final):
    final = propose_final(consultation["declaration"], by=consultation["drafter"])
    for version in (consultation["version"], final):
        with pytest.raises(stances.StanceRefused, match="Stances are closed: the declaration is in affirmation."):
            stances.give(version, 1, consultation["seoul"], "agree")
    assert stances_count() == 0


def test_the_same_form_sent_twice_records_one_stance_and_one_event(client, login_as, consultation):
    login_as(consultation["seoul"])
    data = {"clause_number": 1, "position": "object", "reason": "Twice.", "submission": "k" * 43}
    assert client.post(url(consultation, "/versions/1/stances"), data=data).status_code == 302
    again = client.post(url(consultation, "/versions/1/stances"), data=data)
    assert again.status_code == 302 and again.location.endswith("/versions/1")
    assert stances_count() == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "give stance")) == 1
