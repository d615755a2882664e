"""Reading an import document: checking it whole, before anything is stored, into an ImportPlan.

Every field of the format is required; those that may be empty take null. The first problem
stops the reading and is named with its JSON path (`$.declaration.clauses[2].number`).
"""

import dataclasses
from dataclasses import dataclass

import pycountry
from sqlalchemy import null

from drafting.domain.text import fingerprint, markup
from drafting.domain.text.composed_document import CountryGroup, Document, DocumentClause, dates_phrase, meeting_phrase
from drafting.models import (
    Answer,
    Declaration,
    DeclarationLayout,
    DeclarationState,
    Organization,
    OrganizationKind,
    ParticipantRole,
    limits,
)
from drafting.domain.interchange.export import FORMAT, FORMAT_VERSION
from drafting.domain.interchange.parts import LATER_DECLARATION_FIELDS, checked_country, read_parts
from drafting.domain.interchange.typed_json import Fields, ImportProblem, quoted

# The largest number an INTEGER column holds on every database.
LARGEST_INTEGER = 2**31 - 1
# As the editor's form allows.
LARGEST_MEETING_NUMBER = 9999
FILE_FIELDS = ("format", "format_version", "declaration")
DECLARATION_FIELDS = (
    "title", "subtitle", "meeting", "place", "starts_on", "ends_on", "language", "layout", "state",
    "adopted_at", "host", "network", "preamble", "closing_formula", "clauses", "participants",
    "versions", "affirmations",
)
MEETING_FIELDS = ("name", "number", "acronym")
ORGANIZATION_FIELDS = ("name", "kind", "country", "local_name")
NETWORK_FIELDS = ("name", "acronym")
CLAUSE_FIELDS = ("number", "heading", "body")
PARTICIPANT_FIELDS = ("organization", "role", "position")
VERSION_FIELDS = (
    "number", "label", "is_final", "circulated_at", "deadline", "document", "canonical_text", "fingerprint",
)
AFFIRMATION_FIELDS = (
    "version_number", "organization", "answer", "statement", "reason", "fingerprint", "answered_at",
    "delegate", "live", "superseded_at", "voided_at", "void_reason",
)
# A version's document is exactly what Document.to_json() writes.
DOCUMENT_FIELDS = tuple(field.name for field in dataclasses.fields(Document))
# Fields of a document that documents stored before the host could move the date line or name the
# list do not have: Document.from_json() gives them their defaults.
LATER_DOCUMENT_FIELDS = ("dated_under_title", "list_heading")
DOCUMENT_CLAUSE_FIELDS = tuple(field.name for field in dataclasses.fields(DocumentClause))
COUNTRY_GROUP_FIELDS = tuple(field.name for field in dataclasses.fields(CountryGroup))


@dataclass
class _Described:
    """An organization as the document describes it, where it does so first."""

    columns: dict
    path: str


@dataclass
class ImportPlan:
    """What an import document holds, checked and ready to store: model columns, organizations by key."""

    declaration: dict
    host: str
    network: dict | None
    # By case-folded name, in the order the document first describes them.
    organizations: dict[str, _Described]
    clauses: list[dict]
    participants: list[dict]
    versions: list[dict]
    affirmations: list[dict]
    # The organizations of this archive that the document's names match, by the same keys.
    existing: dict[str, Organization] = dataclasses.field(default_factory=dict)


def name_key(name: str) -> str:
    return name.casefold()


def _check_numbering(numbers: list[tuple[int, str]], what: str) -> None:
    """Check that the numbers run from 1 to their count, each once; name the first that does not."""
    seen: dict[int, str] = {}
    for number, path in numbers:
        if number in seen:
            raise ImportProblem(path, f"{what} number {number} appears twice (also at {seen[number]})")
        if number > len(numbers):
            raise ImportProblem(path, f"there are {len(numbers)} {what}s, numbered 1 to {len(numbers)}: not {number}")
        seen[number] = path


def _read_organization(fields: Fields, organizations: dict[str, _Described]) -> str:
    """Read an organization, check that the document describes it alike everywhere, and return its key."""
    name = fields.text("name", limits.NAME)
    kind = fields.choice("kind", OrganizationKind)
    country = checked_country(fields.text("country", required=False), fields.path_of("country"))
    columns = dict(name=name, kind=kind, country=country, local_name=fields.optional_text("local_name", limits.NAME))
    described = organizations.setdefault(name_key(name), _Described(columns, fields.path))
    if described.columns != columns:
        raise ImportProblem(fields.path, f"describes {name} otherwise than {described.path}")
    return name_key(name)


