"""The canonical text of a declaration and its fingerprint (DESIGN.md, "Canonical text and fingerprint")."""

import hashlib
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from drafting.domain.draft_editing import add_clause
from drafting.domain.people.participants import invite
from drafting.domain.text import composed_document as document, fingerprint, markup as clause_text
from drafting.domain.text.composed_document import CountryGroup, Document, DocumentClause
from drafting.models import Declaration, DeclarationLayout, ParticipantRole

SMALL_DOCUMENT = Document(
    layout=DeclarationLayout.listed_by_country,
    language="en",
    header="ASCC 2024",
    title="Yokohama Declaration",
    subtitle="Cities in the age of climate change",
    dated="October 3, 2024",
    opening="The 13th Asia Smart City Conference held in Yokohama from October 1 to 3, 2024.",
    preamble=["We, the cities gathered in Yokohama,"],
    clauses=[
        DocumentClause(1, "The Pivotal Role of Cities", ["Cities act first.", "We will:\n- share data\n- train staff"]),
        DocumentClause(2, None, ["We will meet again in Hà Nội."]),
    ],
    closing_formula=["This declaration is hereby proposed by the City of Yokohama, Japan on October 3, 2024."],
    signatories=[
        CountryGroup("Cambodia", ["Phnom Penh City", "Battambang"]),
        CountryGroup("Japan", ["City of Yokohama"]),
    ],
)

SMALL_TEXT = """\
canonical text of a declaration, format 1
header: ASCC 2024
title: Yokohama Declaration
subtitle: Cities in the age of climate change
date: October 3, 2024
opening: The 13th Asia Smart City Conference held in Yokohama from October 1 to 3, 2024.
preamble: We, the cities gathered in Yokohama,
clause 1
heading: The Pivotal Role of Cities
paragraph: Cities act first.
paragraph: We will:
  - share data
  - train staff
clause 2
paragraph: We will meet again in Hà Nội.
closing formula: This declaration is hereby proposed by the City of Yokohama, Japan on October 3, 2024.
"""

# The separators of the canonical text and characters that normalisation touches, mixed into
# generated text so that the properties are tried on the awkward cases and not only on plain words.
AWKWARD_PIECES = [
    "\n", "\r\n", "\r", "\n\n", "  ", " \t", ": ", "clause 2", "paragraph: ", "heading: ", "country: ",
    "e\u0301", "é", "\u1112\u1161\u11ab", "한", "\u212b", "東京", "Hà Nội",
]


# Text arrives from forms decoded from UTF-8, so it never holds a lone surrogate.
ANY_CHARACTER = st.characters(codec="utf-8")
# PostgreSQL text cannot hold NUL either; every other character must survive the database.
STORABLE_CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")


def awkward_text(alphabet=ANY_CHARACTER, max_size=8):
    """Text built from random characters and the awkward pieces above."""
    return st.lists(st.text(alphabet, max_size=max_size) | st.sampled_from(AWKWARD_PIECES), max_size=6).map("".join)


@st.composite
def documents(draw):
    """Documents of any shape, every text in them awkward."""
    text = awkward_text()
    number_of_clauses = draw(st.integers(0, 3))
    return Document(
        layout=draw(st.sampled_from(DeclarationLayout)),
        language="en",
        header=draw(st.none() | text),
        title=draw(text),
        subtitle=draw(st.none() | text),
        dated=draw(text),
        opening=draw(text),
        preamble=draw(st.lists(text, max_size=3)),
        clauses=[
            DocumentClause(number, draw(st.none() | text), draw(st.lists(text, max_size=3)))
            for number in range(1, number_of_clauses + 1)
        ],
        closing_formula=draw(st.lists(text, max_size=2)),
        signatories=draw(st.lists(st.builds(CountryGroup, text, st.lists(text, max_size=3)), max_size=3)),
        place_and_date=draw(st.none() | text),
    )


TEXT_FIELDS = (
    "header", "title", "subtitle", "dated", "opening", "preamble", "heading", "paragraph",
    "closing formula", "place and date",
)


