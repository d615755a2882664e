"""Exporting a declaration: its text and its whole record as one JSON document (the format is
described in the README, "Exchanging declarations"; drafting.domain.interchange.reading reads it back).
"""

import json
from datetime import datetime, timezone

from sqlalchemy import select

from drafting.domain import published_record
from drafting.domain.clock import as_utc
from drafting.domain.published_record import PublishedOrganization
from drafting.extensions import db
from drafting.models import Affirmation, Declaration

FORMAT = "drafting-declaration"
FORMAT_VERSION = 1


def _moment(value: datetime | None) -> str | None:
    return as_utc(value).astimezone(timezone.utc).isoformat() if value else None


def _organization(organization: PublishedOrganization) -> dict:
    return {
        "name": organization.name,
        "kind": organization.kind,
        "country": organization.country,
        "local_name": organization.local_name,
    }


def with_clause_ids(document: dict, translation: dict[int, int]) -> dict:
    """Return a version's document with the clause_id of each clause translated, None where there is none.

    In the database, a clause_id is the id of the working clause the clause was composed from;
    another database has other ids, so the file gives that clause's number in
    $.declaration.clauses instead (null once it was removed from the working draft).
    """
    return {
        **document,
        "clauses": [{**clause, "clause_id": translation.get(clause["clause_id"])} for clause in document["clauses"]],
    }


def heading(declaration: Declaration) -> dict:
    """Return a declaration's title, subtitle and meeting as the export and the public API write them."""
    return {
        "title": declaration.title,
        "subtitle": declaration.subtitle,
        "meeting": {
            "name": declaration.meeting_name,
            "number": declaration.meeting_number,
            "acronym": declaration.meeting_acronym,
        },
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
            **heading(declaration),
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
            # The host's own parts (None: the default), where the date line stands, the order of countries.
            "parts": {
                "header": declaration.header,
                "opening": declaration.opening,
                "date_line": declaration.date_line,
                "list_heading": declaration.list_heading,
                "date_position": declaration.date_position.value if declaration.date_position else None,
                "hosts_listed": declaration.hosts_listed,
                "country_order": declaration.country_order,
            },
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
                    "document": with_clause_ids(version.document, clause_numbers),
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