def _read_clauses(declaration: Fields) -> list[dict]:
    clauses, numbers = [], []
    for item, path in declaration.items("clauses"):
        clause = Fields(item, path, CLAUSE_FIELDS)
        number = clause.integer("number", 1, LARGEST_INTEGER)
        numbers.append((number, clause.path_of("number")))
        clauses.append(
            dict(
                position=number,
                heading=clause.optional_text("heading", limits.HEADING),
                body=clause.text("body", limits.CLAUSE_BODY, required=False, multi_line=True),
            )
        )
    _check_numbering(numbers, "clause")
    return sorted(clauses, key=lambda clause: clause["position"])


def _read_participants(declaration: Fields, organizations: dict[str, _Described]) -> list[dict]:
    participants = []
    listed: dict[str, str] = {}
    for item, path in declaration.items("participants"):
        participant = Fields(item, path, PARTICIPANT_FIELDS)
        organization = participant.fields("organization", ORGANIZATION_FIELDS)
        key = _read_organization(organization, organizations)
        if key in listed:
            raise ImportProblem(
                organization.path_of("name"), f"{organization.raw('name')} is listed twice (also at {listed[key]})"
            )
        listed[key] = path
        participants.append(
            dict(
                organization=key,
                role=participant.choice("role", ParticipantRole),
                position=participant.optional_integer("position", 0, LARGEST_INTEGER),
            )
        )
    return participants


def _read_document(version: Fields, clause_count: int) -> dict:
    """Check that a version's document is one that Document.from_json() reads, and return it."""
    raw = version.raw("document")
    present = raw if isinstance(raw, dict) else {}
    document = version.fields(
        "document", tuple(name for name in DOCUMENT_FIELDS if name not in LATER_DOCUMENT_FIELDS or name in present)
    )
    if "dated_under_title" in present:
        document.boolean("dated_under_title")
    if "list_heading" in present:
        document.text("list_heading", required=False)
    document.choice("layout", DeclarationLayout)
    document.text("language", required=False)
    for name in ("header", "subtitle"):
        document.optional_text(name)
    # A date line the host wrote may name the place on a line of its own; an opening, span lines.
    document.optional_text("place_and_date", multi_line=True)
    document.text("title", required=False)
    for name in ("dated", "opening"):
        document.text(name, required=False, multi_line=True)
    document.strings("preamble", multi_line=True)
    for item, path in document.items("clauses"):
        clause = Fields(item, path, DOCUMENT_CLAUSE_FIELDS)
        clause.integer("number", 1, LARGEST_INTEGER)
        clause.optional_text("heading")
        clause.strings("paragraphs", multi_line=True)
        # In the file, the number of a clause of $.declaration.clauses: see _with_clause_ids.
        working = clause.optional_integer("clause_id", 1, LARGEST_INTEGER)
        if working is not None and working > clause_count:
            raise ImportProblem(clause.path_of("clause_id"), f"there is no clause {working} in $.declaration.clauses")
    document.strings("closing_formula", multi_line=True)
    for item, path in document.items("signatories"):
        group = Fields(item, path, COUNTRY_GROUP_FIELDS)
        group.text("country", required=False)
        group.strings("organizations")
    return document.value


def _read_versions(declaration: Fields, clause_count: int) -> list[dict]:
    versions, numbers = [], []
    for item, path in declaration.items("versions"):
        version = Fields(item, path, VERSION_FIELDS)
        number = version.integer("number", 1, LARGEST_INTEGER)
        numbers.append((number, version.path_of("number")))
        label = version.text("label", limits.VERSION_LABEL)
        is_final = version.boolean("is_final")
        circulated_at = version.moment("circulated_at")
        deadline = version.optional_moment("deadline")
        document = _read_document(version, clause_count)
        text = version.text("canonical_text", multi_line=True)
        if text != fingerprint.canonical_text(Document.from_json(document)):
            raise ImportProblem(version.path_of("canonical_text"), "is not the canonical text of the version's document")
        stated = version.text("fingerprint")
        if stated != fingerprint.fingerprint(text):
            raise ImportProblem(
                version.path_of("fingerprint"),
                "is not the SHA-256 of the canonical text: the text or its fingerprint was changed",
            )
        versions.append(
            dict(
                number=number, label=label, is_final=is_final, circulated_at=circulated_at, deadline=deadline,
                document=document, canonical_text=text, fingerprint=stated,
            )
        )
    _check_numbering(numbers, "version")
    return sorted(versions, key=lambda version: version["number"])


