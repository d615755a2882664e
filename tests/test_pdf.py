"""PDF rendering: real PDFs, read back with pypdf (text) and PDFium (pages as images, for the QR code);
what they print, what they carry, what they never fetch."""

import http.server
import io
import logging
import re
import threading
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from weasyprint import HTML

from drafting.domain import signoff
from drafting.domain.draft_editing import add_clause
from drafting.domain.people.participants import invite
from drafting.domain.text import fingerprint
from drafting.extensions import db
from drafting.models import Answer, DeclarationLayout, ParticipantRole, UserRole, Version
from drafting.rendering import pdf, stored_pdfs as pdf_files

A4 = (595.28, 841.89)  # points
LETTER = (612.0, 792.0)
PASSWD_LINE = "root:x:0:0"


def reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def published(declaration, page_size="A4") -> tuple[bytes, int]:
    """Return the adopted PDF as stored (the A4 one at adoption) and its number of pages."""
    stored = pdf_files.adopted_pdf(declaration, page_size)
    return stored.content, stored.pages


def pages_text(content: bytes) -> list[str]:
    """Return each page's text with white space collapsed (justified lines are spaced out)."""
    return [" ".join(page.extract_text().split()) for page in reader(content).pages]


@pytest.fixture
def adopt(make_declaration, make_organization, make_user, circulate, propose_final):
    """Adopt a declaration: Seoul affirms with a statement, Bangkok declines (or answers as told), Jakarta only observes."""

    def adopt(statement="Seoul will report on its targets in 2025.", bangkok=Answer.declined, **fields):
        declaration = make_declaration(clauses=2, **fields)
        cities = {name: make_organization(name, country) for name, country in
                  [("Seoul", "KR"), ("Bangkok", "TH"), ("Jakarta", "ID")]}
        invite(declaration, cities["Seoul"], ParticipantRole.participant)
        invite(declaration, cities["Bangkok"], ParticipantRole.participant)
        invite(declaration, cities["Jakarta"], ParticipantRole.observer)
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        seoul = make_user(role=UserRole.delegate, organization=cities["Seoul"])
        bangkok_delegate = make_user(role=UserRole.delegate, organization=cities["Bangkok"])
        signoff.answer(final, seoul, Answer.affirmed_with_statement, True, statement=statement)
        signoff.answer(final, bangkok_delegate, bangkok, True)
        signoff.adopt(declaration, drafter)
        db.session.commit()
        return declaration

    return adopt


def test_the_adopted_pdf_reads_as_the_published_declaration(adopt):
    declaration = adopt()
    final = signoff.final_version(declaration)
    content, pages = published(declaration)
    texts = pages_text(content)
    whole = " ".join(texts)
    assert content.startswith(b"%PDF-") and pages == len(texts) >= 2
    assert "ANMC21 2010" in whole and "Tokyo Declaration" in whole
    for number in (1, 2):
        assert f"{number}. Heading {number}" in whole and f"Body of clause {number}." in whole
    assert "This declaration is hereby proposed by" in whole
    participants = whole.split("Participating cities and organizations".upper())[1]
    # The closing formula names the host; by default the list does not.
    assert f"proposed by {declaration.host.name}, Japan" in whole
    assert "(Japan)" not in participants and declaration.host.name not in participants
    assert "(South Korea) Seoul" in participants
    assert "Bangkok" not in whole and "Jakarta" not in whole  # declined; observer
    annex = whole.split("Statements made on affirmation")[1]
    assert "Seoul Seoul will report on its targets in 2025." in annex
    url = pdf_files.verification_url(final.fingerprint)
    assert url == f"http://localhost/verify/{final.fingerprint}"
    for number, text in enumerate(texts, start=1):
        assert f"Fingerprint {fingerprint.short(final.fingerprint)}" in text
        assert f"Verify at {url}" in text
        assert f"Page {number} of {pages}" in text
    assert f"fingerprint (SHA-256) {final.fingerprint}" in texts[-1]