def document_of(texts: list[str]) -> Document:
    """Place one text in each kind of field of a document, in the order of TEXT_FIELDS."""
    (header, title, subtitle, dated, opening, preamble, heading, paragraph, closing, place_and_date) = texts
    return Document(
        layout=DeclarationLayout.listed_by_country,
        language="en",
        header=header,
        title=title,
        subtitle=subtitle,
        dated=dated,
        opening=opening,
        preamble=[preamble],
        clauses=[DocumentClause(1, heading, [paragraph])],
        closing_formula=[closing],
        place_and_date=place_and_date,
    )


def read_fields(text: str) -> list[tuple[str, str | None]]:
    """Read a canonical text back into (label, value) pairs, following the module's docstring."""
    first, *lines = text.removesuffix("\n").split("\n")
    assert first == fingerprint.FORMAT_LINE
    fields: list[tuple[str, str | None]] = []
    for line in lines:
        if not line or line.startswith("  "):
            label, value = fields[-1]
            fields[-1] = (label, f"{value}\n{line[2:]}")
        elif line.startswith("clause "):
            fields.append((line, None))
        else:
            label, value = line.split(":", 1)
            fields.append((label, value.removeprefix(" ")))
    return fields


def expected_fields(document: Document) -> list[tuple[str, str | None]]:
    """List the (label, value) pairs the module's docstring says a document is written as."""

    def normalised(value: str | None) -> str:
        return clause_text.normalize(unicodedata.normalize("NFC", value or ""))

    def field(label: str, value: str | None) -> list[tuple[str, str]]:
        return [(label, normalised(value))] if normalised(value) else []

    fields = field("header", document.header) + field("title", document.title)
    fields += field("subtitle", document.subtitle) + field("date", document.dated)
    fields += field("opening", document.opening)
    fields += [pair for paragraph in document.preamble for pair in field("preamble", paragraph)]
    for clause in document.clauses:
        fields += [(f"clause {clause.number}", None)] + field("heading", clause.heading)
        fields += [pair for paragraph in clause.paragraphs for pair in field("paragraph", paragraph)]
    fields += [pair for paragraph in document.closing_formula for pair in field("closing formula", paragraph)]
    return fields + field("place and date", document.place_and_date)


# Examples


def test_a_small_document_has_this_canonical_text_and_fingerprint():
    text = fingerprint.canonical_text(SMALL_DOCUMENT)
    assert text == SMALL_TEXT
    assert fingerprint.fingerprint(text) == hashlib.sha256(SMALL_TEXT.encode("utf-8")).hexdigest()
    assert fingerprint.fingerprint_of(SMALL_DOCUMENT) == fingerprint.fingerprint(text)
    assert fingerprint.short(fingerprint.fingerprint(text)) == fingerprint.fingerprint(text)[:12]
    assert len(fingerprint.short(fingerprint.fingerprint(text))) == 12


def test_the_older_layout_ends_with_the_place_and_date():
    older = replace(
        SMALL_DOCUMENT, layout=DeclarationLayout.named_in_opening, header=None, subtitle=None, signatories=[],
        place_and_date="November 9, 2010 / Tokyo",
    )
    text = fingerprint.canonical_text(older)
    assert "header:" not in text and "subtitle:" not in text and "country:" not in text
    assert text.endswith(
        "closing formula: This declaration is hereby proposed by the City of Yokohama, Japan on October 3, 2024.\n"
        "place and date: November 9, 2010 / Tokyo\n"
    )


