"""The rules of the directory of organizations, networks and memberships, without a request."""

from datetime import date

import pytest
from sqlalchemy import func, select

from drafting.domain.people import organizations as directory
from drafting.domain.people.organizations import DirectoryError
from drafting.extensions import db
from drafting.models import Network, NetworkMembership, Organization, OrganizationKind


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(field: str, call, *args, **kwargs) -> str:
    """Call the function, expect DirectoryError at the field, and return its message."""
    with pytest.raises(DirectoryError) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field
    return str(caught.value)


@pytest.fixture
def network():
    return directory.create_network("Asian Network of Major Cities 21", "ANMC21")


# Organizations


def test_an_organization_is_stored_tidied():
    organization = directory.create_organization(
        "  Tokyo Metropolitan Government ", OrganizationKind.city, " jp", "東京都"
    )
    db.session.expire(organization)
    assert (organization.name, organization.kind, organization.country, organization.local_name) == (
        "Tokyo Metropolitan Government", OrganizationKind.city, "JP", "東京都",
    )
    assert organization.country_name == "Japan"


def test_an_empty_local_name_is_stored_as_none():
    assert directory.create_organization("Seoul", OrganizationKind.city, "KR", "   ").local_name is None


@pytest.mark.parametrize(
    "field, values, message",
    [
        ("name", ("", OrganizationKind.city, "JP"), "Give the name."),
        ("name", ("   ", OrganizationKind.city, "JP"), "Give the name."),
        ("name", ("x" * 201, OrganizationKind.city, "JP"), "At most 200 characters."),
        ("kind", ("Tokyo", "city", "JP"), "Choose a city, a government or an organization."),
        ("country", ("Tokyo", OrganizationKind.city, ""), "Choose the country."),
        ("country", ("Tokyo", OrganizationKind.city, "XX"), "XX is not an ISO 3166 country code."),
        ("country", ("Tokyo", OrganizationKind.city, "JPN"), "JPN is not an ISO 3166 country code."),
        ("local_name", ("Tokyo", OrganizationKind.city, "JP", "x" * 201), "At most 200 characters."),
    ],
)
def test_bad_organizations_are_refused_at_the_field(field, values, message):
    before = count(Organization)
    assert refused(field, directory.create_organization, *values) == message
    assert count(Organization) == before


def test_a_name_of_exactly_the_limit_is_accepted():
    assert directory.create_organization("x" * 200, OrganizationKind.organization, "FR").name == "x" * 200


@pytest.mark.parametrize("taken", ["Ōsaka Prefecture", "ŌSAKA PREFECTURE", " ōsaka prefecture "])
def test_an_organization_name_is_taken_whatever_its_case(make_organization, taken):
    make_organization(name="Ōsaka Prefecture")
    before = count(Organization)
    assert refused("name", directory.create_organization, taken, OrganizationKind.government, "JP") == (
        "The name Ōsaka Prefecture is taken already."
    )
    assert count(Organization) == before


def test_an_organization_keeps_its_own_name_in_another_case(make_organization):
    organization = make_organization(name="Hanoi People's Committee")
    directory.update_organization(organization, "HANOI People's Committee", OrganizationKind.government, "VN")
    assert organization.name == "HANOI People's Committee"


def test_an_updated_organization_gets_every_field(make_organization):
    organization = make_organization(name="Bangkok", country="JP")
    directory.update_organization(
        organization, "Bangkok Metropolitan Administration", OrganizationKind.city, "th", "กรุงเทพมหานคร"
    )
    db.session.expire(organization)
    assert (organization.name, organization.country, organization.local_name) == (
        "Bangkok Metropolitan Administration", "TH", "กรุงเทพมหานคร",
    )


@pytest.mark.parametrize(
    "field, values",
    [
        ("name", ("Taipei City Government", OrganizationKind.city, "TW")),
        ("name", ("", OrganizationKind.city, "TW")),
        ("country", ("Taipei", OrganizationKind.government, "ZZ")),
        ("local_name", ("Taipei", OrganizationKind.government, "TW", "x" * 201)),
    ],
)
def test_a_refused_update_changes_nothing(make_organization, field, values):
    make_organization(name="Taipei City Government")
    organization = make_organization(name="Jakarta", country="ID", local_name="Jakarta Raya")
    refused(field, directory.update_organization, organization, *values)
    assert (organization.name, organization.kind, organization.country, organization.local_name) == (
        "Jakarta", OrganizationKind.city, "ID", "Jakarta Raya",
    )


# Networks


def test_a_network_is_stored(network):
    db.session.expire(network)
    assert (network.name, network.acronym) == ("Asian Network of Major Cities 21", "ANMC21")
    assert directory.create_network("CityNet").acronym is None


@pytest.mark.parametrize(
    "field, values, message",
    [
        ("name", ("",), "Give the name."),
        ("name", ("x" * 201,), "At most 200 characters."),
        ("name", ("asian network of major cities 21",), "The name Asian Network of Major Cities 21 is taken already."),
        ("acronym", ("CityNet", "x" * 41), "At most 40 characters."),
    ],
)
def test_bad_networks_are_refused_at_the_field(network, field, values, message):
    before = count(Network)
    assert refused(field, directory.create_network, *values) == message
    assert count(Network) == before


