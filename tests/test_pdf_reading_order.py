"""The PDF reads as text: every word comes back whole out of pdftotext, the file is tagged for screen
readers (structure tree, language, title, headings, lists, the QR code's alternate text), one file
passes PDF/A-3a and PDF/UA-1 in page-validation, and a long list of participants leaves no page
nearly empty."""

import dataclasses
import io
import re
import subprocess
import threading
import zlib

import page
import pypdfium2 as pdfium
import pydyf
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from drafting.domain import final_text, signoff
from drafting.domain.consultation import version_document
from drafting.domain.draft_editing import add_clause
from drafting.domain.people.participants import invite
from drafting.domain.text import fingerprint as fingerprints
from drafting.extensions import db
from drafting.models import Answer, ParticipantRole, UserRole
from drafting.rendering import pdf, pdf_conformance, stored_pdfs
from tests.test_pdf import adopt  # noqa: F401  (a fixture)

MM = 72 / 25.4
# The page margins of static/pdf.css, in points: the running label above the text, the footer below.
TOP_MARGIN, BOTTOM_MARGIN = 24 * MM, 27 * MM
# Every page but the last is filled at least this far down its text area.
LEAST_FILL = 0.80


def pdftotext(content: bytes, page_number: int, region: str) -> str:
    """Return the text pdftotext reads in a page's "top" margin, "body" (its text area) or "bottom" margin."""
    height = pdfium.PdfDocument(content)[page_number - 1].get_size()[1]
    top, bottom = TOP_MARGIN - 2 * MM, height - BOTTOM_MARGIN + 2 * MM
    y, h = {"top": (0, top), "body": (top, bottom - top), "bottom": (bottom, height - bottom)}[region]
    command = ["pdftotext", "-q", "-f", str(page_number), "-l", str(page_number),
               "-x", "0", "-y", str(int(y)), "-W", "10000", "-H", str(int(h)), "-", "-"]
    return subprocess.run(command, input=content, capture_output=True, check=True).stdout.decode("utf-8")


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def body_text(content: bytes) -> str:
    return "\n".join(pdftotext(content, number, "body") for number in range(1, pages(content) + 1))


def _wide(character: str) -> bool:
    """Chinese, Japanese and Korean characters and punctuation: a line may break between any two."""
    return ord(character) >= 0x2E80


def whole(piece: str) -> re.Pattern:
    """Match the piece as printed: its words whole, any white space (a line break) between words,
    a line break alone next to a wide character (Japanese wraps there, even beside a Latin word),
    letter case as text-transform may set it."""
    pattern = []
    for before, character in zip(" " + piece, piece):
        if character.isspace():
            if not before.isspace():
                pattern.append(r"\s+")
            continue
        if not before.isspace() and (_wide(before) or _wide(character)):
            pattern.append(r"\n?")
        pattern.append(re.escape(character))
    return re.compile("".join(pattern), re.IGNORECASE)


