"""Every glyph of a PDF lies on its page, inside the margins: a word too long for its line is broken,
whatever part of the document holds it, and no glyph is lost in the breaking.

Real PDFs are read back with PDFium: the box of every character, and the text of every page."""

import string
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from drafting.domain import signoff
from drafting.domain.draft_editing import add_clause
from drafting.domain.people.participants import invite
from drafting.domain.text import characters as text_input
from drafting.rendering import stored_pdfs as pdf_files
from drafting.extensions import db
from drafting.models import Answer, DeclarationLayout, ParticipantRole, UserRole
from drafting.rendering import stored_pdfs as pdf_files

MM = 72 / 25.4  # points
# static/pdf.css: 25 mm left and right; a circulated version's paragraph numbers stand 15 mm into the left one.
SIDE_MARGIN = 25 * MM
PARAGRAPH_NUMBERS = 15 * MM
TOP_MARGIN, BOTTOM_MARGIN = 24 * MM, 27 * MM
# A glyph's drawn outline may stray a little from its advance: an italic's overhang, a combining mark.
TOLERANCE = 1.5


def token(label: str, length: int) -> str:
    """Return a word of `length` characters without a break opportunity, starting with `label`."""
    alphabet = string.ascii_letters + string.digits
    return (label + alphabet * (length // len(alphabet) + 1))[:length]


TITLE = token("Title", 200)
SUBTITLE = token("Theme", 300)
ACRONYM = token("ACRONYM", 40).upper()
MEETING = token("Meeting", 200)
PLACE = token("Place", 200)
URL = "https://declarations.example.org/" + token("path", 250) + "?" + token("query", 120)
PREAMBLE_WORD = token("Preamble", 2_000)
HEADING = token("Heading", 300)
WORD_124 = token("Clause", 124)
BODY_WORD = token("Body", 2_000)
LIST_ITEM = token("Item", 600)
EMPHASIS = token("Emphasis", 400)
# Letters each with a dot below and a dot above (no precomposed form: NFC keeps them three characters).
COMBINING = "q\u0323\u0307" * 150
CLOSING = token("Closing", 1_000)
ORGANIZATION = token("Organization", 200)
STATEMENT = token("Statement", 2_000)

# Every hostile word, as the PDF must print it in full (the header is set in capitals).
WORDS = [TITLE, SUBTITLE, ACRONYM, MEETING, PLACE, URL, PREAMBLE_WORD, HEADING, WORD_124, BODY_WORD, LIST_ITEM,
         EMPHASIS, COMBINING, CLOSING, ORGANIZATION]


def glyphs_outside_the_text_area(content: bytes, numbered: bool) -> list[str]:
    """Return, for each character drawn outside its page's text area, where it is.

    The text area is the page's MediaBox less the side margins (and, for a circulated version,
    the room of its paragraph numbers).
    """
    room = PARAGRAPH_NUMBERS if numbered else 0
    outside = []
    document = pdfium.PdfDocument(content)
    for number in range(len(document)):
        page = document[number]
        left, bottom, right, top = page.get_mediabox()
        text = page.get_textpage()
        for index in range(text.count_chars()):
            character = text.get_text_range(index, 1)
            if pdfium_c.FPDFText_IsGenerated(text.raw, index) or not character.strip():
                continue
            x0, y0, x1, y1 = text.get_charbox(index)
            inside = (left + SIDE_MARGIN - room - TOLERANCE <= x0 and x1 <= right - SIDE_MARGIN + TOLERANCE
                      and bottom <= y0 and y1 <= top)
            if not inside:
                outside.append(f"page {number + 1}: {character!r} at ({x0:.0f}, {y0:.0f}, {x1:.0f}, {y1:.0f})")
    return outside


def printed_text(content: bytes) -> str:
    """Return the text of every page's body, NFC, without white space (a broken word comes back whole).

    The body is the page less its margins, where the running title and footer and a circulated
    version's paragraph numbers stand: a word that goes on over a page break then reads as one.
    List markers are left out too.
    """
    document = pdfium.PdfDocument(content)
    bodies = []
    for number in range(len(document)):
        page = document[number]
        left, bottom, right, top = page.get_mediabox()
        bodies.append(page.get_textpage().get_text_bounded(
            left + SIDE_MARGIN - TOLERANCE, bottom + BOTTOM_MARGIN, right - SIDE_MARGIN + TOLERANCE, top - TOP_MARGIN
        ))
    # WeasyPrint draws a page's list markers after its text: they would come between a word's parts.
    return unicodedata.normalize("NFC", "".join("".join(body.replace("•", "").split()) for body in bodies))


def assert_on_the_page(content: bytes, words: list[str], numbered: bool) -> None:
    outside = glyphs_outside_the_text_area(content, numbered)
    assert not outside, f"{len(outside)} glyphs outside the text area, the first: {outside[:5]}"
    text = printed_text(content)
    missing = [word[:20] + "…" for word in words if unicodedata.normalize("NFC", word) not in text]
    assert not missing, f"not printed in full: {missing}"


@pytest.fixture
def hostile(make_declaration, make_organization, make_user, circulate, propose_final):
    """Adopt a declaration with a word too long for any line in every part that holds user text;
    return it and its first draft."""

    def hostile(layout):
        declaration = make_declaration(
            title=TITLE, subtitle=SUBTITLE, meeting_acronym=ACRONYM, meeting_name=MEETING, place=PLACE,
            layout=layout, preamble=f"Read {URL} first.\n\n{PREAMBLE_WORD}", closing_formula=CLOSING,
        )
        add_clause(declaration, HEADING, f"We note {WORD_124} today.\n\n{BODY_WORD}")
        add_clause(declaration, None, f"We will:\n- {LIST_ITEM}\n- act *{EMPHASIS}* now\n\n{COMBINING}")
        organization = make_organization(ORGANIZATION, "KR")
        invite(declaration, organization, ParticipantRole.participant)
        drafter = make_user(organization=declaration.host)
        draft = circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        delegate = make_user(role=UserRole.delegate, organization=organization)
        signoff.answer(final, delegate, Answer.affirmed_with_statement, True, statement=STATEMENT)
        signoff.adopt(declaration, drafter)
        db.session.commit()
        return declaration, draft

    return hostile


LAYOUTS = [DeclarationLayout.listed_by_country, DeclarationLayout.named_in_opening]


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.value for layout in LAYOUTS])
def test_no_word_runs_off_the_adopted_pdf(hostile, layout, page_size):
    declaration, _ = hostile(layout)
    assert_on_the_page(pdf_files.adopted_pdf(declaration, page_size).content, [*WORDS, STATEMENT], numbered=False)


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.value for layout in LAYOUTS])
def test_no_word_runs_off_a_draft_pdf(hostile, layout, page_size):
    _, draft = hostile(layout)
    assert_on_the_page(pdf_files.render_circulated(draft, page_size)[0], WORDS, numbered=True)


