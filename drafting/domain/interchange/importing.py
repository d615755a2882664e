"""Exchanging declarations: export one as a JSON document, import such a document into the archive.

A network keeps past declarations from before it used this application, or from another
installation of it. An export writes everything needed to reproduce a declaration's text and
record: its clauses, its participants with their organizations, every version with its document,
canonical text and fingerprint, and every answer with its statement. An import reads such a
document back. It checks the whole document before it stores anything, stops at the first
problem and names it with its JSON path (`$.declaration.clauses[2].number`); then it stores
everything in the caller's transaction, which commits once.

Every field of the format is required; those that may be empty take null. The README
("Exchanging declarations") describes the format for people who write such files by hand.
"""

import dataclasses
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum

import pycountry
from sqlalchemy import null, select

from drafting.domain import audit, published_record, signoff
from drafting.domain.clock import as_utc
from drafting.domain.people.passwords import hash_password
from drafting.domain.published_record import PublishedOrganization
from drafting.domain.text import characters, fingerprint, markup, phrasing
from drafting.domain.text.composed_document import CountryGroup, Document, DocumentClause
from drafting.extensions import db
from drafting.models import (
    Affirmation,
    Answer,
    Clause,
    Declaration,
    DeclarationLayout,
    DeclarationState,
    Network,
    Organization,
    OrganizationKind,
    Participant,
    ParticipantRole,
    User,
    UserRole,
    Version,
    limits,
)
from drafting.models.organizations import country_name
from drafting.rendering import stored_pdfs

FORMAT = "drafting-declaration"
FORMAT_VERSION = 1

# The largest number an INTEGER column holds on every database.
LARGEST_INTEGER = 2**31 - 1
# As the editor's form allows.
LARGEST_MEETING_NUMBER = 9999
# Imported answers are recorded through one inactive account per organization at this domain,
# which RFC 2606 reserves: no message to it can ever be delivered.
ARCHIVE_DOMAIN = "import.invalid"
ARCHIVE_ACCOUNT_NAME = "Imported archive"

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
DOCUMENT_CLAUSE_FIELDS = tuple(field.name for field in dataclasses.fields(DocumentClause))
COUNTRY_GROUP_FIELDS = tuple(field.name for field in dataclasses.fields(CountryGroup))

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Export ------------------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    return as_utc(value).astimezone(timezone.utc).isoformat() if value else None


def _organization(organization: PublishedOrganization) -> dict:
    return {
        "name": organization.name,
        "kind": organization.kind,
        "country": organization.country,
        "local_name": organization.local_name,
    }


def _with_clause_ids(document: dict, translation: dict[int, int]) -> dict:
    """Return a version's document with the clause_id of each clause translated, None where there is none.

    In the database, a clause_id is the id of the working clause the clause was composed from;
    another database has other ids, so the file gives that clause's number in
    $.declaration.clauses instead (null once it was removed from the working draft).
    """
    return {
        **document,
        "clauses": [{**clause, "clause_id": translation.get(clause["clause_id"])} for clause in document["clauses"]],
    }