def _read_affirmations(declaration: Fields, versions: list[dict], participants: list[dict]) -> list[dict]:
    by_number = {version["number"]: version for version in versions}
    listed = {participant["organization"] for participant in participants}
    live_answers: dict[tuple[int, str], str] = {}
    affirmations = []
    for item, path in declaration.items("affirmations"):
        affirmation = Fields(item, path, AFFIRMATION_FIELDS)
        number = affirmation.integer("version_number", 1, LARGEST_INTEGER)
        version = by_number.get(number)
        if version is None:
            raise ImportProblem(
                affirmation.path_of("version_number"), f"there is no version {number} in $.declaration.versions"
            )
        if not version["is_final"]:
            raise ImportProblem(
                affirmation.path_of("version_number"), f"version {number} is a draft: answers are given to a final text"
            )
        name = affirmation.text("organization", limits.NAME)
        if name_key(name) not in listed:
            raise ImportProblem(affirmation.path_of("organization"), f"{name} is not listed in $.declaration.participants")
        columns = dict(
            version=number,
            organization=name_key(name),
            answer=affirmation.choice("answer", Answer),
            statement=affirmation.optional_text("statement", limits.STATEMENT, multi_line=True),
            reason=affirmation.optional_text("reason", limits.STATEMENT, multi_line=True),
            fingerprint=affirmation.text("fingerprint"),
        )
        if columns["fingerprint"] != version["fingerprint"]:
            raise ImportProblem(
                affirmation.path_of("fingerprint"), f"is not the fingerprint of version {number}, the text answered"
            )
        columns["answered_at"] = affirmation.moment("answered_at")
        affirmation.optional_text("delegate", limits.NAME)  # who answered, for the reader: see _archive_account
        # The model keeps NULL rather than False for an answer that no longer counts (see Affirmation);
        # null(), as None would let the column's default, True, apply.
        live = affirmation.boolean("live")
        columns["live"] = True if live else null()
        if live:
            other = live_answers.setdefault((number, name_key(name)), path)
            if other != path:
                raise ImportProblem(
                    affirmation.path_of("live"), f"{name} has another live answer to version {number}, at {other}"
                )
        columns["superseded_at"] = affirmation.optional_moment("superseded_at")
        columns["voided_at"] = affirmation.optional_moment("voided_at")
        columns["void_reason"] = affirmation.optional_text("void_reason", limits.STATEMENT, multi_line=True)
        affirmations.append(columns)
    return affirmations


def _check_final_text(declaration: Fields, columns: dict, clauses: list[dict], final: dict, which: str) -> None:
    """Check that the declaration's text is its final version's, as it is from the moment a final text is proposed.

    The archive shows the declaration's own title and clauses beside the final version's
    fingerprint: they must be the text that the fingerprint covers.
    """
    for name in ("title", "subtitle", "language", "layout"):
        own = columns[name].value if name == "layout" else columns[name]
        if own != final[name]:
            shown = "none" if final[name] is None else quoted(final[name])
            raise ImportProblem(
                declaration.path_of(name), f"the {name} differs from the {which} version's {name} {shown}"
            )
    _check_meeting(declaration, columns, final, which)
    for name, label in (("preamble", "preamble"), ("closing_formula", "closing formula")):
        # A closing formula that is the default (None) is what the version says it was.
        if columns[name] is not None and markup.paragraphs(columns[name]) != final[name]:
            raise ImportProblem(declaration.path_of(name), f"the {label} differs from the {which} version's {label}")
    if len(clauses) != len(final["clauses"]):
        raise ImportProblem(
            declaration.path_of("clauses"),
            f"there are {len(clauses)} clauses, and the {which} version has {len(final['clauses'])}",
        )
    for clause, published in zip(clauses, final["clauses"]):
        number = clause["position"]
        # In the file, a document's clause_id is the number of the clause it was composed from.
        own = (number, clause["heading"], markup.paragraphs(clause["body"]), number)
        if own != (published["number"], published["heading"], published["paragraphs"], published["clause_id"]):
            raise ImportProblem(
                declaration.path_of("clauses"),
                f"clause {number} differs from clause {published['number']} of the {which} version",
            )


def _check_meeting(declaration: Fields, columns: dict, final: dict, which: str) -> None:
    """Check that the final version's header and opening name the meeting, its place and its dates as the declaration does.

    The archive and the API show them beside the fingerprint, which covers only the text.
    """
    meeting = Declaration(**{name: columns[name] for name in (
        "meeting_name", "meeting_number", "meeting_acronym", "place", "starts_on", "ends_on", "language")})
    opening = final["opening"].casefold()
    # An opening or a header the host wrote says what the host wrote: only the defaults name the meeting,
    # its dates as the declaration's language names them and the place as it is.
    named = () if columns.get("opening") is not None else (
        (declaration.path_of("meeting"), meeting_phrase(meeting), "name"),
        (declaration.path_of("place"), meeting.place, "say the meeting was held in"),
        (declaration.path_of("starts_on"), dates_phrase(meeting), "say the meeting was held"),
    )
    for path, said, missing in named:
        if said.casefold() not in opening:
            shown = said.removeprefix("held in ").strip()
            raise ImportProblem(path, f"the {which} version's opening does not {missing} {shown}")
    acronym = meeting.meeting_acronym
    if acronym and columns.get("header") is None and not (final["header"] or "").startswith(f"{acronym} "):
        raise ImportProblem(
            declaration.path_of("meeting.acronym"), f"the {which} version's header does not begin with {acronym}"
        )


