"""Rendered PDFs, made once and kept in the database (StoredPdf), and the names they are served under.

The adopted declaration's PDFs, A4 and US Letter, are made at adoption, in the same transaction,
from its published record, and signed by the platform (drafting.rendering.signing); a circulated
version's are made the first time someone asks for them. Once stored, a PDF is served as it is:
every application server sends the same bytes.
"""

import re
import unicodedata
from datetime import date, datetime
from functools import cache, lru_cache
from typing import NamedTuple, Protocol

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from drafting import pooled_connections
from drafting.domain import (
    audit, circulation, completion, final_text, publication, published_record, signing_certificates,
)
from drafting.domain.clock import as_utc
from drafting.domain.consultation import version_document
from drafting.domain.text import composed_document, phrasing, wording
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, StoredPdf, Version
from drafting.rendering import pdf, signing

SLUG_LENGTH = 80


def verification_url(fingerprint: str) -> str:
    """Return the public address at which anyone verifies a fingerprint (archive.verify).

    It is printed in PDFs that are stored and sent to everyone, so the configured SERVER_NAME
    names the host when there is one, rather than whatever Host header a request came with.
    """
    server_name = current_app.config["SERVER_NAME"]
    if server_name is None and has_request_context():
        return url_for("archive.verify", fingerprint=fingerprint, _external=True)
    # Without a request (`flask demo`, a script) nor SERVER_NAME, name the local server that the
    # demonstration runs.
    adapter = current_app.url_map.bind(
        server_name or "localhost",
        script_name=current_app.config["APPLICATION_ROOT"],
        url_scheme=current_app.config["PREFERRED_URL_SCHEME"],
    )
    return adapter.build("archive.verify", {"fingerprint": fingerprint}, force_external=True)


class Named(Protocol):
    """What names a declaration's download (file_name): a Declaration, or the columns published_pdf reads of one."""

    id: int
    title: str
    adopted_at: datetime | None
    ends_on: date


# Every download of a PDF names it after its declaration's title: the same few titles, over and over.
@lru_cache(maxsize=1024)
def _slug(text: str) -> str | None:
    """Return text as lower-case ASCII words joined by hyphens, or None if letters would be lost."""
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    if any(c.isalpha() and not c.isascii() for c in decomposed):
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", decomposed.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        slug = slug[:SLUG_LENGTH].rsplit("-", 1)[0]
    return slug or None


def file_name(declaration: Named, version: Version | None = None, page_size: str = "A4") -> str:
    """Name a download: "yokohama-declaration-2024.pdf", or for a version "…-draft-2.pdf", "…-final.pdf";
    the US Letter file ends in "-letter.pdf", so that both sizes can sit in one folder.

    The year is that of adoption, or of the meeting before it. A title that does not write in
    Latin letters gives "declaration-<id>-<year>.pdf".
    """
    year = as_utc(declaration.adopted_at).year if declaration.adopted_at else declaration.ends_on.year
    stem = f"{_slug(declaration.title) or f'declaration-{declaration.id}'}-{year}"
    if version is not None:
        stem += f"-{_slug(version.label)}"
    if page_size != "A4":
        stem += f"-{page_size.lower()}"
    return f"{stem}.pdf"


def _stored(version: Version, kind: str, page_size: str) -> StoredPdf | None:
    return db.session.scalar(
        select(StoredPdf).where(
            StoredPdf.version_id == version.id, StoredPdf.kind == kind, StoredPdf.page_size == page_size
        )
    )


def _kept(version: Version, kind: str, page_size: str, render) -> StoredPdf:
    """Return the stored PDF, or render it with render(), store it (flush) and return it."""
    stored = _stored(version, kind, page_size)
    if stored is not None:
        return stored
    content, pages = render()
    stored = StoredPdf(version=version, kind=kind, page_size=page_size, content=content, pages=pages)
    try:
        with db.session.begin_nested():
            db.session.add(stored)
    except IntegrityError:
        # Another request rendered the same PDF meanwhile and stored it first: serve that one.
        return _stored(version, kind, page_size)
    return stored


def _keywords(declaration: Declaration, *more: str) -> list[str]:
    words = [wording.gettext(declaration.language, "declaration"), declaration.meeting_name, declaration.meeting_acronym, declaration.place,
             str(declaration.ends_on.year), *more]
    return [word for word in words if word]