def export_declaration(declaration: Declaration) -> dict:
    """Return the declaration, its text and its whole record as one JSON document.

    An adopted declaration names organizations, its network and delegates as its published record
    froze them; any other, as they read now.
    """
    clause_numbers = {clause.id: clause.position for clause in declaration.clauses}
    affirmations = db.session.scalars(
        select(Affirmation).where(Affirmation.declaration_id == declaration.id).order_by(Affirmation.id)
    )
    record = published_record.of(declaration) or published_record.compose(declaration, {})
    network = record.network
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "declaration": {
            "title": declaration.title,
            "subtitle": declaration.subtitle,
            "meeting": {
                "name": declaration.meeting_name,
                "number": declaration.meeting_number,
                "acronym": declaration.meeting_acronym,
            },
            "place": declaration.place,
            "starts_on": declaration.starts_on.isoformat(),
            "ends_on": declaration.ends_on.isoformat(),
            "language": declaration.language,
            "layout": declaration.layout.value,
            "state": declaration.state.value,
            "adopted_at": _moment(declaration.adopted_at),
            "host": _organization(record.host),
            "network": {"name": network.name, "acronym": network.acronym} if network else None,
            "preamble": declaration.preamble,
            "closing_formula": declaration.closing_formula,
            "clauses": [
                {"number": clause.position, "heading": clause.heading, "body": clause.body}
                for clause in declaration.clauses
            ],
            "participants": [
                {
                    "organization": _organization(participant.organization),
                    "role": participant.role,
                    "position": participant.position,
                }
                for participant in record.participants
            ],
            "versions": [
                {
                    "number": version.number,
                    "label": version.label,
                    "is_final": version.is_final,
                    "circulated_at": _moment(version.circulated_at),
                    "deadline": _moment(version.deadline),
                    "document": _with_clause_ids(version.document, clause_numbers),
                    "canonical_text": version.canonical_text,
                    "fingerprint": version.fingerprint,
                }
                for version in declaration.versions
            ],
            "affirmations": [
                {
                    "version_number": affirmation.version.number,
                    "organization": record.answers[affirmation.id].organization,
                    "answer": affirmation.answer.value,
                    "statement": affirmation.statement,
                    "reason": affirmation.reason,
                    "fingerprint": affirmation.fingerprint,
                    "answered_at": _moment(affirmation.answered_at),
                    "delegate": record.answers[affirmation.id].delegate,
                    "live": affirmation.live is True,
                    "superseded_at": _moment(affirmation.superseded_at),
                    "voided_at": _moment(affirmation.voided_at),
                    "void_reason": affirmation.void_reason,
                }
                for affirmation in affirmations
            ],
        },
    }


def export_text(declaration: Declaration) -> str:
    """Return the export of a declaration as JSON text: UTF-8 characters as they are, indented."""
    return json.dumps(export_declaration(declaration), indent=2, ensure_ascii=False) + "\n"


# Reading an import document ----------------------------------------------------------------------


