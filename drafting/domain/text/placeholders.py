"""Placeholders in clause templates: parsing, typed values, and filling.

A placeholder is written ``{{name}}`` when the name is one of KNOWN_PLACEHOLDERS, whose type is
fixed, or ``{{name:type}}`` for any other name. Every other brace in a template is an error, so
that a typo such as ``{host_city}`` or ``{{host_city}`` is caught when the template is saved
rather than printed in a declaration.
"""

import re
from dataclasses import dataclass
from datetime import date

from drafting.domain.text import phrasing
from drafting.models import limits
from drafting.models.organizations import country_name

TYPES = {
    "text": "Text",
    "organization": "Organization",
    "city": "City",
    "date": "Date",
    "year": "Year",
    "ordinal": "Ordinal number",
}

KNOWN_PLACEHOLDERS = {
    "host_city": "city",
    "host_organization": "organization",
    "host_country": "text",
    "meeting_name": "text",
    "meeting_acronym": "text",
    "meeting_ordinal": "ordinal",
    "meeting_dates": "text",
    "place": "city",
    "start_date": "date",
    "end_date": "date",
    "year": "year",
    "network": "organization",
    "next_meeting_city": "city",
    "next_meeting_ordinal": "ordinal",
    "next_meeting_year": "year",
    "next_meeting_date": "date",
}

# A "{" just before "{{" is the stray one: "{{{host_city}}}" is reported as such, not as an unclosed "{{".
_TOKEN = re.compile(r"\{\{([^{}]*)\}\}|\{(?=\{\{)|\{\{|[{}]")
_INSIDE = re.compile(r"\s*([a-z][a-z0-9_]{0,49})\s*(?::\s*([a-z]+)\s*)?")


class TemplateSyntaxError(ValueError):
    """A template whose braces or placeholders are malformed; the message says where."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    type: str

    @property
    def label(self) -> str:
        """A human label: "next_meeting_city" reads "Next meeting city"."""
        return self.name.replace("_", " ").capitalize()


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _placeholder_at(text: str, match: re.Match) -> Placeholder:
    inside = match.group(1)
    if inside is None and match.group(0) == "{{":
        raise TemplateSyntaxError(f"'{{{{' at {_where(text, match.start())} is never closed with '}}}}'.")
    if inside is None:
        brace = match.group(0)
        raise TemplateSyntaxError(
            f"Stray '{brace}' at {_where(text, match.start())}: placeholders are written {{{{name}}}}."
        )
    parts = _INSIDE.fullmatch(inside)
    if parts is None:
        raise TemplateSyntaxError(
            f"Malformed placeholder {{{{{inside}}}}} at {_where(text, match.start())}: "
            "use lower-case letters, digits and underscores, as in {{next_meeting_city}}."
        )
    name, declared_type = parts.group(1), parts.group(2)
    if declared_type is not None and declared_type not in TYPES:
        raise TemplateSyntaxError(
            f"Unknown placeholder type '{declared_type}' in {{{{{inside.strip()}}}}}: "
            f"the types are {', '.join(TYPES)}."
        )
    known_type = KNOWN_PLACEHOLDERS.get(name)
    if declared_type is None and known_type is None:
        raise TemplateSyntaxError(
            f"Unknown placeholder {{{{{name}}}}}: give its type, as in {{{{{name}:text}}}}."
        )
    if declared_type and known_type and declared_type != known_type:
        raise TemplateSyntaxError(f"{{{{{name}}}}} is always of type {known_type}, not {declared_type}.")
    return Placeholder(name, declared_type or known_type)


def parse(*texts: str) -> list[Placeholder]:
    """Return the placeholders of the given texts in order of first use; raise TemplateSyntaxError."""
    found: dict[str, Placeholder] = {}
    for text in texts:
        for match in _TOKEN.finditer(text or ""):
            placeholder = _placeholder_at(text, match)
            earlier = found.setdefault(placeholder.name, placeholder)
            if earlier.type != placeholder.type:
                raise TemplateSyntaxError(
                    f"{{{{{placeholder.name}}}}} is used both as {earlier.type} and as {placeholder.type}."
                )
    return list(found.values())


def render_value(placeholder: Placeholder, raw: str, language: str = "en") -> str:
    """Turn a value typed by the drafter into the words printed in a declaration's language; raise ValueError."""
    value = (raw or "").strip()
    if not value:
        raise ValueError("Fill in this placeholder.")
    if len(value) > limits.PLACEHOLDER_VALUE:
        raise ValueError(f"At most {limits.PLACEHOLDER_VALUE} characters.")
    # A carriage return would become a line break once the clause's text is normalized.
    if any(character in value for character in "{}\r\n"):
        raise ValueError("Braces and line breaks are not allowed here.")
    if placeholder.type == "year":
        # [0-9], not \d, which takes other scripts' digits too, and a year is printed as typed.
        if not re.fullmatch(r"[0-9]{4}", value):
            raise ValueError("Write the year with four digits, e.g. 2026.")
        return value
    if placeholder.type == "ordinal":
        number = re.fullmatch(r"([0-9]{1,4})(?:st|nd|rd|th)?", value)
        if not number or int(number.group(1)) == 0:
            raise ValueError("Write a positive number, e.g. 13.")
        return phrasing.ordinal(int(number.group(1)), language)
    if placeholder.type == "date":
        try:
            return phrasing.format_date(date.fromisoformat(value), language)
        except ValueError:
            raise ValueError("Write the date as YYYY-MM-DD, e.g. 2026-11-09.") from None
    return value


def fill(text: str, printed: dict[str, str]) -> str:
    """Replace every placeholder of a parsed text by its printed value (see render_value)."""
    return _TOKEN.sub(lambda match: printed[_placeholder_at(text, match).name], text or "")


def fill_all(
    placeholders: list[Placeholder], raw_values: dict[str, str], language: str = "en"
) -> tuple[dict[str, str], dict[str, str]]:
    """Check and print each placeholder's raw value in a language; return (printed values, error message by name)."""
    printed, errors = {}, {}
    for placeholder in placeholders:
        try:
            printed[placeholder.name] = render_value(placeholder, raw_values.get(placeholder.name, ""), language)
        except ValueError as error:
            errors[placeholder.name] = str(error)
    return printed, errors


def known_values(declaration) -> dict[str, str]:
    """Return the raw values a declaration already knows, in its language, to pre-fill a template's placeholders."""
    language = declaration.language
    values = {
        "host_city": declaration.host.name_in(language),
        "host_organization": declaration.host.name_in(language),
        "host_country": country_name(declaration.host.country, language),
        "meeting_name": declaration.meeting_name,
        "meeting_acronym": declaration.meeting_acronym or "",
        "meeting_dates": phrasing.format_date_range(declaration.starts_on, declaration.ends_on, language),
        "place": declaration.place,
        "start_date": declaration.starts_on.isoformat(),
        "end_date": declaration.ends_on.isoformat(),
        "year": str(declaration.starts_on.year),
        "network": declaration.network.name if declaration.network else "",
    }
    if declaration.meeting_number:
        values["meeting_ordinal"] = str(declaration.meeting_number)
        values["next_meeting_ordinal"] = str(declaration.meeting_number + 1)
    return {name: value for name, value in values.items() if value}
