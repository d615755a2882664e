"""Composing a declaration's working draft: its metadata, preamble, clauses, parts with defaults and the host's order.

These functions assume the caller has checked `permissions.can_edit`; they still refuse to touch
a declaration whose text is frozen, so no path can change a text that was proposed as final.
"""

from datetime import date

from drafting.domain.locking import save_if_unchanged
from drafting.domain.permissions import EDITABLE_STATES
from drafting.domain.text import placeholders
from drafting.domain.text.composed_document import (
    Part,
    default_text,
    group_participants,
    in_host_order,
    participants_in_document,
)
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

METADATA_FIELDS = (
    "title", "subtitle", "meeting_name", "meeting_number", "meeting_acronym", "place",
    "starts_on", "ends_on", "language", "layout", "network_id", "preamble", "date_position", "hosts_listed",
    *(part.value for part in Part),
)


class CompositionError(ValueError):
    """A change the working draft cannot take; `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# The parts without which a declaration does not read as one: the sentence that says which meeting
# speaks, and the one that says who proposes the text. Others may be left empty (no header, say).
# Parts a declaration is printed without only when the host says so (the Tokyo Declaration of 2010 has
# no closing formula): saved empty by mistake, they would vanish from the document without a word.
LEFT_OUT_ONLY_ON_PURPOSE = {Part.opening: "opening paragraph", Part.closing_formula: "closing formula"}


class UnfilledPlaceholders(CompositionError):
    """Some placeholders of a template were not given a valid value; `errors` maps name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("Fill in every placeholder.")
        self.errors = errors


def _require_editable(declaration: Declaration) -> None:
    if declaration.state not in EDITABLE_STATES:
        raise CompositionError(f"The declaration is in {declaration.state.value}: its text can no longer change.")


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
        closing_formula=closing_formula,
    )
    declaration.participants.append(Participant(organization=host, role=ParticipantRole.host))
    db.session.add(declaration)
    db.session.flush()
    return declaration


def update_declaration(declaration: Declaration, based_on: int, **values) -> None:
    """Save metadata, preamble or parts; raise EditConflict if someone saved in between.

    A part given as None goes back to its default.
    """
    _require_editable(declaration)
    unknown = set(values) - set(METADATA_FIELDS)
    if unknown:
        raise CompositionError(f"Not a field of a declaration: {', '.join(sorted(unknown))}.")
    starts_on = values.get("starts_on", declaration.starts_on)
    ends_on = values.get("ends_on", declaration.ends_on)
    if ends_on < starts_on:
        raise CompositionError("The meeting cannot end before it starts.", "ends_on")
    save_if_unchanged(declaration, based_on, **values)


def rewrite_part(declaration: Declaration, based_on: int, part: Part, text: str) -> None:
    """Save the host's own text of a part; a text that reads as the default leaves the part a default.

    A default is written anew from the details whenever the document is composed, so it follows
    the dates, the hosts and the participants; a part the host rewrote is never rewritten behind
    its back. The opening paragraph and the closing formula are not saved empty: the host leaves
    them out on purpose with leave_out_part().
    """
    if part in LEFT_OUT_ONLY_ON_PURPOSE and not (text or "").strip():
        name = LEFT_OUT_ONLY_ON_PURPOSE[part]
        raise CompositionError(
            f"The {name} cannot be empty: the declaration would be printed without it. Write one, go back to the "
            f"default {name}, written from the details, or leave the {name} out if the declaration has none.",
            part.value,
        )
    own = None if text == default_text(declaration, part) else text
    update_declaration(declaration, based_on, **{part.value: own})


def leave_out_part(declaration: Declaration, based_on: int, part: Part) -> None:
    """Print the declaration without this part, as the host chose; raise EditConflict if someone saved in between."""
    if part not in LEFT_OUT_ONLY_ON_PURPOSE:
        raise CompositionError(f"The {part.value.replace('_', ' ')} is left out by saving it empty.", part.value)
    update_declaration(declaration, based_on, **{part.value: ""})


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


def ordered_with(participant: Participant) -> list[Participant]:
    """Return the list a participant is ordered in, in the host's order.

    In the older layout, the names of the opening paragraph; in the listed layout, the participants
    of its country.
    """
    declaration = participant.declaration
    if declaration.layout is DeclarationLayout.named_in_opening:
        named = participants_in_document(declaration, declaration.layout)
        if participant not in named:
            raise CompositionError(f"The opening paragraph does not name {participant.organization.name}.")
        return named
    country = participant.organization.country
    return [p for p in in_host_order(declaration.participants) if p.organization.country == country]


def place_participant(participant: Participant, index: int) -> None:
    """Put a participant at `index` (0-based, clamped) of the list it is ordered in (ordered_with()).

    Each participant's position is its rank in the host's order of the whole declaration, so a move
    in one list keeps the order of every other. Like a clause's move, it bumps no lock_version.
    """
    declaration = participant.declaration
    _require_editable(declaration)
    among = ordered_with(participant)
    whole = in_host_order(declaration.participants)
    ranks = sorted(whole.index(member) for member in among)
    moved = [member for member in among if member is not participant]
    moved.insert(max(0, min(index, len(moved))), participant)
    for rank, member in zip(ranks, moved):
        whole[rank] = member
    for position, member in enumerate(whole, start=1):
        member.position = position
    db.session.flush()


def place_country(declaration: Declaration, country: str, index: int) -> None:
    """Put a country (ISO 3166 code) at `index` (0-based, clamped) of the order of the participants' countries."""
    _require_editable(declaration)
    codes = [members[0].organization.country
             for _, members in group_participants(declaration.participants, declaration.country_order)]
    if country not in codes:
        raise CompositionError("No participant comes from that country.")
    codes.remove(country)
    codes.insert(max(0, min(index, len(codes))), country)
    declaration.country_order = codes
    db.session.flush()