def test_a_draft_pdf_carries_its_label_and_date_on_every_page_and_numbers_every_paragraph(
        make_declaration, circulate):
    declaration = make_declaration()
    sentence = "Cities will report their progress each year in a form that others can compare. "
    for number in range(1, 31):
        # Paragraphs of varied lengths, so that some page ends near a heading.
        add_clause(declaration, f"Heading {number}", f"{sentence * (1 + number % 4)}\n\n{sentence * (1 + number % 3)}")
    version = circulate(declaration)
    content, pages = pdf_files.render_circulated(version)
    texts = pages_text(content)
    circulated = f"{version.circulated_at:%B} {version.circulated_at.day}, {version.circulated_at.year}"
    assert pages == len(texts) > 1
    for number, text in enumerate(texts, start=1):
        assert f"DRAFT 1 · CIRCULATED {circulated.upper()}" in text
        assert f"Page {number} of {pages}" in text
        assert f"Fingerprint {fingerprint.short(version.fingerprint)}" in text
        assert "Verify at" not in text  # a draft is verified by nobody: it was not adopted
        # A heading is kept with its first paragraph: no page's text ends with one (the numbers
        # in the margin come after the text).
        assert not re.search(r"Heading \d+( \d+\.\d+)*$", text.split(" DRAFT 1 ·")[0])
    whole = " ".join(texts)
    for clause in (1, 17, 30):
        assert f"{clause}.1" in whole and f"{clause}.2" in whole
    assert "30.3" not in whole


def test_the_final_text_under_affirmation_is_labelled_as_such(make_declaration, circulate, propose_final):
    declaration = make_declaration(clauses=1)
    circulate(declaration)
    final = propose_final(declaration)
    text = pages_text(pdf_files.render_circulated(final)[0])[0]
    assert "FINAL TEXT FOR AFFIRMATION · CIRCULATED" in text and "1.1" in text


def test_the_older_layout_names_the_members_in_the_opening_and_ends_with_place_and_date(adopt):
    # The older layout names its participants in the affirmed text: it is adopted once all have affirmed.
    declaration = adopt(layout=DeclarationLayout.named_in_opening, bangkok=Answer.affirmed)
    whole = " ".join(pages_text(published(declaration)[0]))
    assert f"We, the representatives of Bangkok, Seoul, and {declaration.host.name}" in whole  # by name
    assert "November 9, 2010 / Tokyo" in whole
    assert "Participating cities".upper() not in whole


@pytest.mark.parametrize("size, points", [("A4", A4), ("Letter", LETTER)])
def test_pages_are_a4_by_default_or_us_letter(adopt, size, points):
    content, _ = published(adopt(), size)
    for page in reader(content).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(points, abs=0.1)


def test_the_qr_code_on_the_last_page_opens_the_verification_address(adopt):
    declaration = adopt()
    content, pages = published(declaration)
    document = pdfium.PdfDocument(content)
    found = {page: [code.text for code in zxingcpp.read_barcodes(document[page].render(scale=3).to_pil())]
             for page in range(pages)}
    url = pdf_files.verification_url(signoff.final_version(declaration).fingerprint)
    assert found == {**{page: [] for page in range(pages - 1)}, pages - 1: [url]}


def test_a_qr_code_made_once_is_never_printed_for_another_address(app, adopt, monkeypatch):
    # QR codes are kept once made: the same declaration published under another host name carries the new one.
    declaration = adopt()
    fingerprint = signoff.final_version(declaration).fingerprint
    for server_name in ("declarations.example.org", "elsewhere.example.net", "declarations.example.org"):
        monkeypatch.setitem(app.config, "SERVER_NAME", server_name)
        content, pages = pdf_files.render_adopted(declaration)
        last_page = pdfium.PdfDocument(content)[pages - 1].render(scale=3).to_pil()
        url = pdf_files.verification_url(fingerprint)
        assert server_name in url
        assert [code.text for code in zxingcpp.read_barcodes(last_page)] == [url]


def test_the_text_is_set_in_a_serif_face_with_real_small_caps_in_the_header(adopt):
    content, _ = published(adopt())
    fonts = {font["/BaseFont"].split("+")[-1] for page in reader(content).pages
             for font in page["/Resources"]["/Font"].values()}
    assert {"Noto-Serif", "Noto-Serif-Bold"} <= fonts
    # WeasyPrint names a face drawn with the OpenType small-cap glyphs after the feature: not shrunk capitals.
    assert "Noto-Serif-All-Small-Caps" in fonts


def test_the_pdf_describes_itself(adopt):
    declaration = adopt(subtitle="Cities together")
    document = reader(published(declaration)[0])
    assert document.metadata.title == "Tokyo Declaration"
    assert document.metadata.author == declaration.host.name
    assert document.metadata.subject == (
        "Declaration adopted at the 9th Plenary Meeting of the Asian Network of Major Cities 21, Tokyo"
    )
    assert document.metadata["/Keywords"] == (
        "declaration, Plenary Meeting of the Asian Network of Major Cities 21, ANMC21, Tokyo, 2010"
    )
    assert document.trailer["/Root"]["/Lang"] == "en"


