"""What the public sees of an adopted declaration: the text it adopted, who affirmed it, their statements.

Names come from the record frozen at adoption (drafting.domain.published_record), never from the live
organizations, networks or accounts, which an administrator may change afterwards.

The archive page, the JSON API and the verification all read an adopted declaration through
`published()`, so that they cannot disagree about it. A declaration that is not adopted is not
published: for the public it does not exist, whatever its id or fingerprint.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import aliased, selectinload

from drafting.domain import audit, final_text, published_record
from drafting.domain.clock import as_utc
from drafting.domain.published_record import PublishedRecord, Statement
from drafting.domain.text.composed_document import CountryGroup, Document
from drafting.extensions import db
from drafting.models import AuditAnchor, Declaration, DeclarationState, Version


@dataclass(frozen=True)
class Publication:
    """An adopted declaration as the public sees it."""

    declaration: Declaration
    # The final text that was adopted.
    version: Version
    # The text as published (final_text.adopted_document): its participant list holds those that affirmed.
    document: Document
    # Who it names, and how, as frozen at adoption: the host, the network, those that affirmed.
    record: PublishedRecord
    statements: list[Statement]
    # The audit trail's head at adoption, as the PDF prints it (None for declarations adopted before heads were printed).
    audit_anchor: AuditAnchor | None

    @property
    def affirmed_by(self) -> list[CountryGroup]:
        """Return the organizations that affirmed, by country; the older layout's document does not list them."""
        return self.record.affirmed_by

    @property
    def adopted_at(self) -> datetime:
        return adopted_moment(self.declaration)


def adopted_moment(declaration: Declaration) -> datetime:
    """Return when a declaration was adopted, in UTC (PostgreSQL answers in its session's time zone)."""
    return as_utc(declaration.adopted_at).astimezone(timezone.utc)


def adopted_texts(*columns) -> Select:
    """Select `columns` from every adopted declaration joined to the final version it adopted."""
    later = aliased(Version)
    return (
        select(*columns)
        .select_from(Declaration)
        .join(Version, Version.declaration_id == Declaration.id)
        .where(
            Declaration.state == DeclarationState.adopted,
            Version.is_final,
            # A reopened declaration keeps its earlier final texts: the one adopted is the last version.
            ~exists().where(later.declaration_id == Version.declaration_id, later.number > Version.number),
        )
    )


def published(declaration_id: int) -> Publication | None:
    """Return the publication of an adopted declaration, or None if there is no adopted declaration of that id."""
    declaration = db.session.get(Declaration, declaration_id, options=[selectinload(Declaration.versions)])
    record = published_record.of(declaration) if declaration is not None else None
    if record is None or declaration.state is not DeclarationState.adopted:
        return None
    return Publication(
        declaration=declaration,
        version=final_text.final_version(declaration),
        document=final_text.adopted_document(declaration),
        record=record,
        statements=record.statements(),
        audit_anchor=audit.anchor_of(declaration),
    )
