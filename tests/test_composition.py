"""Composing the working draft: clauses in order, templates filled, locks respected, frozen text refused."""

from datetime import date

import pytest

from drafting.domain import draft_editing as composition
from drafting.domain.locking import EditConflict
from drafting.domain.people.participants import answer_co_host_proposal, invite, uninvite
from drafting.domain.text.composed_document import Part, default_text, is_default, part_text
from drafting.models import DeclarationState, ParticipantRole


def positions(declaration):
    return [(clause.position, clause.heading) for clause in declaration.clauses]


def test_clauses_are_numbered_in_order_of_addition(make_declaration):
    declaration = make_declaration(clauses=3)
    assert positions(declaration) == [(1, "Heading 1"), (2, "Heading 2"), (3, "Heading 3")]


def test_moving_a_clause_swaps_it_with_its_neighbour(make_declaration):
    declaration = make_declaration(clauses=3)
    third = declaration.clauses[2]
    composition.move_clause(third, -1)
    assert positions(declaration) == [(1, "Heading 1"), (2, "Heading 3"), (3, "Heading 2")]
    composition.move_clause(third, -1)
    composition.move_clause(third, -1)  # already first: stays
    assert positions(declaration) == [(1, "Heading 3"), (2, "Heading 1"), (3, "Heading 2")]


def test_moving_keeps_the_clause_lock_so_an_open_editor_can_still_save(make_declaration):
    declaration = make_declaration(clauses=2)
    second = declaration.clauses[1]
    seen = second.lock_version
    composition.move_clause(second, -1)
    composition.update_clause(second, seen, "Still mine", "Saved after the move.")
    assert second.heading == "Still mine"


def test_removing_a_clause_closes_the_gap(make_declaration):
    declaration = make_declaration(clauses=3)
    composition.remove_clause(declaration.clauses[0])
    assert positions(declaration) == [(1, "Heading 2"), (2, "Heading 3")]


def test_the_second_of_two_saves_of_the_same_clause_is_refused(make_declaration):
    declaration = make_declaration(clauses=1)
    clause = declaration.clauses[0]
    both_saw = clause.lock_version
    composition.update_clause(clause, both_saw, "First", "The first drafter's text.")
    with pytest.raises(EditConflict) as conflict:
        composition.update_clause(clause, both_saw, "Second", "The second drafter's text.")
    assert conflict.value.current.body == "The first drafter's text."
    assert clause.body == "The first drafter's text."


def test_the_second_of_two_saves_of_the_metadata_is_refused(make_declaration):
    declaration = make_declaration()
    both_saw = declaration.lock_version
    composition.update_declaration(declaration, both_saw, title="Seoul Declaration")
    with pytest.raises(EditConflict):
        composition.update_declaration(declaration, both_saw, title="Hanoi Declaration")
    assert declaration.title == "Seoul Declaration"


def test_an_end_before_the_start_is_refused(make_declaration):
    declaration = make_declaration()
    with pytest.raises(composition.CompositionError) as error:
        composition.update_declaration(declaration, declaration.lock_version, ends_on=date(2010, 11, 1))
    assert error.value.field == "ends_on"
    assert declaration.ends_on == date(2010, 11, 9)


def test_inserting_a_template_fills_its_placeholders_and_links_it(make_declaration, make_template):
    declaration = make_declaration()
    template = make_template(
        heading="The {{next_meeting_ordinal}} Plenary",
        body="We welcome {{next_meeting_city}} as host of the {{next_meeting_ordinal}} meeting in {{next_meeting_year}}.",
    )
    clause = composition.insert_template(
        declaration, template, {"next_meeting_ordinal": "10", "next_meeting_city": "Seoul", "next_meeting_year": "2011"}
    )
    assert clause.heading == "The 10th Plenary"
    assert clause.body == "We welcome Seoul as host of the 10th meeting in 2011."
    assert clause.template is template


def test_an_unfilled_placeholder_is_refused_and_nothing_is_added(make_declaration, make_template):
    declaration = make_declaration()
    template = make_template(body="We welcome {{next_meeting_city}} in {{next_meeting_year}}.")
    with pytest.raises(composition.UnfilledPlaceholders) as unfilled:
        composition.insert_template(declaration, template, {"next_meeting_city": "Seoul", "next_meeting_year": "11"})
    assert set(unfilled.value.errors) == {"next_meeting_year"}
    assert declaration.clauses == []