def test_a_network_is_renamed_but_not_to_a_taken_name(network):
    other = directory.create_network("CityNet")
    refused("name", directory.update_network, other, "ASIAN NETWORK OF MAJOR CITIES 21", "CN")
    assert (other.name, other.acronym) == ("CityNet", None)
    directory.update_network(other, "CityNet Asia-Pacific", " CN ")
    assert (other.name, other.acronym) == ("CityNet Asia-Pacific", "CN")


# Memberships


def test_a_membership_makes_a_member_from_the_day_it_joined_until_the_day_it_left(network, make_organization):
    tokyo = make_organization(name="Tokyo")
    directory.add_membership(network, tokyo, date(2001, 10, 1), date(2010, 4, 1))
    assert network.members_on(date(2001, 9, 30)) == []
    assert network.members_on(date(2001, 10, 1)) == [tokyo]
    assert network.members_on(date(2010, 3, 31)) == [tokyo]
    assert network.members_on(date(2010, 4, 1)) == []


@pytest.mark.parametrize("left_on", [date(2001, 9, 30), date(2001, 10, 1)], ids=["before", "same day"])
def test_leaving_before_joining_is_refused(network, make_organization, left_on):
    message = refused("left_on", directory.add_membership, network, make_organization(), date(2001, 10, 1), left_on)
    assert message == "The day it left must come after the day it joined."
    assert network.memberships == []


def test_a_membership_needs_the_day_it_joined(network, make_organization):
    message = refused("joined_on", directory.add_membership, network, make_organization(), None)
    assert message == "Give the day it joined."


EXISTING = (date(2001, 10, 1), date(2010, 4, 1))


@pytest.mark.parametrize(
    "joined_on, left_on",
    [
        (date(2000, 1, 1), date(2001, 10, 2)),  # ends the day after the other starts
        (date(2005, 1, 1), date(2006, 1, 1)),  # inside
        (date(2000, 1, 1), date(2020, 1, 1)),  # around
        (date(2010, 3, 31), None),  # starts the day before the other ends, open
        (date(2001, 10, 1), date(2002, 1, 1)),  # the same first day
        (date(1999, 1, 1), None),  # open, from before
    ],
)
def test_overlapping_memberships_of_one_organization_are_refused(network, make_organization, joined_on, left_on):
    seoul = make_organization(name="Seoul")
    directory.add_membership(network, seoul, *EXISTING)
    message = refused("organization", directory.add_membership, network, seoul, joined_on, left_on)
    assert message == "Seoul is a member over part of that period already (from October 1, 2001 until April 1, 2010)."
    assert len(network.memberships) == 1


@pytest.mark.parametrize(
    "joined_on, left_on",
    [
        (date(2000, 1, 1), date(2001, 10, 1)),  # leaves the day the other starts
        (date(2010, 4, 1), None),  # rejoins the day it left
        (date(2015, 1, 1), date(2016, 1, 1)),  # later
    ],
)
def test_periods_that_only_touch_are_accepted(network, make_organization, joined_on, left_on):
    seoul = make_organization(name="Seoul")
    directory.add_membership(network, seoul, *EXISTING)
    directory.add_membership(network, seoul, joined_on, left_on)
    assert len(network.memberships) == 2


def test_an_open_membership_blocks_a_later_one(network, make_organization):
    delhi = make_organization(name="Delhi")
    directory.add_membership(network, delhi, date(2001, 10, 1))
    assert refused("organization", directory.add_membership, network, delhi, date(2020, 1, 1)) == (
        "Delhi is a member over part of that period already (since October 1, 2001)."
    )


def test_other_organizations_and_other_networks_do_not_overlap(network, make_organization):
    manila, hanoi = make_organization(name="Manila"), make_organization(name="Hanoi")
    other_network = directory.create_network("CityNet")
    directory.add_membership(network, manila, date(2001, 10, 1))
    directory.add_membership(network, hanoi, date(2001, 10, 1))
    directory.add_membership(other_network, manila, date(2001, 10, 1))
    assert network.members_on(date(2002, 1, 1)) == [hanoi, manila]
    assert count(NetworkMembership) == 3


def test_ending_a_membership_sets_the_day_it_left(network, make_organization):
    jakarta = make_organization(name="Jakarta")
    membership = directory.add_membership(network, jakarta, date(2001, 10, 1))
    directory.end_membership(membership, date(2012, 1, 1))
    db.session.expire(membership)
    assert membership.left_on == date(2012, 1, 1)
    assert network.members_on(date(2012, 1, 1)) == []


@pytest.mark.parametrize(
    "left_on, message",
    [
        (date(2001, 10, 1), "The day it left must come after the day it joined."),
        (date(1999, 1, 1), "The day it left must come after the day it joined."),
        (None, "Give the day it left."),
    ],
)
def test_a_bad_end_is_refused_and_the_membership_stays_open(network, make_organization, left_on, message):
    membership = directory.add_membership(network, make_organization(), date(2001, 10, 1))
    assert refused("left_on", directory.end_membership, membership, left_on) == message
    assert membership.left_on is None


def test_an_ended_membership_cannot_end_again(network, make_organization):
    membership = directory.add_membership(network, make_organization(), date(2001, 10, 1), date(2005, 1, 1))
    assert refused("left_on", directory.end_membership, membership, date(2006, 1, 1)) == (
        "This membership has ended already, on January 1, 2005."
    )
    assert membership.left_on == date(2005, 1, 1)