def _meeting(declaration: Declaration) -> dict[str, str]:
    return {"meeting": composed_document.meeting_phrase(declaration), "place": declaration.place}


def _statements(record: published_record.PublishedRecord) -> list[published_record.Statement]:
    # The annex orders the statements by organization, the archive's page as the list does.
    return sorted(record.statements(), key=lambda statement: statement.organization.casefold())


def _adopted_version(declaration: Declaration) -> Version:
    if declaration.state is not DeclarationState.adopted:
        raise ValueError(f"{declaration.title} is not adopted: it has no final PDF.")
    return final_text.final_version(declaration)


def render_adopted(declaration: Declaration, page_size: str = "A4") -> tuple[bytes, int]:
    """Render an adopted declaration as published, signed by the platform, without storing it; return the file and its pages."""
    version = _adopted_version(declaration)
    record = published_record.of(declaration)
    adopted_at = as_utc(declaration.adopted_at)
    anchor = audit.anchor_of(declaration)
    options = pdf.PdfOptions(
        kind=pdf.ADOPTED,
        canonical_text=version.canonical_text,
        metadata=pdf.PdfMetadata(
            author=record.host.listed_name,
            subject=wording.gettext(declaration.language, "Declaration adopted at {meeting}, {place}",
                                    **_meeting(declaration)),
            keywords=_keywords(declaration),
            created=adopted_at,
        ),
        verification_url=verification_url(version.fingerprint),
        page_size=page_size,
        statements=_statements(record),
        audit_head=(anchor.events, anchor.hash) if anchor else None,
        certificate=completion.certificate_json(declaration),
    )
    content, pages = pdf.render(final_text.adopted_document(declaration), options)
    return signing.sign(content), pages


def adopted_pdf(declaration: Declaration, page_size: str = "A4") -> StoredPdf:
    """Return the stored PDF of an adopted declaration, rendering and storing it first if there is none."""
    version = _adopted_version(declaration)

    def published() -> tuple[bytes, int]:
        # /verify keeps trusting the certificate of a published PDF once the key is replaced.
        signing_certificates.remember(signing.platform_certificate().dump())
        return render_adopted(declaration, page_size)

    return _kept(version, pdf.ADOPTED, page_size, published)


class PublishedPdf(NamedTuple):
    """An adopted declaration's stored PDF as its public download needs it: what names the file, the stored PDF's
    id and tag, and its bytes if they were read."""

    declaration: Named
    stored_pdf_id: int
    etag: str
    content: bytes | None


def etag(fingerprint: str, kind: str, page_size: str) -> str:
    """Return the tag a stored PDF is served with: its text's fingerprint, marked with what else tells it apart.

    The two page sizes are two files of the same text, and so is a voided final text's notice: their tags must differ.
    """
    return (fingerprint + ("" if page_size == "A4" else "-letter")
            + ("" if kind in (pdf.ADOPTED, pdf.CIRCULATED) else f"-{kind}"))


@cache
def _published_pdf_query(with_content: bool) -> Select:
    # Built once: making the statement (an alias of versions among others) costs more than running it.
    # Columns only, no ORM objects: what the file's name needs (file_name), the stored PDF's tag, and its bytes.
    columns = [Declaration.id, Declaration.title, Declaration.adopted_at, Declaration.ends_on,
               StoredPdf.id.label("stored_pdf_id"), StoredPdf.kind, StoredPdf.page_size, Version.fingerprint]
    return (
        publication.adopted_texts(*columns, *([StoredPdf.content] if with_content else []))
        .join(StoredPdf, StoredPdf.version_id == Version.id)
        .where(Declaration.id == bindparam("declaration_id"), StoredPdf.kind == pdf.ADOPTED,
               StoredPdf.page_size == bindparam("page_size"))
    )


def published_pdf(declaration_id: int, page_size: str = "A4", with_content: bool = True) -> PublishedPdf | None:
    """Find the stored PDF of an adopted declaration in one statement; None if the declaration is not adopted or
    its PDF in that size is not stored yet (adopted_pdf then makes it).

    The database decides on every call, whatever was found before: a declaration that is no longer adopted
    (an earlier backup restored) has no PDF from then on. The statement runs by itself, outside the session's
    transaction. Without content, its bytes are not read (published_content reads them if need be): for a request
    that may well be answered 304.
    """
    with pooled_connections.by_itself() as connection:
        row = connection.execute(
            _published_pdf_query(with_content), {"declaration_id": declaration_id, "page_size": page_size}
        ).one_or_none()
    if row is None:
        return None
    return PublishedPdf(row, row.stored_pdf_id, etag(row.fingerprint, row.kind, row.page_size),
                        row.content if with_content else None)