@pytest.mark.parametrize("state", [DeclarationState.affirmation, DeclarationState.adopted, DeclarationState.withdrawn])
def test_a_frozen_text_cannot_change(make_declaration, state):
    declaration = make_declaration(clauses=2, state=state)
    clause = declaration.clauses[0]
    for change in (
        lambda: composition.add_clause(declaration, None, "More."),
        lambda: composition.update_clause(clause, clause.lock_version, None, "Other."),
        lambda: composition.move_clause(clause, 1),
        lambda: composition.remove_clause(clause),
        lambda: composition.update_declaration(declaration, declaration.lock_version, title="Changed"),
    ):
        with pytest.raises(composition.CompositionError):
            change()
    assert positions(declaration) == [(1, "Heading 1"), (2, "Heading 2")]
    assert declaration.title == "Tokyo Declaration"


# The default closing formula names the hosts and the last day of the meeting


def closing_formula(declaration) -> str:
    return part_text(declaration, Part.closing_formula)


def test_the_default_closing_formula_names_the_co_hosts_as_they_accept_and_are_removed(
    make_declaration, make_organization, make_co_host, make_user
):
    tokyo = make_organization("Tokyo Metropolitan Government", "JP")
    declaration = make_declaration(host=tokyo)
    assert closing_formula(declaration) == (
        "This declaration is hereby proposed by Tokyo Metropolitan Government, Japan on November 9, 2010, "
        "and affirmed by the participating cities and organizations.")
    seoul = make_co_host(declaration, make_organization("Seoul Metropolitan Government", "KR"))
    c40 = invite(declaration, make_organization("C40 Cities", "GB"), ParticipantRole.host)
    assert "C40" not in closing_formula(declaration)  # proposed, not accepted
    answer_co_host_proposal(c40, make_user(organization=c40.organization), accept=True)
    invite(declaration, make_organization("Bangkok", "TH"), ParticipantRole.participant)
    assert closing_formula(declaration).startswith(
        "This declaration is hereby proposed by Tokyo Metropolitan Government (Japan), "
        "Seoul Metropolitan Government (South Korea), and C40 Cities (United Kingdom) on November 9, 2010,")
    uninvite(seoul)
    assert closing_formula(declaration).startswith(
        "This declaration is hereby proposed by Tokyo Metropolitan Government (Japan) and C40 Cities (United Kingdom) on")
    assert is_default(declaration, Part.closing_formula)


def test_a_closing_formula_the_drafters_wrote_is_never_rewritten(make_declaration, make_organization, make_co_host):
    declaration = make_declaration()
    composition.update_declaration(declaration, declaration.lock_version, closing_formula="Done at Tokyo.")
    make_co_host(declaration, make_organization("Seoul", "KR"))
    composition.update_declaration(declaration, declaration.lock_version, ends_on=date(2010, 11, 10))
    assert declaration.closing_formula == "Done at Tokyo."
    assert closing_formula(declaration) == "Done at Tokyo." and not is_default(declaration, Part.closing_formula)


def test_the_default_closing_formula_follows_the_last_day_of_the_meeting(make_declaration):
    declaration = make_declaration()
    composition.update_declaration(declaration, declaration.lock_version, ends_on=date(2010, 11, 10))
    assert " on November 10, 2010, and affirmed by" in closing_formula(declaration)


@pytest.mark.parametrize("part", list(Part), ids=lambda part: part.value)
def test_a_part_saved_as_the_default_reads_stays_a_default_and_follows_the_details(make_declaration, part):
    declaration = make_declaration()
    composition.rewrite_part(declaration, declaration.lock_version, part, default_text(declaration, part))
    assert is_default(declaration, part)
    composition.update_declaration(declaration, declaration.lock_version, ends_on=date(2010, 11, 10),
                                   meeting_acronym="ANMC 21", place="Tokyo Metropolis")
    assert part_text(declaration, part) == default_text(declaration, part)


@pytest.mark.parametrize("part", list(Part), ids=lambda part: part.value)
def test_a_part_the_host_rewrote_is_never_regenerated_until_taken_back_to_the_default(make_declaration, make_organization,
                                                                                     part):
    declaration = make_declaration()
    composition.rewrite_part(declaration, declaration.lock_version, part, "The host's own words.")
    invite(declaration, make_organization("Seoul", "KR"), ParticipantRole.host)
    composition.update_declaration(declaration, declaration.lock_version, ends_on=date(2010, 11, 10),
                                   meeting_acronym="ANMC 21", place="Tokyo Metropolis")
    assert part_text(declaration, part) == "The host's own words." and not is_default(declaration, part)
    composition.update_declaration(declaration, declaration.lock_version, **{part.value: None})
    assert is_default(declaration, part) and part_text(declaration, part) == default_text(declaration, part)
