r"""The canonical text of a declaration's document and its fingerprint (DESIGN.md, "Canonical text and fingerprint").

The canonical text is a list of labelled fields, one per piece of the document, in this fixed
order (what follows a field's label is its value):

    canonical text of a declaration, format 1
    header: <header>
    title: <title>
    subtitle: <subtitle>
    date: <dated>                       (when the date line stands under the title)
    opening: <opening>
    preamble: <paragraph>               one field per paragraph of the preamble
    clause <number>                     for each clause, in the document's order:
    heading: <heading>                    its heading,
    paragraph: <paragraph>                one field per paragraph of its body
    closing formula: <paragraph>        one field per paragraph of the closing formula
    place and date: <place and date>    (named_in_opening layout)

The first line names the format, so that a later format can never be mistaken for this one.
The layout and language are not written as such: what they change is already in the text. So is
the host's order of the names in the older layout's opening, and where the date line stands:
"date" under the title, "place and date" at the end. A document whose date line stands where it
always stood, under the title, has the canonical text it had before the host could move it.
The participants listed by country after the closing formula are not part of the text either
(DESIGN.md: title block, preamble, clauses and closing formula): that list is the outcome of the
affirmations, known only at adoption, while the text is what each participant affirms.

Each value is first normalised: Unicode NFC; "\r\n", then "\r", replaced by "\n"; white space
(Python's str.isspace) removed from the end of every line; blank lines removed from both ends.
A field whose value is then empty, or absent (None), is left out. The line that opens a
clause is always written: "clause <number>", the number in decimal. A value may span several lines (only "\n" separates lines): its first line follows
"<label>: " and each further line is indented by two spaces ("  " + line).

That makes the text unambiguous: a line that starts at the margin is always a label written
here, never a line of user text, so no heading or paragraph can pass itself off as another
field or clause, whatever separators it contains.

Lines are joined with "\n" after white space is trimmed from the end of each (so an empty line
of a value stays empty), and the text ends with exactly one "\n". The fingerprint is the
SHA-256 of the text's UTF-8 encoding, in lower-case hexadecimal.
"""

import hashlib
import unicodedata

from drafting.domain.text import markup
from drafting.domain.text.composed_document import Document

FORMAT_LINE = "canonical text of a declaration, format 1"
SHORT_LENGTH = 12


def _normalised(value: str | None) -> str:
    # NFC first: recomposing characters never creates or removes white space or line breaks.
    return markup.normalize(unicodedata.normalize("NFC", value or ""))


def _field(label: str, value: str | None) -> list[str]:
    first, *rest = _normalised(value).split("\n")
    if not first:
        return []
    return [f"{label}: {first}"] + [f"  {line}" for line in rest]


def _fields(label: str, values: list[str]) -> list[str]:
    return [line for value in values for line in _field(label, value)]


def canonical_text(document: Document) -> str:
    """Serialise a document into its canonical text, as the module docstring defines it."""
    lines = [FORMAT_LINE]
    lines += _field("header", document.header)
    lines += _field("title", document.title)
    lines += _field("subtitle", document.subtitle)
    if document.dated_under_title:
        lines += _field("date", document.dated)
    lines += _field("opening", document.opening)
    lines += _fields("preamble", document.preamble)
    for clause in document.clauses:
        lines.append(f"clause {clause.number}")
        lines += _field("heading", clause.heading)
        lines += _fields("paragraph", clause.paragraphs)
    lines += _fields("closing formula", document.closing_formula)
    lines += _field("place and date", document.place_and_date)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def fingerprint(text: str) -> str:
    """Return the SHA-256 of a canonical text, in hexadecimal."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_of(document: Document) -> str:
    """Return the fingerprint of a document's canonical text."""
    return fingerprint(canonical_text(document))


def short(fingerprint: str) -> str:
    """Return the first 12 hex digits of a fingerprint, as printed in a PDF's footer."""
    return fingerprint[:SHORT_LENGTH]