def test_a_composed_declaration_has_this_canonical_text(make_declaration, make_organization):
    host = make_organization("Tokyo Metropolitan Government", "JP")
    declaration = make_declaration(
        host=host, preamble="We, the representatives of the member cities,  \r\n\r\nhave agreed as follows:\r\n"
    )
    add_clause(declaration, "Crisis Management", "We will share what we learn.\n\nIn particular:\n- drills  \n- early warnings")
    add_clause(declaration, None, "We will meet again in Ha\u0300 No\u0302\u0323i.")
    invite(declaration, make_organization("Seoul Metropolitan Government", "KR"), ParticipantRole.participant)
    invite(declaration, make_organization("Hanoi People's Committee", "VN"), ParticipantRole.participant)
    invite(declaration, make_organization("Asian Development Bank", "PH"), ParticipantRole.observer)

    assert fingerprint.canonical_text(document.compose(declaration)) == """\
canonical text of a declaration, format 1
header: ANMC21 2010
title: Tokyo Declaration
date: November 9, 2010
opening: The 9th Plenary Meeting of the Asian Network of Major Cities 21 held in Tokyo from November 8 to 9, 2010.
preamble: We, the representatives of the member cities,
preamble: have agreed as follows:
clause 1
heading: Crisis Management
paragraph: We will share what we learn.
paragraph: In particular:
  - drills
  - early warnings
clause 2
paragraph: We will meet again in Hà Nội.
closing formula: This declaration is hereby proposed by Tokyo Metropolitan Government, Japan on November 9, 2010, \
and affirmed by the participating cities and organizations.
"""
    older = fingerprint.canonical_text(document.compose(declaration, layout=DeclarationLayout.named_in_opening))
    # The older layout names its participants by name, the host among them, unless the host orders them.
    assert "opening: We, the representatives of Hanoi People's Committee, Seoul Metropolitan Government, and Tokyo " \
           "Metropolitan Government, participated in the 9th Plenary Meeting" in older
    assert "country:" not in older
    assert older.endswith("affirmed by the participating cities and organizations.\nplace and date: November 9, 2010 / Tokyo\n")


@pytest.mark.parametrize(
    "pretender, genuine",
    [
        pytest.param(
            [DocumentClause(1, "First", ["One.\nclause 2\nheading: Second\nparagraph: Two."])],
            [DocumentClause(1, "First", ["One."]), DocumentClause(2, "Second", ["Two."])],
            id="a paragraph holding another clause",
        ),
        pytest.param(
            [DocumentClause(1, "First\nparagraph: One.", [])],
            [DocumentClause(1, "First", ["One."])],
            id="a heading holding a paragraph",
        ),
        pytest.param(
            [DocumentClause(1, None, ["One.\nTwo."])],
            [DocumentClause(1, None, ["One.", "Two."])],
            id="one paragraph of two lines or two paragraphs",
        ),
        pytest.param(
            [DocumentClause(1, None, ["One."]), DocumentClause(2, None, ["Two."])],
            [DocumentClause(1, None, ["Two."]), DocumentClause(2, None, ["One."])],
            id="the same clauses in another order",
        ),
    ],
)
def test_text_that_looks_like_the_serialisation_cannot_pass_for_other_clauses(pretender, genuine):
    pretending = fingerprint.canonical_text(replace(SMALL_DOCUMENT, clauses=pretender))
    assert pretending != fingerprint.canonical_text(replace(SMALL_DOCUMENT, clauses=genuine))
    assert fingerprint.fingerprint(pretending) != fingerprint.fingerprint_of(replace(SMALL_DOCUMENT, clauses=genuine))


def test_a_paragraph_holding_separators_stays_inside_its_field():
    text = fingerprint.canonical_text(replace(SMALL_DOCUMENT, clauses=[DocumentClause(1, None, ["One.\nclause 2"])]))
    assert "clause 1\nparagraph: One.\n  clause 2\nclosing formula:" in text


def test_the_list_of_participants_is_not_part_of_the_text():
    # Participants affirm the text; who affirmed is the outcome, printed after it at adoption.
    fewer = replace(SMALL_DOCUMENT, signatories=[CountryGroup("Japan", ["City of Yokohama"])])
    assert fingerprint.fingerprint_of(fewer) == fingerprint.fingerprint_of(SMALL_DOCUMENT)
    assert "Phnom Penh" not in fingerprint.canonical_text(SMALL_DOCUMENT)