def read_plan(data: object) -> ImportPlan:
    """Check the document's shape, types, limits and inner references, in the order of the format."""
    file = Fields(data, "$", FILE_FIELDS)
    if file.text("format") != FORMAT:
        raise ImportProblem(file.path_of("format"), f"expected {quoted(FORMAT)}: this is not a declaration of drafting")
    if file.integer("format_version", 1, LARGEST_INTEGER) != FORMAT_VERSION:
        raise ImportProblem(file.path_of("format_version"), f"this application reads format version {FORMAT_VERSION} only")
    raw = file.raw("declaration")
    later = tuple(name for name in LATER_DECLARATION_FIELDS if isinstance(raw, dict) and name in raw)
    declaration = file.fields("declaration", DECLARATION_FIELDS + later)
    meeting = declaration.fields("meeting", MEETING_FIELDS)
    columns = dict(
        title=declaration.text("title", limits.NAME),
        subtitle=declaration.optional_text("subtitle", limits.SHORT_TEXT),
        meeting_name=meeting.text("name", limits.NAME),
        meeting_number=meeting.optional_integer("number", 1, LARGEST_MEETING_NUMBER),
        meeting_acronym=meeting.optional_text("acronym", limits.ACRONYM),
        place=declaration.text("place", limits.NAME),
        starts_on=declaration.day("starts_on"),
        ends_on=declaration.day("ends_on"),
    )
    if columns["ends_on"] < columns["starts_on"]:
        raise ImportProblem(declaration.path_of("ends_on"), "the meeting cannot end before it starts")
    columns["language"] = declaration.text("language", limits.LANGUAGE)
    language = pycountry.languages.get(alpha_2=columns["language"])
    if language is None or language.alpha_2 != columns["language"]:
        raise ImportProblem(
            declaration.path_of("language"),
            f"unknown language {quoted(columns['language'])}: give an ISO 639-1 code such as en",
        )
    columns["layout"] = declaration.choice("layout", DeclarationLayout)
    columns["state"] = declaration.choice("state", DeclarationState)
    columns["adopted_at"] = declaration.optional_moment("adopted_at")
    adopted = columns["state"] is DeclarationState.adopted
    if adopted and columns["adopted_at"] is None:
        raise ImportProblem(declaration.path_of("adopted_at"), "an adopted declaration gives the moment of its adoption")
    if not adopted and columns["adopted_at"] is not None:
        raise ImportProblem(declaration.path_of("adopted_at"), "only an adopted declaration has a moment of adoption")

    organizations: dict[str, _Described] = {}
    host = _read_organization(declaration.fields("host", ORGANIZATION_FIELDS), organizations)
    network = None
    if declaration.raw("network") is not None:
        fields = declaration.fields("network", NETWORK_FIELDS)
        network = dict(name=fields.text("name", limits.NAME), acronym=fields.optional_text("acronym", limits.ACRONYM))
    columns["preamble"] = declaration.text("preamble", limits.PREAMBLE, required=False, multi_line=True)
    # None: the default formula, written anew from the hosts and dates.
    columns["closing_formula"] = declaration.optional_text("closing_formula", limits.CLOSING_FORMULA, multi_line=True)
    columns.update(read_parts(declaration) if later else {})
    clauses = _read_clauses(declaration)
    participants = _read_participants(declaration, organizations)
    if not any(p["organization"] == host and p["role"] is ParticipantRole.host for p in participants):
        raise ImportProblem(
            declaration.path_of("participants"),
            f"the host, {organizations[host].columns['name']}, is not listed with the role “host”",
        )
    versions = _read_versions(declaration, len(clauses))
    if columns["state"] in (DeclarationState.affirmation, DeclarationState.adopted) and not (
        versions and versions[-1]["is_final"]
    ):
        raise ImportProblem(
            declaration.path_of("versions"),
            f"a declaration in the state {quoted(columns['state'].value)} ends with its final version",
        )
    if columns["state"] in (DeclarationState.affirmation, DeclarationState.adopted):
        _check_final_text(declaration, columns, clauses, versions[-1]["document"], "adopted" if adopted else "final")
    affirmations = _read_affirmations(declaration, versions, participants)
    return ImportPlan(columns, host, network, organizations, clauses, participants, versions, affirmations)
