"""Verification: is a fingerprint, or the text embedded in a PDF, an adopted text, and which one?

The published PDFs carry their canonical text as an attached file (pdf.CANONICAL_TEXT_NAME) and
print its short fingerprint and the address /verify/<fingerprint>. Only adopted texts are ever
described: a fingerprint of a draft, or of a final text never adopted, gets the same answer as
one that matches nothing, so that verifying reveals nothing about confidential declarations.
A verification reads and never stores anything.
"""

import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from drafting.domain import signatures
from drafting.domain.publication import Publication, adopted_texts, published
from drafting.domain.text import fingerprint as fingerprints, phrasing
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.models import Declaration, StoredPdf, Version
from drafting.rendering import pdf, pdf_reading

MAX_PDF_BYTES = 20 * 1024 * 1024
# A declaration runs to a few pages; reading the text of thousands would hold a worker for nothing.
MAX_PAGES_READ = 200

_HEX_DIGITS = re.compile(r"[0-9a-f]+")
# The full fingerprint, and the short one printed in the footer of every page of our PDFs.
_LENGTHS = {64, fingerprints.SHORT_LENGTH}

MALFORMED = (
    "A fingerprint is 64 digits and letters a to f, or the first 12 of them as printed "
    "in the footer of our PDFs; this is neither."
)
TOO_LARGE = f"The file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB: no PDF of ours is that large."
_FAILURES = {
    pdf_reading.Failure.damaged: "This file is not a PDF that can be read: it may be damaged.",
    pdf_reading.Failure.encrypted: "This PDF is encrypted: the PDFs we publish are not, and it cannot be verified here.",
    pdf_reading.Failure.too_complex: (
        "This file is too complex to verify here: reading it would take more time or memory than any PDF "
        "we publish needs."
    ),
}


class Outcome(enum.Enum):
    adopted = "adopted"  # an adopted text: the verdict says which
    not_adopted = "not adopted"  # no adopted text has this fingerprint
    malformed = "malformed"  # what was typed is not a fingerprint
    ambiguous = "ambiguous"  # a short fingerprint that begins several adopted texts
    too_large = "too large"  # an upload over MAX_PDF_BYTES
    # An upload that is empty, not a PDF, damaged, encrypted, too complex to read, or carries no text of ours.
    unreadable = "unreadable"


REFUSALS = {Outcome.malformed, Outcome.ambiguous, Outcome.too_large, Outcome.unreadable}


@dataclass(frozen=True)
class Verdict:
    """The answer to a verification: one sentence, and what more was found."""

    outcome: Outcome
    message: str
    # The full fingerprint when an adopted text was found; what was given otherwise.
    fingerprint: str | None = None
    publication: Publication | None = None
    # For an uploaded PDF of an adopted text: whether it is byte for byte a file we published.
    very_file: bool | None = None
    details: tuple[str, ...] = ()
    # For an uploaded PDF of an adopted text: what its signatures show, a sentence each.
    signature_findings: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """Tell whether the input could not be verified at all (a message for the field at fault)."""
        return self.outcome in REFUSALS


def normalized(typed: str | None) -> str:
    """Return a typed fingerprint without white space, in lower case."""
    return "".join((typed or "").split()).lower()


def is_fingerprint(typed: str | None) -> bool:
    """Tell whether the text is a fingerprint, full or short, once normalized."""
    given = normalized(typed)
    return len(given) in _LENGTHS and _HEX_DIGITS.fullmatch(given) is not None


def _adopted_date(publication: Publication) -> str:
    return phrasing.format_date(publication.adopted_at.date())


def _publication_of(fingerprint: str) -> Publication | None:
    # Two adopted declarations share a fingerprint only if every word of their texts is the same:
    # then the first adopted answers.
    declaration_id = db.session.scalars(
        adopted_texts(Declaration.id)
        .where(Version.fingerprint == fingerprint)
        .order_by(Declaration.adopted_at, Declaration.id)
        .limit(1)
    ).first()
    return published(declaration_id) if declaration_id is not None else None


def _not_adopted(fingerprint: str) -> Verdict:
    return Verdict(
        Outcome.not_adopted,
        "This is not an adopted text: no declaration was adopted with this fingerprint.",
        fingerprint=fingerprint,
    )


