"""Composing a declaration's working draft: its metadata, preamble, clauses and closing formula.

These functions assume the caller has checked `permissions.can_edit`; they still refuse to touch
a declaration whose text is frozen, so no path can change a text that was proposed as final.
"""

from datetime import date

from drafting.domain.locking import save_if_unchanged
from drafting.domain.permissions import EDITABLE_STATES
from drafting.domain.text import phrasing, placeholders, wording
from drafting.extensions import db
from drafting.models import (
    Clause,
    ClauseTemplate,
    Declaration,
    DeclarationLayout,
    Organization,
    Participant,
    ParticipantRole,
    User,
)
from drafting.models.organizations import country_name

METADATA_FIELDS = (
    "title", "subtitle", "meeting_name", "meeting_number", "meeting_acronym", "place",
    "starts_on", "ends_on", "language", "layout", "network_id", "preamble", "closing_formula",
)


class CompositionError(ValueError):
    """A change the working draft cannot take; `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class UnfilledPlaceholders(CompositionError):
    """Some placeholders of a template were not given a valid value; `errors` maps name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Fill in every placeholder.")
        self.errors = errors


def _require_editable(declaration: Declaration) -> None:
    if declaration.state not in EDITABLE_STATES:
        raise CompositionError(f"The declaration is in {declaration.state.value}: its text can no longer change.")


def host_organizations(declaration: Declaration) -> list[Organization]:
    """Return the host, then its co-hosts in the order they were invited."""
    co_hosts = [
        p.organization for p in sorted(declaration.participants, key=lambda p: (p.id is None, p.id or 0))
        if p.role is ParticipantRole.host and p.organization_id != declaration.host_id
    ]
    return [declaration.host, *co_hosts]


def default_closing_formula(hosts: list[Organization], adopted_on: date, language: str = "en") -> str:
    """Return the "proposed and affirmed" closing formula naming the host and co-hosts, for a date, in a language."""
    if len(hosts) == 1:
        proposers = wording.pgettext(
            language, "the host named in the closing formula", "{name}, {country}",
            name=hosts[0].name_in(language), country=country_name(hosts[0].country, language),
        )
    else:
        proposers = phrasing.join_names([
            wording.pgettext(
                language, "a host among several named in the closing formula", "{name} ({country})",
                name=host.name_in(language), country=country_name(host.country, language),
            )
            for host in hosts
        ], language)
    return wording.gettext(
        language,
        "This declaration is hereby proposed by {proposers} on {date}, and affirmed by the participating cities "
        "and organizations.",
        proposers=proposers, date=phrasing.format_date(adopted_on, language),
    )


def _reads_as_default_formula(declaration: Declaration, hosts: list[Organization]) -> bool:
    # A formula the drafters wrote themselves is theirs: only the default text follows the hosts and dates.
    return declaration.closing_formula == default_closing_formula(hosts, declaration.ends_on, declaration.language)


def follow_hosts_in_closing_formula(declaration: Declaration, hosts_before: list[Organization]) -> None:
    """Name a new set of hosts in the closing formula, if it still reads as the default one for the old set."""
    if _reads_as_default_formula(declaration, hosts_before):
        save_if_unchanged(
            declaration, declaration.lock_version,
            closing_formula=default_closing_formula(
                host_organizations(declaration), declaration.ends_on, declaration.language
            ),
        )


def create_declaration(
    host: Organization,
    created_by: User | None,
    *,
    title: str,
    meeting_name: str,
    place: str,
    starts_on: date,
    ends_on: date,
    language: str = "en",
    subtitle: str | None = None,
    meeting_number: int | None = None,
    meeting_acronym: str | None = None,
    network_id: int | None = None,
    layout: DeclarationLayout = DeclarationLayout.listed_by_country,
    preamble: str = "",
    closing_formula: str | None = None,
) -> Declaration:
    """Start a declaration in drafting, hosted by `host`, which is its first participant."""
    if ends_on < starts_on:
        raise CompositionError("The meeting cannot end before it starts.", "ends_on")
    declaration = Declaration(
        host=host,
        created_by=created_by,
        title=title,
        subtitle=subtitle,
        meeting_name=meeting_name,
        meeting_number=meeting_number,
        meeting_acronym=meeting_acronym,
        place=place,
        starts_on=starts_on,
        ends_on=ends_on,
        language=language,
        network_id=network_id,
        layout=layout,
        preamble=preamble,
        closing_formula=(
            default_closing_formula([host], ends_on, language) if closing_formula is None else closing_formula
        ),
    )
    declaration.participants.append(Participant(organization=host, role=ParticipantRole.host))
    db.session.add(declaration)
    db.session.flush()
    return declaration


