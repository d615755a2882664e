"""The document in both layouts of DESIGN.md, composed from the same data."""

from datetime import date

from drafting.domain.people.participants import invite
from drafting.domain.text import composed_document as document
from drafting.models import DeclarationLayout, OrganizationKind, ParticipantRole


def test_ordinals_dates_and_lists_read_as_english():
    from drafting.domain.text import phrasing as english

    assert [english.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]
    assert english.format_date_range(date(2010, 11, 8), date(2010, 11, 9)) == "November 8 to 9, 2010"
    assert english.format_date_range(date(2024, 9, 30), date(2024, 10, 2)) == "September 30 to October 2, 2024"
    assert english.format_date_range(date(2024, 12, 31), date(2025, 1, 1)) == "December 31, 2024 to January 1, 2025"
    assert english.join_names(["Seoul", "Tokyo", "Hanoi"]) == "Seoul, Tokyo, and Hanoi"


def _conference(make_declaration, make_organization, layout):
    host = make_organization("City of Yokohama", "JP")
    declaration = make_declaration(
        host=host, title="Yokohama Declaration", subtitle="Cities in the age of climate change",
        meeting_name="Asia Smart City Conference", meeting_number=13, meeting_acronym="ASCC",
        place="Yokohama", starts_on=date(2024, 10, 1), ends_on=date(2024, 10, 3), layout=layout,
        closing_formula="This declaration is hereby proposed by the City of Yokohama.",
    )
    for name, country in [("Phnom Penh City", "KH"), ("Battambang", "KH"), ("Bangkok", "TH")]:
        invite(declaration, make_organization(name, country), ParticipantRole.participant)
    invite(declaration, make_organization("UN-Habitat", "KE", kind=OrganizationKind.organization), ParticipantRole.observer)
    return declaration


def test_the_model_layout_lists_participants_by_country_after_the_closing_formula(make_declaration, make_organization):
    declaration = _conference(make_declaration, make_organization, DeclarationLayout.listed_by_country)
    composed = document.compose(declaration, dated=date(2024, 10, 3))
    assert composed.header == "ASCC 2024"
    assert composed.dated == "October 3, 2024"
    assert composed.opening == (
        'The 13th Asia Smart City Conference held in Yokohama from October 1 to 3, 2024 '
        'under the theme "Cities in the age of climate change".'
    )
    # Countries by English name; organizations alphabetical when the host gave no order; no observer;
    # not the host, which the closing formula names.
    assert [(group.country, group.organizations) for group in composed.signatories] == [
        ("Cambodia", ["Battambang", "Phnom Penh City"]),
        ("Thailand", ["Bangkok"]),
    ]
    assert composed.place_and_date is None


def test_the_host_order_wins_over_alphabetical_within_a_country(make_declaration, make_organization):
    declaration = _conference(make_declaration, make_organization, DeclarationLayout.listed_by_country)
    for participant in declaration.participants:
        participant.position = {"Phnom Penh City": 1, "Battambang": 2}.get(participant.organization.name)
    groups = {group.country: group.organizations for group in document.compose(declaration).signatories}
    assert groups["Cambodia"] == ["Phnom Penh City", "Battambang"]


def test_the_older_layout_names_members_in_the_opening_and_ends_with_date_and_place(make_declaration, make_organization):
    declaration = _conference(make_declaration, make_organization, DeclarationLayout.named_in_opening)
    composed = document.compose(declaration, dated=date(2024, 10, 3))
    assert composed.opening.startswith(
        "We, the representatives of Bangkok, Battambang, City of Yokohama, and Phnom Penh City, "
        "participated in the 13th Asia Smart City Conference held in Yokohama"
    )
    assert "UN-Habitat" not in composed.opening
    assert composed.signatories == []
    assert composed.place_and_date == "October 3, 2024 / Yokohama"


def test_either_layout_can_be_asked_for_from_the_same_data(make_declaration, make_organization):
    declaration = _conference(make_declaration, make_organization, DeclarationLayout.listed_by_country)
    older = document.compose(declaration, layout=DeclarationLayout.named_in_opening)
    assert older.opening.startswith("We, the representatives of")
    assert declaration.layout is DeclarationLayout.listed_by_country