def model_pieces(document) -> list[str]:
    """Every piece of text of the document model: title, headings, paragraphs, organizations, ..."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from strings(item)
        elif dataclasses.is_dataclass(value):
            for item in dataclasses.fields(value):
                if item.name not in ("layout", "language", "clause_id"):
                    yield from strings(getattr(value, item.name))
    pieces = [piece for piece in strings(document) if piece.strip()]
    # A paragraph is printed line by line; each of its lines of the model is a piece.
    return [line for piece in pieces for line in piece.splitlines() if line.strip()]


def assert_reads_whole(content: bytes, document) -> None:
    text = body_text(content)
    missing = [piece for piece in model_pieces(document) if not whole(piece).search(text)]
    assert missing == []
    assert_no_spaced_letters(text)


def assert_no_spaced_letters(text: str) -> None:
    """Letter-spaced text comes out as runs of single letters: "PA R T I C I PAT I N G"."""
    assert not re.search(r"(?:\b[^\W\d_]\b\s+){3,}", text), text


def test_every_word_of_an_adopted_pdf_comes_back_whole(adopt):  # noqa: F811
    declaration = adopt(subtitle="Cities leading the way to a sustainable future",
                        preamble="We, the mayors and governors of the participating cities,\n\nmet in Tokyo.")
    content, _ = stored_pdfs.render_adopted(declaration)
    document = final_text.adopted_document(declaration)
    assert_reads_whole(content, document)
    # The heading of the list, set in small capitals, is one word per word.
    assert re.search(r"^PARTICIPATING CITIES AND ORGANIZATIONS$", body_text(content), re.MULTILINE)
    version = signoff.final_version(declaration)
    url = stored_pdfs.verification_url(version.fingerprint)
    for number in range(1, pages(content) + 1):
        footer = pdftotext(content, number, "bottom")
        assert whole(fingerprints.short(version.fingerprint)).search(footer) and whole(url).search(footer)
        assert whole(f"{number} of {pages(content)}").search(footer)
        assert_no_spaced_letters(footer)
    for number in range(2, pages(content) + 1):
        assert whole(document.title).search(pdftotext(content, number, "top"))
    # The verification block, whole too; its address, longer than a line next to the QR code, may go
    # on to the next line after a slash, as addresses do.
    text = body_text(content)
    assert re.search(rf"^{version.fingerprint}$", text, re.MULTILINE)
    assert re.search(re.escape(url).replace("/", "/\n?"), text)


def test_every_word_of_a_circulated_pdf_and_its_draft_mark_come_back_whole(
        make_declaration, make_organization, circulate):
    declaration = make_declaration(clauses=3)
    invite(declaration, make_organization("Seoul Metropolitan Government", "KR"), ParticipantRole.participant)
    version = circulate(declaration)
    content, count = stored_pdfs.render_circulated(version)
    assert_reads_whole(content, version_document(version))
    for number in range(1, count + 1):
        mark = pdftotext(content, number, "top")
        assert whole(stored_pdfs.circulated_label(version)).search(mark)
        assert_no_spaced_letters(mark)
    # The paragraphs' references in the margin: "2.1" is clause 2's first paragraph.
    assert re.search(r"^2\.1\b", body_text(content), re.MULTILINE)


@pytest.fixture
def japanese(make_declaration, make_organization, make_user, circulate, propose_final):
    """A declaration written in Japanese, adopted by participants from three countries."""
    host = make_organization("横浜市", "JP")
    declaration = make_declaration(
        host=host, title="横浜宣言", subtitle="持続可能な未来を拓く都市", language="ja",
        preamble="第13回アジア・スマートシティ会議に参加した我々は、次のとおり宣言する。",
        closing_formula="本宣言は、横浜市が提案し、参加都市及び機関が賛同したものである。",
    )
    add_clause(declaration, "気候変動への都市の役割",
               "都市は世界の人口の半数以上が暮らす場であり、温室効果ガス排出の大部分を占める。"
               "我々は、建築物、交通及びエネルギーについて、国の目標に並ぶか、それを上回る目標を定める。"
               "\n\n我々は、その進捗を毎年、他の都市と比較できる形で報告する。")
    add_clause(declaration, "次回会議", "我々は、次回会議を釜山広域市で開催するとの申し出を歓迎する。")
    members = [make_organization(name, country) for name, country in
               [("東京都", "JP"), ("ソウル特別市", "KR"), ("バンコク都", "TH")]]
    for member in members:
        invite(declaration, member, ParticipantRole.participant)
    drafter = make_user(organization=host)
    circulated = circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    for member in members:
        signoff.answer(final, make_user(role=UserRole.delegate, organization=member), Answer.affirmed, True)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    return declaration, circulated


def test_japanese_text_comes_back_whole_without_spaces_between_its_characters(japanese):
    declaration, circulated = japanese
    for content, document in [(stored_pdfs.render_adopted(declaration)[0], final_text.adopted_document(declaration)),
                              (stored_pdfs.render_circulated(circulated)[0], version_document(circulated))]:
        assert_reads_whole(content, document)
        text = body_text(content)
        assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff] +[\u3040-\u30ff\u4e00-\u9fff]", text)


def validation_failures(content: bytes) -> dict[str, list[str]]:
    return {
        profile.name: sorted(failure.rule_id for failure in page.validate_pdf_bytes(content, profile=profile).failures)
        for profile in (page.ValidationProfile.PDF_A_3A, page.ValidationProfile.PDF_UA_1)
    }


def test_adopted_and_circulated_pdfs_pass_pdf_a_3a_and_pdf_ua_1(adopt, japanese):  # noqa: F811
    english = adopt()
    japanese_declaration, japanese_circulated = japanese
    files = {
        "adopted": stored_pdfs.adopted_pdf(english).content,
        "adopted, US Letter": stored_pdfs.adopted_pdf(english, "Letter").content,
        "circulated": stored_pdfs.render_circulated(signoff.final_version(english))[0],
        "Japanese, adopted": stored_pdfs.adopted_pdf(japanese_declaration).content,
        "Japanese, circulated": stored_pdfs.render_circulated(japanese_circulated)[0],
    }
    clean = {"PDF_A_3A": [], "PDF_UA_1": []}
    assert {name: validation_failures(content) for name, content in files.items()} == {name: clean for name in files}


def structure(content: bytes) -> tuple[dict, list[dict]]:
    """Return the document catalog and the structure elements in reading order (depth first)."""
    document = PdfReader(io.BytesIO(content))
    catalog = document.trailer["/Root"]
    elements = []

    def walk(node):
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if not hasattr(node, "get") or node.get("/Type") in ("/MCR", "/OBJR"):
            return
        if "/S" in node:
            elements.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(catalog["/StructTreeRoot"])
    return catalog, elements


def test_the_pdf_is_tagged_with_its_language_title_headings_lists_and_figure(adopt, japanese):  # noqa: F811
    declaration = adopt()
    content = stored_pdfs.adopted_pdf(declaration).content
    catalog, elements = structure(content)
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert PdfReader(io.BytesIO(content)).metadata.title == "Tokyo Declaration"
    kinds = [element["/S"] for element in elements]
    headings = [kind for kind in kinds if kind in ("/H1", "/H2", "/H3")]
    # The title, the two clauses, the list's heading; the annex and its one statement.
    assert headings == ["/H1", "/H2", "/H2", "/H2", "/H2", "/H3"]
    lists = [element for element in elements if element["/S"] == "/L"]
    document = final_text.adopted_document(declaration)
    assert [len([kid for kid in element["/K"] if kid.get_object()["/S"] == "/LI"]) for element in lists] == [
        len(group.organizations) for group in document.signatories]
    figures = [element for element in elements if element["/S"] == "/Figure"]
    url = stored_pdfs.verification_url(signoff.final_version(declaration).fingerprint)
    assert len(figures) == 1 and url in figures[0]["/Alt"]
    # Reading order: the title first, the figure (in the verification block) after the last list.
    assert kinds.index("/H1") < kinds.index("/L") and elements.index(figures[0]) > elements.index(lists[-1])

    japanese_declaration, _ = japanese
    catalog, _ = structure(stored_pdfs.adopted_pdf(japanese_declaration).content)
    assert catalog["/Lang"] == "ja"


def text_fill(content: bytes) -> list[float]:
    """Return how far down its text area each page is printed on, from 0 (empty) to 1 (full)."""
    fills = []
    for page_ in pdfium.PdfDocument(content):
        height = page_.get_size()[1]
        top, bottom = height - TOP_MARGIN, BOTTOM_MARGIN
        characters = page_.get_textpage()
        lows = [characters.get_charbox(index)[1] for index in range(characters.count_chars())]
        lows = [low for low in lows if bottom - 1 < low < top + 1]
        fills.append((top - min(lows)) / (top - bottom) if lows else 0.0)
    return fills


def page_of(content: bytes, piece: str) -> int:
    """Return the number of the last page on whose text area the piece is printed."""
    found = [number for number in range(1, pages(content) + 1)
             if whole(piece).search(pdftotext(content, number, "body"))]
    assert found, piece
    return found[-1]


# 41 participants from 13 countries, listed by country; Indonesia's twelve as the host listed them.
PARTICIPANTS = {
    "ID": ["Ministry of Home Affairs", "Province of West Java", "Jakarta Capital City Government", "City of Bandung",
           "City of Surabaya", "City of Makassar", "City of Semarang", "City of Medan", "City of Bogor",
           "City of Denpasar", "City of Malang", "City of Balikpapan"],
    "JP": ["Tokyo Metropolitan Government", "City of Osaka", "City of Nagoya", "City of Fukuoka", "City of Kobe",
           "City of Sapporo"],
    "KR": ["Seoul Metropolitan Government", "Busan Metropolitan City", "Incheon Metropolitan City",
           "Daegu Metropolitan City"],
    "TH": ["Bangkok Metropolitan Administration", "Chiang Mai Municipality", "Phuket City Municipality"],
    "VN": ["Hanoi People's Committee", "Ho Chi Minh City", "Da Nang City"],
    "PH": ["City of Manila", "Quezon City", "Cebu City"],
    "MY": ["Kuala Lumpur City Hall", "Penang Island City Council"],
    "IN": ["Municipal Corporation of Delhi", "Pune Municipal Corporation"],
    "AU": ["City of Sydney", "City of Melbourne"],
    "KH": ["Phnom Penh City"], "SG": ["Centre for Liveable Cities"], "MN": ["Ulaanbaatar City"],
    "NP": ["Kathmandu Metropolitan City"],
}


@pytest.fixture
def long_list(make_declaration, make_organization, make_user, circulate, propose_final):
    """Adopt a declaration of the given number of clauses, affirmed by the 41 participants."""

    def adopted(clauses: int):
        declaration = make_declaration(host=make_organization("City of Yokohama", "JP"), clauses=0)
        for number in range(1, clauses + 1):
            add_clause(declaration, f"Heading {number}", "We will report our progress each year in a form that "
                       "other cities can compare with their own, and publish the data our cities hold.\n\n"
                       "We resolve to set targets for our own buildings, transport and energy.")
        members = [make_organization(name, country) for country, names in PARTICIPANTS.items() for name in names]
        for member in members:
            invite(declaration, member, ParticipantRole.participant)
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        for member in members:
            signoff.answer(final, make_user(role=UserRole.delegate, organization=member), Answer.affirmed, True)
        signoff.adopt(declaration, drafter)
        db.session.commit()
        return declaration

    return adopted


@pytest.mark.parametrize("clauses", [1, 4, 7, 8])
def test_a_long_list_leaves_no_page_nearly_empty_and_the_verification_block_is_never_alone(long_list, clauses):
    declaration = long_list(clauses)
    assert sum(len(names) for names in PARTICIPANTS.values()) == 41 and len(PARTICIPANTS) == 13
    content, count = stored_pdfs.render_adopted(declaration)
    assert count >= 2
    fills = text_fill(content)
    assert min(fills[:-1]) >= LEAST_FILL, fills
    # The verification block is on the page where the list ends: there when it fits, or with the
    # list's last lines on a new page when it does not.
    last_organization = final_text.adopted_document(declaration).signatories[-1].organizations[-1]
    fingerprint = signoff.final_version(declaration).fingerprint
    assert page_of(content, last_organization) == page_of(content, fingerprint) == count
    # Every country's name stands over at least its first organization on the same page.
    for group in final_text.adopted_document(declaration).signatories:
        assert page_of(content, f"({group.country})") == page_of(content, group.organizations[0])


def test_renders_share_fonts_and_stylesheets_and_still_print_the_same(app, adopt, monkeypatch):  # noqa: F811
    declaration = adopt()
    rendered = []
    printed = []
    render = pdf.render

    def recording(document, options):
        rendered.append((document, options))
        printed.append(render(document, options))
        return printed[-1]

    monkeypatch.setattr(pdf, "render", recording)
    stored_pdfs.render_adopted(declaration)
    stored_pdfs.render_adopted(declaration, "Letter")
    stored_pdfs.render_adopted(declaration)
    # The adopted file is signed, and a signature carries its time and random parts: what must
    # print the same is the file as rendered, before it is signed.
    [(first, _), (letter, _), (again, _)] = printed
    assert again == first and letter != first
    assert PdfReader(io.BytesIO(letter)).pages[0].mediabox.height == pytest.approx(792)
    assert pdf._font_config() is pdf._font_config()
    # Another thread has fonts and stylesheets of its own, and prints the same file.
    elsewhere = {}

    def render_elsewhere():
        with app.app_context():
            elsewhere["font_config"] = pdf._font_config()
            elsewhere["content"] = render(*rendered[0])[0]

    thread = threading.Thread(target=render_elsewhere)
    thread.start()
    thread.join()
    assert elsewhere["font_config"] is not pdf._font_config() and elsewhere["content"] == first


def test_a_stream_whose_data_ends_in_a_carriage_return_keeps_its_length_unambiguous():
    # Compressed data ends in a CR about once in 256 streams: find such a content.
    contents = (b"BT ET %" + b"a" * length for length in range(1024))
    content = next(content for content in contents if zlib.compress(content, 9).endswith(b"\r"))
    plain = pydyf.Stream([content], compress=True).data
    # pydyf alone writes the data's CR, then LF: together they read as the end of line before endstream.
    assert plain.endswith(b"\r\nendstream")
    finished = pydyf.Stream([content], compress=True)
    pdf_conformance._UnambiguousPdf().add_object(finished)  # as the object streams pydyf makes while writing
    assert finished.data == plain.removesuffix(b"\nendstream") + b"\r\nendstream"
    other = pydyf.Stream([b"BT ET"], compress=True)
    pdf_conformance._end_unambiguously(other)
    assert other.data == pydyf.Stream([b"BT ET"], compress=True).data