def test_the_pdf_is_pdf_a_3a_and_pdf_ua_1_and_carries_its_canonical_text(adopt):
    declaration = adopt()
    final = signoff.final_version(declaration)
    document = reader(published(declaration)[0])
    assert list(document.attachments) == [pdf.CANONICAL_TEXT_NAME, pdf.CERTIFICATE_NAME]
    embedded = document.attachments[pdf.CANONICAL_TEXT_NAME][0].decode("utf-8")
    assert embedded == final.canonical_text
    assert fingerprint.fingerprint(embedded) == final.fingerprint
    xmp = document.trailer["/Root"]["/Metadata"].get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert document.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"


def test_japanese_text_comes_back_out_in_real_glyphs(make_declaration, make_organization, circulate):
    host = make_organization("横浜市", "JP")
    declaration = make_declaration(
        host=host, title="横浜宣言", subtitle="持続可能な都市", language="ja",
        closing_formula="本宣言は、横浜市が提案し、参加都市が賛同したものである。",
    )
    add_clause(declaration, "気候変動への都市の役割", "我々は、国の目標を上回る目標を定める。\n\n我々は、その進捗を毎年報告する。")
    add_clause(declaration, "次回会議", "我々は、次回会議を釜山広域市で開催するとの申し出を歓迎する。")
    content, _ = pdf_files.render_circulated(circulate(declaration))
    # Japanese lines break between any two characters: compare without white space.
    text = "".join("".join(pages_text(content)).split())
    for expected in ("横浜宣言", "持続可能な都市", "1.気候変動への都市の役割", "我々は、国の目標を上回る目標を定める。",
                     "我々は、その進捗を毎年報告する。", "2.次回会議", "我々は、次回会議を釜山広域市で開催するとの申し出を歓迎する。",
                     "本宣言は、横浜市が提案し、参加都市が賛同したものである。"):
        assert expected in text
    fonts = {font["/BaseFont"] for page in reader(content).pages for font in page["/Resources"]["/Font"].values()}
    assert any("Noto-Serif-CJK-JP" in font for font in fonts)
    assert reader(content).trailer["/Root"]["/Lang"] == "ja"


@pytest.mark.parametrize("language, host, country, title, heading, body, face", [
    ("zh", "北京市", "CN", "北京宣言", "城市合作", "我们将加强城市之间的合作，共同应对气候变化。", "Noto-Serif-CJK-SC"),
    ("ko", "서울특별시", "KR", "서울 선언", "도시 간 협력", "우리는 기후 변화에 함께 대응하기 위해 도시 간 협력을 강화한다.", "Noto-Serif-CJK-KR"),
], ids=["Chinese", "Korean"])
def test_chinese_and_korean_text_come_back_out_in_the_face_of_their_language(
    make_declaration, make_organization, circulate, language, host, country, title, heading, body, face
):
    declaration = make_declaration(host=make_organization(host, country), title=title, language=language)
    add_clause(declaration, heading, body)
    content, _ = pdf_files.render_circulated(circulate(declaration))
    text = "".join("".join(pages_text(content)).split())
    for expected in (title, f"1.{heading}", body):
        assert "".join(expected.split()) in text
    fonts = {font["/BaseFont"] for page in reader(content).pages for font in page["/Resources"]["/Font"].values()}
    assert any(face in font for font in fonts)
    assert reader(content).trailer["/Root"]["/Lang"] == language


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    """A web server that notes every request it gets and answers 404."""

    requests: list[str] = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """Serve on a free local port; yield the requests it receives."""
    RecordingHandler.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), RecordingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", RecordingHandler.requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetched(monkeypatch):
    """Record every URL the renderer asks its fetcher for."""
    asked: list[str] = []
    fetch = pdf.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", recording)
    return asked


def _streams(document: PdfReader) -> bytes:
    """Return every stream of the file, decompressed: page contents, fonts, metadata, embedded files."""
    numbers = {number for generation in document.xref.values() for number in generation} | set(document.xref_objStm)
    objects = (document.get_object(number) for number in sorted(numbers))
    return b"".join(obj.get_data() for obj in objects if hasattr(obj, "get_data"))