def verify_fingerprint(typed: str) -> Verdict:
    """Tell whether a fingerprint, full or short, is that of an adopted text, and of which declaration."""
    given = normalized(typed)
    if not is_fingerprint(given):
        return Verdict(Outcome.malformed, MALFORMED, fingerprint=given)
    if len(given) == fingerprints.SHORT_LENGTH:
        matches = db.session.scalars(
            adopted_texts(Version.fingerprint).where(Version.fingerprint.startswith(given)).distinct().limit(2)
        ).all()
        if len(matches) > 1:
            return Verdict(
                Outcome.ambiguous,
                "Several adopted texts begin with this short fingerprint: give all 64 digits of the one you have.",
                fingerprint=given,
            )
        if not matches:
            return _not_adopted(given)
        given = matches[0]
    publication = _publication_of(given)
    if publication is None:
        return _not_adopted(given)
    return Verdict(
        Outcome.adopted,
        f"This is the adopted text of “{publication.declaration.title}”, adopted on {_adopted_date(publication)}.",
        fingerprint=given,
        publication=publication,
    )


def _squeezed(text: str) -> str:
    # Text extraction may break lines, drop or add spaces, split ligatures (NFKC) and print headings in capitals.
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _missing_from(visible_text: str, document: Document) -> list[str]:
    """Return the descriptions of the title and clause headings that the visible text does not show."""
    shown = _squeezed(visible_text)
    wanted = [(document.title, "the title")] + [
        (clause.heading, f"the heading of clause {clause.number}") for clause in document.clauses if clause.heading
    ]
    return [f"{what}, “{text}”" for text, what in wanted if _squeezed(text) not in shown]


def _published_file_digests(version: Version) -> set[str]:
    contents = db.session.scalars(
        select(StoredPdf.content).where(StoredPdf.version_id == version.id, StoredPdf.kind == pdf.ADOPTED)
    )
    return {hashlib.sha256(content).hexdigest() for content in contents}


def _unreadable(message: str) -> Verdict:
    return Verdict(Outcome.unreadable, message)


def verify_pdf(data: bytes) -> Verdict:
    """Tell whether a PDF carries an adopted text, of which declaration, and whether it is the very file published."""
    if not data:
        return _unreadable("The file is empty: choose the PDF you want to verify.")
    if len(data) > MAX_PDF_BYTES:
        return Verdict(Outcome.too_large, TOO_LARGE)
    if not data.startswith(b"%PDF-"):
        return _unreadable("This file is not a PDF.")
    reader = pdf_reading.UploadReader(data)
    attached = reader.attached_fingerprint(pdf.CANONICAL_TEXT_NAME)
    if attached.failure is not None:
        return _unreadable(_FAILURES[attached.failure])
    if attached.attached_fingerprint is None:
        return _unreadable(
            "This PDF carries no text of ours: the PDFs we publish embed their text, and this one does not."
        )
    # A text that is not UTF-8 is not ours; decoded with replacements, its fingerprint matches nothing.
    found = attached.attached_fingerprint
    publication = _publication_of(found)
    if publication is None:
        return Verdict(
            Outcome.not_adopted,
            "The text embedded in this PDF is not an adopted text: it may have been altered.",
            fingerprint=found,
        )
    declaration = publication.declaration
    # The signatures are checked last, on what is left of the reading's time: a check that runs out
    # of it is told as such, and never costs the verdict on the text.
    if hashlib.sha256(data).hexdigest() in _published_file_digests(publication.version):
        return Verdict(
            Outcome.adopted,
            f"This is the very file we published: “{declaration.title}”, adopted on {_adopted_date(publication)}.",
            fingerprint=found,
            publication=publication,
            very_file=True,
            signature_findings=signatures.findings(reader),
        )
    # Only now is the visible text worth its cost: no other verdict shows it.
    visible = reader.visible_text(MAX_PAGES_READ)
    if visible.failure is not None:
        return _unreadable(_FAILURES[visible.failure])
    return Verdict(
        Outcome.adopted,
        f"The text embedded in this PDF is the adopted text of “{declaration.title}”, but this file differs "
        "from the one we published: it may have been altered. Download the original.",
        fingerprint=found,
        publication=publication,
        very_file=False,
        details=(_visible_text_finding(visible, publication.document),),
        signature_findings=signatures.findings(reader),
    )


def _visible_text_finding(reading: pdf_reading.Reading, document: Document) -> str:
    """Say whether the PDF's visible text shows the adopted title and every clause heading."""
    if reading.pages > MAX_PAGES_READ:
        return (f"It has {reading.pages:,} pages, far more than any declaration: its visible text was not "
                "read, and it is not the adopted PDF.")
    if reading.visible_text is None:
        return "Its visible text could not be read, so it could not be compared with the adopted text."
    missing = _missing_from(reading.visible_text, document)
    if missing:
        return "Its visible text was altered: it does not show " + phrasing.join_names(missing) + "."
    return (
        "Its visible text shows the title and every clause heading of the adopted text, "
        "but other changes cannot be ruled out: compare it with the original."
    )