# Japanese breaks between most characters, but not before a prolonged sound mark or a small kana.
JAPANESE_RUN = "持続可能な都市の未来を共に築くために我々は協力する" * 30
PROLONGED = "ー" * 300
SMALL_KANA = "ッ" * 300


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_no_japanese_run_runs_off_the_page(make_declaration, make_organization, circulate, propose_final, make_user,
                                          page_size):
    host = make_organization("横浜市" + "ー" * 150, "JP")
    declaration = make_declaration(host=host, title="横浜宣言" + "ー" * 150, language="ja", closing_formula=SMALL_KANA)
    declaration.hosts_listed = True  # so that the list prints the host's long name
    add_clause(declaration, "気候変動" + PROLONGED[:200], f"{JAPANESE_RUN}\n\n{PROLONGED}{WORD_124}")
    drafter = make_user(organization=host)
    draft = circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)  # the host affirms by proposing
    signoff.adopt(declaration, drafter)
    db.session.commit()
    words = [declaration.title, host.name, JAPANESE_RUN, PROLONGED + WORD_124, SMALL_KANA]
    assert_on_the_page(pdf_files.render_circulated(draft, page_size)[0], words, numbered=True)
    assert_on_the_page(pdf_files.adopted_pdf(declaration, page_size).content, words, numbered=False)


# As many marks above one letter as a field accepts: the PDF draws them all inside the page.
STACKED = "T" + ("\u0302\u0301\u0300\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c\u030d" * 50)[:text_input.MAX_COMBINING_MARKS]


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_a_letter_under_as_many_marks_as_accepted_stays_on_the_page(
    make_declaration, make_organization, circulate, propose_final, make_user, page_size
):
    host = make_organization(STACKED + "okyo", "JP")
    declaration = make_declaration(host=host, title=STACKED + "okyo Declaration",
                                   preamble=STACKED + "he cities resolve:")
    add_clause(declaration, STACKED + "he climate", STACKED + "ogether we act.")
    drafter = make_user(organization=host)
    draft = circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)  # the host affirms by proposing
    signoff.adopt(declaration, drafter)
    db.session.commit()
    assert_on_the_page(pdf_files.render_circulated(draft, page_size)[0], [], numbered=True)
    assert_on_the_page(pdf_files.adopted_pdf(declaration, page_size).content, [], numbered=False)


def test_a_letter_under_more_marks_is_refused_before_it_reaches_a_pdf():
    assert text_input.stacked_marks(STACKED + "\u0301") == text_input.MAX_COMBINING_MARKS + 1


# The running title repeats the title in the top margin of every page after the first: the longest
# title in the widest letters, as words or as one run, must not climb off the top of the page.
WIDE_TITLES = {"wide words": ("W " * 100).strip(), "fullwidth run": "Ｗ" * 200}


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
@pytest.mark.parametrize("title", WIDE_TITLES.values(), ids=WIDE_TITLES.keys())
def test_the_running_title_of_the_longest_widest_title_stays_on_the_page(
    make_declaration, make_user, circulate, propose_final, title, page_size
):
    declaration = make_declaration(title=title)
    add_clause(declaration, "Action", "We act. " * 800)  # pages enough to carry the running title
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    content = pdf_files.adopted_pdf(declaration, page_size).content
    assert len(pdfium.PdfDocument(content)) > 1
    outside = glyphs_outside_the_text_area(content, numbered=False)
    assert not outside, f"{len(outside)} glyphs outside the text area, the first: {outside[:5]}"
