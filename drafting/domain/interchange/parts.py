"""Reading the host's own parts of a declaration, and country codes, from a file of declaration export."""

import pycountry

from drafting.domain.interchange.typed_json import Fields, ImportProblem, quoted
from drafting.models import DatePosition, limits

# Files written before the host could rewrite every part have no "parts": every part is then its default.
LATER_DECLARATION_FIELDS = ("parts",)
PARTS_FIELDS = ("header", "opening", "date_line", "list_heading", "date_position", "hosts_listed", "country_order")


def checked_country(country: str, path: str) -> str:
    """Return an ISO 3166 alpha-2 code as given; raise ImportProblem at `path` for anything else."""
    found = pycountry.countries.get(alpha_2=country)
    if found is None or found.alpha_2 != country:
        raise ImportProblem(path, f"unknown country {quoted(country)}: give an ISO 3166 alpha-2 code such as JP")
    return country


def read_parts(declaration: Fields) -> dict:
    """Read the host's own parts, where the date line stands and the order of the countries."""
    parts = declaration.fields("parts", PARTS_FIELDS)
    columns = dict(
        header=parts.optional_text("header", limits.NAME),
        opening=parts.optional_text("opening", limits.OPENING, multi_line=True),
        date_line=parts.optional_text("date_line", limits.DATE_LINE, multi_line=True),
        list_heading=parts.optional_text("list_heading", limits.HEADING),
        date_position=None if parts.raw("date_position") is None else parts.choice("date_position", DatePosition),
        hosts_listed=None if parts.raw("hosts_listed") is None else parts.boolean("hosts_listed"),
        country_order=None,
    )
    if parts.raw("country_order") is not None:
        path = parts.path_of("country_order")
        columns["country_order"] = [
            checked_country(code, f"{path}[{index}]") for index, code in enumerate(parts.strings("country_order"))
        ]
    return columns