@pytest.mark.parametrize(
    "composed, decomposed",
    [("é", "e\u0301"), ("Hà Nội", "Ha\u0300 No\u0302\u0323i"), ("한국어", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"),
     ("Å", "\u212b")],
)
def test_canonically_equivalent_text_gives_the_same_fingerprint(composed, decomposed):
    assert unicodedata.normalize("NFC", decomposed) == composed != decomposed
    assert fingerprint.fingerprint_of(replace(SMALL_DOCUMENT, title=composed)) == fingerprint.fingerprint_of(
        replace(SMALL_DOCUMENT, title=decomposed)
    )


@pytest.mark.parametrize("typed, lookalike", [("fi", "\ufb01"), ("Tokyo", "Ｔｏｋｙｏ"), ("2", "²")])
def test_compatibility_lookalikes_are_different_characters(typed, lookalike):
    # NFC, not NFKC: a ligature or a full-width letter is what the drafter typed, and prints differently.
    assert fingerprint.fingerprint_of(replace(SMALL_DOCUMENT, title=typed)) != fingerprint.fingerprint_of(
        replace(SMALL_DOCUMENT, title=lookalike)
    )


# Properties

SMALL_RUN = settings(max_examples=100, deadline=None)


@SMALL_RUN
@given(documents())
def test_the_canonical_text_reads_back_as_the_document_it_came_from(any_document):
    text = fingerprint.canonical_text(any_document)
    assert read_fields(text) == expected_fields(any_document)
    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


@SMALL_RUN
@given(texts=st.lists(awkward_text(), min_size=len(TEXT_FIELDS), max_size=len(TEXT_FIELDS)), data=st.data())
def test_changing_a_visible_character_changes_the_fingerprint(texts, data):
    field = data.draw(st.sampled_from(range(len(TEXT_FIELDS))), label="field")
    original = texts[field]
    assume(original)
    position = data.draw(st.integers(0, len(original) - 1), label="position")
    visible = data.draw(st.characters(categories=("L", "N", "P", "S")), label="new character")
    changed = original[:position] + visible + original[position + 1:]
    # A change to a canonically equivalent character ("Å" for "Å") is no change of the text.
    assume(unicodedata.normalize("NFC", changed) != unicodedata.normalize("NFC", original))
    changed_texts = texts[:field] + [changed] + texts[field + 1:]
    assert fingerprint.fingerprint_of(document_of(changed_texts)) != fingerprint.fingerprint_of(document_of(texts))


@SMALL_RUN
@given(st.lists(awkward_text(), min_size=len(TEXT_FIELDS), max_size=len(TEXT_FIELDS)))
def test_nfc_and_nfd_give_the_same_fingerprint(texts):
    in_nfc = [unicodedata.normalize("NFC", text) for text in texts]
    in_nfd = [unicodedata.normalize("NFD", text) for text in texts]
    assert fingerprint.fingerprint_of(document_of(in_nfc)) == fingerprint.fingerprint_of(document_of(in_nfd))
    assert fingerprint.fingerprint_of(document_of(in_nfd)) == fingerprint.fingerprint_of(document_of(texts))


line = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=10)


@SMALL_RUN
@given(
    st.lists(st.lists(line, max_size=4), min_size=len(TEXT_FIELDS), max_size=len(TEXT_FIELDS)),
    st.sampled_from(["\r\n", "\r"]),
    st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=1),
)
def test_line_endings_and_trailing_spaces_do_not_change_the_fingerprint(lines_of_each_field, line_ending, trailing):
    plain = ["\n".join(lines) for lines in lines_of_each_field]
    untidy = [
        line_ending.join(line + trailing[number % len(trailing)] for number, line in enumerate(lines)) + line_ending
        for lines in lines_of_each_field
    ]
    assert fingerprint.fingerprint_of(document_of(untidy)) == fingerprint.fingerprint_of(document_of(plain))


@settings(
    max_examples=50, deadline=None,
    # The examples of one test share its rolled-back `db` session: each makes rows of its own (a
    # new host and declaration), so none depends on another's, and the test's rollback removes them all.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    heading=awkward_text(STORABLE_CHARACTER),
    body=awkward_text(STORABLE_CHARACTER, max_size=30),
    preamble=awkward_text(STORABLE_CHARACTER, max_size=30),
)
def test_a_declaration_keeps_its_fingerprint_through_the_database(db, make_declaration, heading, body, preamble):
    declaration = make_declaration()
    declaration.preamble = preamble
    add_clause(declaration, heading, body)
    before = fingerprint.fingerprint_of(document.compose(declaration))
    declaration_id = declaration.id
    db.session.flush()
    db.session.expire_all()
    reloaded = db.session.get(Declaration, declaration_id)
    assert reloaded.clauses[0].body == body
    assert fingerprint.fingerprint_of(document.compose(reloaded)) == before