class ImportProblem(Exception):
    """The first problem of an import document: its JSON path (None for the file as a whole) and what is wrong."""

    def __init__(self, path: str | None, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class _Object(dict):
    """A JSON object as read from a file, which remembers the first key written twice in it."""

    repeated: str | None = None


def _object(pairs: list[tuple[str, object]]) -> _Object:
    # json.loads keeps the last of two values of one key; keep a note of it for _Fields to refuse,
    # since only _Fields knows the object's path.
    value = _Object()
    for key, item in pairs:
        if key in value and value.repeated is None:
            value.repeated = key
        value[key] = item
    return value


def load(content: bytes) -> object:
    """Read the JSON value of an import file; raise ImportProblem if it is not UTF-8 JSON."""
    try:
        return json.loads(content.decode("utf-8-sig"), object_pairs_hook=_object)
    except UnicodeDecodeError as error:
        raise ImportProblem(None, f"the file is not JSON: byte {error.start} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            None, f"the file is not JSON: line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    # Valid JSON that Python refuses to read: a number of more than 4,300 digits, or deep nesting.
    except (ValueError, RecursionError) as error:
        raise ImportProblem(None, f"the file is not JSON this application reads: {error}") from None


def _kind(value: object) -> str:
    """Name the JSON type of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _string(value: object, path: str, multi_line: bool = False) -> str:
    """Return a string of single-line text (or multi-line text); raise ImportProblem for any other value."""
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected a string, found {_kind(value)}")
    # JSON can escape what no database stores: half of a surrogate pair, or the NUL character.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ImportProblem(path, "is not valid Unicode text: it holds half of a surrogate pair") from None
    # Kept as written, carriage returns included: an import reproduces texts and their fingerprints.
    character = characters.refused_character(value, multi_line)
    if character == characters.NUL:
        raise ImportProblem(path, f"holds {characters.described(character)}, which no field accepts")
    if character is not None and multi_line:
        raise ImportProblem(
            path,
            f"holds {characters.described(character)}: "
            "a text may hold line feeds, carriage returns and tabs, but no other control character",
        )
    if character is not None:
        raise ImportProblem(
            path, f"holds {characters.described(character)}: this field is a single line, without control characters"
        )
    return value


def _quoted(value: str, longest: int = 60) -> str:
    return f"“{value}”" if len(value) <= longest else f"“{value[:longest]}…”"


class _Fields:
    """One JSON object of the document, at its path: every field present and no other, each read with its type checked."""

    def __init__(self, value: object, path: str, names: tuple[str, ...]):
        if not isinstance(value, dict):
            raise ImportProblem(path, f"expected an object, found {_kind(value)}")
        repeated = getattr(value, "repeated", None)
        if repeated is not None:
            raise ImportProblem(path, f"the key {json.dumps(repeated)} appears twice")
        for name in names:
            if name not in value:
                raise ImportProblem(f"{path}.{name}", "this field is missing")
        for name in value:
            if name not in names:
                raise ImportProblem(path, f"unknown field {json.dumps(name)}")
        self.value = value
        self.path = path

    def path_of(self, name: str) -> str:
        return f"{self.path}.{name}"

    def raw(self, name: str) -> object:
        return self.value[name]

    def text(self, name: str, maximum: int | None = None, required: bool = True, multi_line: bool = False) -> str:
        value = _string(self.value[name], self.path_of(name), multi_line)
        if required and not value.strip():
            raise ImportProblem(self.path_of(name), "must not be empty")
        if maximum is not None and len(value) > maximum:
            raise ImportProblem(self.path_of(name), f"at most {maximum:,} characters; this has {len(value):,}")
        return value

    def optional_text(self, name: str, maximum: int | None = None, multi_line: bool = False) -> str | None:
        return None if self.value[name] is None else self.text(name, maximum, required=False, multi_line=multi_line)

    def integer(self, name: str, smallest: int, largest: int) -> int:
        value = self.value[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImportProblem(self.path_of(name), f"expected a whole number, found {_kind(value)}")
        if not smallest <= value <= largest:
            raise ImportProblem(self.path_of(name), f"expected a whole number from {smallest} to {largest}")
        return value

    def optional_integer(self, name: str, smallest: int, largest: int) -> int | None:
        return None if self.value[name] is None else self.integer(name, smallest, largest)

    def boolean(self, name: str) -> bool:
        value = self.value[name]
        if not isinstance(value, bool):
            raise ImportProblem(self.path_of(name), f"expected true or false, found {_kind(value)}")
        return value

    def choice(self, name: str, choices: type[Enum]) -> Enum:
        value = self.text(name, required=False)
        for choice in choices:
            if choice.value == value:
                return choice
        allowed = ", ".join(_quoted(choice.value) for choice in choices)
        raise ImportProblem(self.path_of(name), f"expected one of {allowed}, found {_quoted(value)}")

    def day(self, name: str) -> date:
        value = self.text(name, required=False)
        if _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # a day that does not exist, such as 2010-02-30
        raise ImportProblem(self.path_of(name), f"expected a date as YYYY-MM-DD, found {_quoted(value)}")

    def moment(self, name: str) -> datetime:
        value = self.text(name, required=False)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ImportProblem(
                self.path_of(name),
                f"expected a moment in ISO 8601 such as 2010-11-09T16:00:00+00:00, found {_quoted(value)}",
            ) from None
        if moment.tzinfo is None:
            raise ImportProblem(
                self.path_of(name), f"{_quoted(value)} has no offset from UTC: write it as in 2010-11-09T16:00:00+00:00"
            )
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:
            raise ImportProblem(self.path_of(name), f"{_quoted(value)} is out of the range of dates") from None

    def optional_moment(self, name: str) -> datetime | None:
        return None if self.value[name] is None else self.moment(name)

    def fields(self, name: str, names: tuple[str, ...]) -> "_Fields":
        return _Fields(self.value[name], self.path_of(name), names)

    def items(self, name: str) -> list[tuple[object, str]]:
        """Return the elements of a list field, each with its path."""
        value = self.value[name]
        if not isinstance(value, list):
            raise ImportProblem(self.path_of(name), f"expected a list, found {_kind(value)}")
        return [(item, f"{self.path_of(name)}[{index}]") for index, item in enumerate(value)]

    def strings(self, name: str, multi_line: bool = False) -> list[str]:
        return [_string(item, path, multi_line) for item, path in self.items(name)]


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


def _key(name: str) -> str:
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


def _read_organization(fields: _Fields, organizations: dict[str, _Described]) -> str:
    """Read an organization, check that the document describes it alike everywhere, and return its key."""
    name = fields.text("name", limits.NAME)
    kind = fields.choice("kind", OrganizationKind)
    country = fields.text("country", required=False)
    found = pycountry.countries.get(alpha_2=country)
    if found is None or found.alpha_2 != country:
        raise ImportProblem(
            fields.path_of("country"), f"unknown country {_quoted(country)}: give an ISO 3166 alpha-2 code such as JP"
        )
    columns = dict(name=name, kind=kind, country=country, local_name=fields.optional_text("local_name", limits.NAME))
    described = organizations.setdefault(_key(name), _Described(columns, fields.path))
    if described.columns != columns:
        raise ImportProblem(fields.path, f"describes {name} otherwise than {described.path}")
    return _key(name)


def _read_clauses(declaration: _Fields) -> list[dict]:
    clauses, numbers = [], []
    for item, path in declaration.items("clauses"):
        clause = _Fields(item, path, CLAUSE_FIELDS)
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


def _read_participants(declaration: _Fields, organizations: dict[str, _Described]) -> list[dict]:
    participants = []
    listed: dict[str, str] = {}
    for item, path in declaration.items("participants"):
        participant = _Fields(item, path, PARTICIPANT_FIELDS)
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


def _read_document(version: _Fields, clause_count: int) -> dict:
    """Check that a version's document is one that Document.from_json() reads, and return it."""
    document = version.fields("document", DOCUMENT_FIELDS)
    document.choice("layout", DeclarationLayout)
    document.text("language", required=False)
    for name in ("header", "subtitle", "place_and_date"):
        document.optional_text(name)
    for name in ("title", "dated", "opening"):
        document.text(name, required=False)
    document.strings("preamble", multi_line=True)
    for item, path in document.items("clauses"):
        clause = _Fields(item, path, DOCUMENT_CLAUSE_FIELDS)
        clause.integer("number", 1, LARGEST_INTEGER)
        clause.optional_text("heading")
        clause.strings("paragraphs", multi_line=True)
        # In the file, the number of a clause of $.declaration.clauses: see _with_clause_ids.
        working = clause.optional_integer("clause_id", 1, LARGEST_INTEGER)
        if working is not None and working > clause_count:
            raise ImportProblem(clause.path_of("clause_id"), f"there is no clause {working} in $.declaration.clauses")
    document.strings("closing_formula", multi_line=True)
    for item, path in document.items("signatories"):
        group = _Fields(item, path, COUNTRY_GROUP_FIELDS)
        group.text("country", required=False)
        group.strings("organizations")
    return document.value


def _read_versions(declaration: _Fields, clause_count: int) -> list[dict]:
    versions, numbers = [], []
    for item, path in declaration.items("versions"):
        version = _Fields(item, path, VERSION_FIELDS)
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


def _read_affirmations(declaration: _Fields, versions: list[dict], participants: list[dict]) -> list[dict]:
    by_number = {version["number"]: version for version in versions}
    listed = {participant["organization"] for participant in participants}
    live_answers: dict[tuple[int, str], str] = {}
    affirmations = []
    for item, path in declaration.items("affirmations"):
        affirmation = _Fields(item, path, AFFIRMATION_FIELDS)
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
        if _key(name) not in listed:
            raise ImportProblem(affirmation.path_of("organization"), f"{name} is not listed in $.declaration.participants")
        columns = dict(
            version=number,
            organization=_key(name),
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
            other = live_answers.setdefault((number, _key(name)), path)
            if other != path:
                raise ImportProblem(
                    affirmation.path_of("live"), f"{name} has another live answer to version {number}, at {other}"
                )
        columns["superseded_at"] = affirmation.optional_moment("superseded_at")
        columns["voided_at"] = affirmation.optional_moment("voided_at")
        columns["void_reason"] = affirmation.optional_text("void_reason", limits.STATEMENT, multi_line=True)
        affirmations.append(columns)
    return affirmations


def _check_final_text(declaration: _Fields, columns: dict, clauses: list[dict], final: dict, which: str) -> None:
    """Check that the declaration's text is its final version's, as it is from the moment a final text is proposed.

    The archive shows the declaration's own title and clauses beside the final version's
    fingerprint: they must be the text that the fingerprint covers.
    """
    for name in ("title", "subtitle", "language", "layout"):
        own = columns[name].value if name == "layout" else columns[name]
        if own != final[name]:
            shown = "none" if final[name] is None else _quoted(final[name])
            raise ImportProblem(
                declaration.path_of(name), f"the {name} differs from the {which} version's {name} {shown}"
            )
    for name, label in (("preamble", "preamble"), ("closing_formula", "closing formula")):
        if markup.paragraphs(columns[name]) != final[name]:
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


def _read_declaration(data: object) -> ImportPlan:
    """Check the document's shape, types, limits and inner references, in the order of the format."""
    file = _Fields(data, "$", FILE_FIELDS)
    if file.text("format") != FORMAT:
        raise ImportProblem(file.path_of("format"), f"expected {_quoted(FORMAT)}: this is not a declaration of drafting")
    if file.integer("format_version", 1, LARGEST_INTEGER) != FORMAT_VERSION:
        raise ImportProblem(file.path_of("format_version"), f"this application reads format version {FORMAT_VERSION} only")
    declaration = file.fields("declaration", DECLARATION_FIELDS)
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
            f"unknown language {_quoted(columns['language'])}: give an ISO 639-1 code such as en",
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
    columns["closing_formula"] = declaration.text(
        "closing_formula", limits.CLOSING_FORMULA, required=False, multi_line=True
    )
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
            f"a declaration in the state {_quoted(columns['state'].value)} ends with its final version",
        )
    if columns["state"] in (DeclarationState.affirmation, DeclarationState.adopted):
        _check_final_text(declaration, columns, clauses, versions[-1]["document"], "adopted" if adopted else "final")
    affirmations = _read_affirmations(declaration, versions, participants)
    return ImportPlan(columns, host, network, organizations, clauses, participants, versions, affirmations)


def _existing_organizations(plan: ImportPlan) -> dict[str, Organization]:
    """Return the organizations of this archive that the document names, by key; refuse one in another country."""
    by_key = {_key(organization.name): organization for organization in db.session.scalars(select(Organization))}
    existing = {}
    for key, described in plan.organizations.items():
        organization = by_key.get(key)
        if organization is None:
            continue
        country = described.columns["country"]
        if organization.country != country:
            raise ImportProblem(
                f"{described.path}.country",
                f"{organization.name} exists already, in {organization.country_name} ({organization.country}), "
                f"not in {country_name(country)} ({country})",
            )
        existing[key] = organization
    return existing


def _refuse_duplicate(plan: ImportPlan) -> None:
    """Refuse a declaration this archive holds already: the same title, host and first day of the meeting."""
    host = plan.existing.get(plan.host)
    if host is None:
        return
    columns = plan.declaration
    same = db.session.scalar(
        select(Declaration).where(
            Declaration.host_id == host.id,
            Declaration.title == columns["title"],
            Declaration.starts_on == columns["starts_on"],
        )
    )
    if same is not None:
        raise ImportProblem(
            "$.declaration",
            f"{_quoted(same.title)}, hosted by {host.name} for the meeting that began on "
            f"{phrasing.format_date(same.starts_on)}, exists already as declaration {same.id}",
        )


def read_declaration(data: object) -> ImportPlan:
    """Check a whole import document against the format and this archive; raise ImportProblem at the first problem."""
    plan = _read_declaration(data)
    plan.existing = _existing_organizations(plan)
    _refuse_duplicate(plan)
    return plan


# Storing an import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    """What an import stored."""

    declaration: Declaration
    affirmations: int
    created_organizations: list[str]


def _archive_account(organization: Organization) -> User:
    """Return the inactive account through which imported answers of an organization are recorded.

    An answer records the delegate who gave it, but an import creates no account for a person:
    the file names that person only for the reader. Nobody signs in with this account (it is
    inactive and its random password is forgotten at once) and no mail reaches its address.
    """
    email = f"archive.organization-{organization.id}@{ARCHIVE_DOMAIN}"
    account = db.session.scalar(select(User).where(User.email == email))
    if account is None:
        # Not accounts.create_user: it rightly refuses an address that cannot receive mail.
        account = User(
            email=email,
            name=ARCHIVE_ACCOUNT_NAME,
            password_hash=hash_password(secrets.token_urlsafe(32)),
            role=UserRole.delegate,
            organization=organization,
            active=False,
        )
        db.session.add(account)
        db.session.flush()
    return account


def _network(columns: dict) -> Network:
    wanted = _key(columns["name"])
    for network in db.session.scalars(select(Network)):
        if _key(network.name) == wanted:
            return network
    network = Network(**columns)
    db.session.add(network)
    return network


def import_declaration(data: object) -> ImportReport:
    """Check an import document whole, then store its declaration; at the first problem raise ImportProblem, storing nothing.

    Organizations are matched by name, whatever its case; missing ones and a missing network
    are created. Everything is flushed in the caller's transaction, which commits once.
    """
    plan = read_declaration(data)
    organizations: dict[str, Organization] = {}
    created = []
    for key, described in plan.organizations.items():
        organizations[key] = plan.existing.get(key)
        if organizations[key] is None:
            organizations[key] = Organization(**described.columns)
            db.session.add(organizations[key])
            created.append(organizations[key].name)

    declaration = Declaration(
        **plan.declaration,
        host=organizations[plan.host],
        network=_network(plan.network) if plan.network else None,
        clauses=[Clause(**columns) for columns in plan.clauses],
        participants=[
            Participant(**{**columns, "organization": organizations[columns["organization"]]})
            for columns in plan.participants
        ],
    )
    db.session.add(declaration)
    db.session.flush()

    clause_ids = {clause.position: clause.id for clause in declaration.clauses}
    versions = {}
    for columns in plan.versions:
        document = _with_clause_ids(columns["document"], clause_ids)
        versions[columns["number"]] = Version(**{**columns, "document": document}, declaration=declaration)
        db.session.add(versions[columns["number"]])
    for columns in plan.affirmations:
        organization = organizations[columns["organization"]]
        db.session.add(
            Affirmation(
                **{**columns, "version": versions[columns["version"]], "organization": organization},
                declaration=declaration,
                delegate=_archive_account(organization),
            )
        )
    db.session.flush()
    if declaration.state is DeclarationState.adopted:
        # Adopted elsewhere, published here: its record is frozen now, as adoption freezes it.
        live = signoff.live_answers(versions[max(versions)])
        declaration.published_record = published_record.compose(declaration, live).to_json()
    audit.record(
        "import", declaration, None, None, declaration.state.value,
        versions=[version.fingerprint for version in versions.values()], created_organizations=created,
    )
    if declaration.state is DeclarationState.adopted:
        # Its published record, adopted elsewhere, prints the trail's head as of its arrival here.
        audit.anchor(declaration)
        # Published on arrival as adoption publishes: both paper sizes are made now, from the record.
        stored_pdfs.store_adopted(declaration)
    return ImportReport(declaration, len(plan.affirmations), created)