def test_nothing_in_user_text_is_fetched_embedded_or_read(
        make_declaration, make_organization, make_user, circulate, propose_final, web_server, fetched):
    server, requests = web_server
    hostile = (
        '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">'
        f' <img src="{server}/img.png"> <link rel="stylesheet" href="{server}/style.css">'
        ' <a rel="attachment" href="file:///etc/passwd">passwd</a>'
        f' <style>@import url({server}/import.css); body {{ background: url(file:///etc/passwd) }}</style>'
        f' <div style="background: url({server}/background.png)">x</div>'
    )
    declaration = make_declaration(
        title='Tokyo <img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd">',
        subtitle=f'<img src="{server}/subtitle.png">', preamble=hostile, closing_formula=hostile,
    )
    add_clause(declaration, f"<style>@import url({server}/heading.css)</style>", f"{hostile}\n\n{hostile}")
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    signoff.answer(final, make_user(role=UserRole.delegate, organization=seoul),
                   Answer.affirmed_with_statement, True, statement=hostile)
    signoff.adopt(declaration, drafter)
    rendered = [published(declaration)[0], pdf_files.render_circulated(final)[0]]

    assert requests == []
    # The stylesheet is fetched once per thread, by whichever render came first: perhaps not these.
    assert set(fetched) <= {pdf.STATIC_BASE + pdf.STYLESHEET}
    with open("/etc/passwd", encoding="utf-8") as passwd:
        first_line = passwd.readline().strip()
    attached = [[pdf.CANONICAL_TEXT_NAME, pdf.CERTIFICATE_NAME], [pdf.CANONICAL_TEXT_NAME]]
    for content, names in zip(rendered, attached, strict=True):
        document = reader(content)
        # The markup is printed as the text it is.
        whole = " ".join(pages_text(content))
        assert '<img src="file:///etc/passwd">' in whole and f"<img src=\"{server}/img.png\">" in whole
        assert list(document.attachments) == names
        streams = _streams(document)
        assert PASSWD_LINE.encode() in first_line.encode() and first_line.encode() not in streams
        for page in document.pages:
            objects = (page["/Resources"].get("/XObject") or {}).values()
            assert not [x for x in objects if x.get_object().get("/Subtype") == "/Image"]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://example.org/style.css",
    "https://example.org/static/pdf.css",
    "data:text/css,body{}",
    pdf.STATIC_BASE + "../../../../etc/passwd",
    pdf.STATIC_BASE + "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    pdf.STATIC_BASE + "/etc/passwd",
    pdf.STATIC_BASE + "pdf.css?x=1",
    pdf.STATIC_BASE + "no-such-file.css",
    pdf.STATIC_BASE,
    "http://static.drafting.invalid/pdf.css",
])
def test_the_fetcher_refuses_every_url_but_a_static_file(app, url):
    with pytest.raises(pdf.RefusedUrl):
        pdf.StaticOnlyFetcher(app.static_folder).fetch(url)


def test_the_fetcher_serves_the_static_files(app):
    response = pdf.StaticOnlyFetcher(app.static_folder).fetch(pdf.STATIC_BASE + "pdf.css")
    assert response.content_type == "text/css" and b"@page" in response.read()


def test_weasyprint_warnings_reach_the_application_log(app, caplog):
    with caplog.at_level(logging.WARNING, logger=app.logger.name), pdf.weasyprint_log_forwarded():
        HTML(string='<img src="file:///etc/passwd">', url_fetcher=pdf.StaticOnlyFetcher(app.static_folder)).render()
    forwarded = [r for r in caplog.records if r.name == app.logger.name]
    assert forwarded and "WeasyPrint:" in forwarded[0].getMessage()
    assert "file:///etc/passwd" in forwarded[0].getMessage()


def test_the_verification_address_names_the_configured_server_rather_than_the_request(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "declarations.example.org")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")
    with app.test_request_context(base_url="http://forged.example"):
        assert pdf_files.verification_url("ab" * 32) == "https://declarations.example.org/verify/" + "ab" * 32


@pytest.mark.parametrize("title, label, expected", [
    ("Yokohama Declaration", None, "yokohama-declaration-2010.pdf"),
    ("São Paulo Declaration: “Cities First”", None, "sao-paulo-declaration-cities-first-2010.pdf"),
    ("Yokohama Declaration", "Draft 2", "yokohama-declaration-2010-draft-2.pdf"),
    ("Yokohama Declaration", "Final", "yokohama-declaration-2010-final.pdf"),
    ("横浜宣言", None, "declaration-{id}-2010.pdf"),
    ("Déclaration de Tōkyō 東京", None, "declaration-{id}-2010.pdf"),
])
def test_file_names_come_from_the_title_and_year(make_declaration, title, label, expected):
    declaration = make_declaration(title=title)
    version = Version(label=label) if label else None
    assert pdf_files.file_name(declaration, version) == expected.format(id=declaration.id)


def test_the_file_name_has_the_year_of_adoption(adopt):
    declaration = adopt()
    assert pdf_files.file_name(declaration) == f"tokyo-declaration-{date.today().year}.pdf"