def update_declaration(declaration: Declaration, based_on: int, **values) -> None:
    """Save metadata, preamble or closing formula; raise EditConflict if someone saved in between."""
    _require_editable(declaration)
    unknown = set(values) - set(METADATA_FIELDS)
    if unknown:
        raise CompositionError(f"Not a field of a declaration: {', '.join(sorted(unknown))}.")
    starts_on = values.get("starts_on", declaration.starts_on)
    ends_on = values.get("ends_on", declaration.ends_on)
    if ends_on < starts_on:
        raise CompositionError("The meeting cannot end before it starts.", "ends_on")
    hosts = host_organizations(declaration)
    # The default formula is dated on the last day of the meeting, in the declaration's language:
    # it follows a change of dates or of language.
    if "closing_formula" not in values and _reads_as_default_formula(declaration, hosts):
        values["closing_formula"] = default_closing_formula(hosts, ends_on, values.get("language", declaration.language))
    save_if_unchanged(declaration, based_on, **values)


def _renumber(declaration: Declaration) -> None:
    # Keep the loaded list in printed order too, so the caller sees what the next request will.
    declaration.clauses.sort(key=lambda clause: clause.position)
    for number, clause in enumerate(declaration.clauses, start=1):
        clause.position = number


def add_clause(
    declaration: Declaration,
    heading: str | None,
    body: str,
    template: ClauseTemplate | None = None,
) -> Clause:
    """Append a clause at the end of the working draft."""
    _require_editable(declaration)
    clause = Clause(heading=heading or None, body=body, template=template, position=len(declaration.clauses) + 1)
    declaration.clauses.append(clause)
    db.session.flush()
    return clause


def insert_template(declaration: Declaration, template: ClauseTemplate, raw_values: dict[str, str]) -> Clause:
    """Append a clause made from a template, its placeholders filled; raise UnfilledPlaceholders."""
    _require_editable(declaration)
    found = placeholders.parse(template.heading or "", template.body)
    printed, errors = placeholders.fill_all(found, raw_values, declaration.language)
    if errors:
        raise UnfilledPlaceholders(errors)
    heading = placeholders.fill(template.heading or "", printed) or None
    return add_clause(declaration, heading, placeholders.fill(template.body, printed), template=template)


def update_clause(clause: Clause, based_on: int, heading: str | None, body: str) -> None:
    """Save a clause's heading and body; raise EditConflict if someone saved it in between."""
    _require_editable(clause.declaration)
    save_if_unchanged(clause, based_on, heading=heading or None, body=body)


def move_clause(clause: Clause, offset: int) -> None:
    """Move a clause up (offset -1) or down (+1); at either end it stays where it is."""
    declaration = clause.declaration
    _require_editable(declaration)
    index = clause.position - 1
    target = index + offset
    if not 0 <= target < len(declaration.clauses):
        return
    neighbour = declaration.clauses[target]
    # Positions are not part of a clause's text: reordering bumps no lock_version.
    clause.position, neighbour.position = neighbour.position, clause.position
    _renumber(declaration)
    db.session.flush()


def remove_clause(clause: Clause) -> None:
    """Remove a clause from the working draft and close the gap in the numbering."""
    declaration = clause.declaration
    _require_editable(declaration)
    declaration.clauses.remove(clause)
    db.session.delete(clause)
    _renumber(declaration)
    db.session.flush()
