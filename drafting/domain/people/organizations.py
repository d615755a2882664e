"""The directory of organizations and networks, and the rules an administrator's changes keep.

Every function checks all of its input before it changes anything, so that a refused change
leaves the stored data as it was. Functions flush; the request commits.
"""

from datetime import date

import pycountry
from sqlalchemy import select

from drafting.domain.text import phrasing, wording
from drafting.extensions import db
from drafting.models import Network, NetworkMembership, Organization, OrganizationKind, OrganizationName, limits


class DirectoryError(ValueError):
    """Bad input for an organization, a network or a membership; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def checked_country(code: str | None) -> str:
    """Return the upper-case ISO 3166 alpha-2 code, or raise DirectoryError if it names no country."""
    code = (code or "").strip().upper()
    if not code:
        raise DirectoryError("country", "Choose the country.")
    if pycountry.countries.get(alpha_2=code) is None:
        raise DirectoryError("country", f"{code} is not an ISO 3166 country code.")
    return code


def _checked_kind(kind) -> OrganizationKind:
    """Return the kind if it is one of OrganizationKind, or raise DirectoryError."""
    if not isinstance(kind, OrganizationKind):
        raise DirectoryError("kind", "Choose a city, a government or an organization.")
    return kind


def _optional_text(field: str, value: str | None, maximum: int) -> str | None:
    """Return the value without surrounding spaces, None if empty; raise DirectoryError if too long."""
    value = (value or "").strip()
    if len(value) > maximum:
        raise DirectoryError(field, f"At most {maximum} characters.")
    return value or None


def _checked_name(model: type[Organization] | type[Network], name: str | None, renamed=None) -> str:
    """Return the name if given, not too long and no other row's in any case; else raise DirectoryError."""
    name = (name or "").strip()
    if not name:
        raise DirectoryError("name", "Give the name.")
    if len(name) > limits.NAME:
        raise DirectoryError("name", f"At most {limits.NAME} characters.")
    # Compared in Python: SQLite's lower() folds ASCII only, and "Ōsaka" must clash with "ōsaka" on every database.
    wanted = name.casefold()
    for row_id, taken in db.session.execute(select(model.id, model.name)):
        if taken.casefold() == wanted and (renamed is None or row_id != renamed.id):
            raise DirectoryError("name", f"The name {taken} is taken already.")
    return name


def _checked_names(names: dict[str, str | None] | None) -> dict[str, str | None]:
    """Return the names by ISO 639-1 language, None where one is left blank; raise DirectoryError for bad input."""
    checked = {}
    for language, name in (names or {}).items():
        if not (len(language) == 2 and language.islower() and pycountry.languages.get(alpha_2=language)):
            raise DirectoryError(f"name_{language}", f"{language} is not an ISO 639-1 language code.")
        if language == wording.SOURCE_LANGUAGE:
            raise DirectoryError("name", "The organization's name is its English name: give it as its name.")
        checked[language] = _optional_text(f"name_{language}", name, limits.NAME)
    return checked


def _set_names(organization: Organization, names: dict[str, str | None]) -> None:
    # A blank name removes the language's name: documents in it print `name` again.
    by_language = {row.language: row for row in organization.names}
    for language, name in names.items():
        row = by_language.get(language)
        if name is None:
            if row is not None:
                organization.names.remove(row)
        elif row is None:
            organization.names.append(OrganizationName(language=language, name=name))
        else:
            row.name = name


def create_organization(
    name: str, kind: OrganizationKind, country: str, local_name: str | None = None,
    names: dict[str, str | None] | None = None,
) -> Organization:
    """Add an organization with its names in other languages, by language.

    Raises DirectoryError for a missing, long or taken name, an unknown country or language.
    """
    organization = Organization(
        name=_checked_name(Organization, name),
        kind=_checked_kind(kind),
        country=checked_country(country),
        local_name=_optional_text("local_name", local_name, limits.NAME),
    )
    _set_names(organization, _checked_names(names))
    db.session.add(organization)
    db.session.flush()
    return organization


def update_organization(
    organization: Organization, name: str, kind: OrganizationKind, country: str, local_name: str | None = None,
    names: dict[str, str | None] | None = None,
) -> None:
    """Change an organization and the names in other languages it is given (others stay); raise
    DirectoryError, changing nothing, for bad input."""
    name = _checked_name(Organization, name, renamed=organization)
    kind = _checked_kind(kind)
    country = checked_country(country)
    local_name = _optional_text("local_name", local_name, limits.NAME)
    names = _checked_names(names)
    organization.name, organization.kind = name, kind
    organization.country, organization.local_name = country, local_name
    _set_names(organization, names)
    db.session.flush()


def create_network(name: str, acronym: str | None = None) -> Network:
    """Add a network; raise DirectoryError for a missing, long or taken name or a long acronym."""
    network = Network(
        name=_checked_name(Network, name),
        acronym=_optional_text("acronym", acronym, limits.ACRONYM),
    )
    db.session.add(network)
    db.session.flush()
    return network


def update_network(network: Network, name: str, acronym: str | None = None) -> None:
    """Rename a network or change its acronym; raise DirectoryError, changing nothing, for bad input."""
    name = _checked_name(Network, name, renamed=network)
    acronym = _optional_text("acronym", acronym, limits.ACRONYM)
    network.name, network.acronym = name, acronym
    db.session.flush()


def _check_left_after_joined(joined_on: date, left_on: date | None) -> None:
    # An organization is a member up to the day before it left, so leaving on the day it joined would
    # make a period without a single day of membership.
    if left_on is not None and left_on <= joined_on:
        raise DirectoryError("left_on", "The day it left must come after the day it joined.")


def _period(membership: NetworkMembership) -> str:
    joined = phrasing.format_date(membership.joined_on)
    if membership.left_on is None:
        return f"since {joined}"
    return f"from {joined} until {phrasing.format_date(membership.left_on)}"


def _overlaps(membership: NetworkMembership, joined_on: date, left_on: date | None) -> bool:
    # Periods run from the day joined up to, not including, the day left; an open period never ends.
    return membership.joined_on < (left_on or date.max) and joined_on < (membership.left_on or date.max)


def add_membership(
    network: Network, organization: Organization, joined_on: date | None, left_on: date | None = None
) -> NetworkMembership:
    """Record a period of membership; refuse one that ends before it starts or overlaps another of the organization."""
    if joined_on is None:
        raise DirectoryError("joined_on", "Give the day it joined.")
    _check_left_after_joined(joined_on, left_on)
    for membership in network.memberships:
        if membership.organization_id == organization.id and _overlaps(membership, joined_on, left_on):
            raise DirectoryError(
                "organization",
                f"{organization.name} is a member over part of that period already ({_period(membership)}).",
            )
    membership = NetworkMembership(organization=organization, joined_on=joined_on, left_on=left_on)
    network.memberships.append(membership)
    db.session.flush()
    return membership


def end_membership(membership: NetworkMembership, left_on: date | None) -> None:
    """Record the day an organization left a network; refuse a membership that has ended already."""
    if membership.left_on is not None:
        ended = phrasing.format_date(membership.left_on)
        raise DirectoryError("left_on", f"This membership has ended already, on {ended}.")
    if left_on is None:
        raise DirectoryError("left_on", "Give the day it left.")
    _check_left_after_joined(membership.joined_on, left_on)
    membership.left_on = left_on
    db.session.flush()