def published_content(found: PublishedPdf) -> bytes:
    """Read the bytes of a stored PDF that published_pdf found without them."""
    with pooled_connections.by_itself() as connection:
        return connection.execute(select(StoredPdf.content).where(StoredPdf.id == found.stored_pdf_id)).scalar_one()


def store_adopted(declaration: Declaration) -> None:
    """Render and store the adopted declaration's PDF in every page size, as adoption publishes it."""
    for page_size in pdf.PAGE_SIZES:
        adopted_pdf(declaration, page_size)


def version_label(version: Version) -> str:
    """Return a version's label in its declaration's language: "Draft 2", "Final"."""
    language = version.declaration.language
    draft = re.fullmatch(r"Draft ([0-9]+)", version.label)
    if draft:
        return wording.gettext(language, "Draft {number}", number=draft.group(1))
    return wording.gettext(language, "Final") if version.label == "Final" else version.label


def circulated_label(version: Version) -> str:
    """Return what a circulated version's PDF prints on every page, in the declaration's language: "DRAFT 2"."""
    language = version.declaration.language
    if version.is_final:
        return wording.gettext(language, "FINAL TEXT FOR AFFIRMATION")
    # Labels are "Draft 2" as circulation names them; an imported one may be another text, printed as it is.
    draft = re.fullmatch(r"Draft ([0-9]+)", version.label)
    return wording.gettext(language, "DRAFT {number}", number=draft.group(1)) if draft else version.label.upper()


def void_notice(voided: circulation.Voiding, declaration: Declaration) -> list[str]:
    """Return the paragraphs that open a voided final text's PDF, in the declaration's language: since when and
    why it is void, and which text is current."""
    language = declaration.language
    if voided.since is not None:
        paragraphs = [wording.gettext(
            language, "This text is void: {host} reopened the declaration for consultation on {date}.",
            host=declaration.host.name_in(language), date=phrasing.format_date(voided.since.date(), language),
        )]
    else:
        paragraphs = [wording.gettext(language, "This text is void: it no longer stands for answers or adoption.")]
    if voided.reason:
        paragraphs.append(wording.gettext(language, "The reason given: {reason}", reason=voided.reason))
    if voided.current is not None:
        paragraphs.append(wording.gettext(
            language, "The current text is {label}, circulated {date}.", label=version_label(voided.current),
            date=phrasing.format_date(as_utc(voided.current.circulated_at).date(), language),
        ))
    return paragraphs


def render_circulated(version: Version, page_size: str = "A4",
                      voided: circulation.Voiding | None = None) -> tuple[bytes, int]:
    """Render a version as circulated, without storing it; return the file and its pages.

    A voided final text says so on every page, and its first page says since when, why, and which text is current.
    """
    declaration = version.declaration
    circulated_at = as_utc(version.circulated_at)
    options = pdf.PdfOptions(
        kind=pdf.CIRCULATED,
        canonical_text=version.canonical_text,
        metadata=pdf.PdfMetadata(
            author=declaration.host.name_in(declaration.language),
            subject=wording.gettext(declaration.language, "{label} of the declaration of {meeting}, {place}",
                                    label=version_label(version), **_meeting(declaration)),
            keywords=_keywords(declaration, version_label(version)),
            created=circulated_at,
        ),
        label=wording.gettext(declaration.language, "VOID FINAL TEXT") if voided else circulated_label(version),
        circulated=phrasing.format_date(circulated_at.date(), declaration.language),
        page_size=page_size,
        void_notice=void_notice(voided, declaration) if voided else [],
    )
    return pdf.render(version_document(version), options)


def circulated_pdf(version: Version, page_size: str = "A4") -> StoredPdf:
    """Return the stored PDF of a version as circulated, rendering and storing it first if there is none.

    A voided final text has PDFs of its own, one for each text that has been current since: each names it.
    """
    voided = circulation.voiding(version)
    if voided is not None:
        kind = f"{pdf.VOIDED}-{voided.current.number if voided.current else 0}"
        return _kept(version, kind, page_size, lambda: render_circulated(version, page_size, voided))
    return _kept(version, pdf.CIRCULATED, page_size, lambda: render_circulated(version, page_size))
