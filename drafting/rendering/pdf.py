"""Rendering a declaration's document to PDF (DESIGN.md, "The final document").

The HTML comes from templates/pdf/ through the application's Jinja environment, so every piece
of user text is escaped; static/pdf.css lays it out with CSS paged media; WeasyPrint writes a
tagged PDF/A-3a file that also declares PDF/UA-1 (structure tree, language, title, reading order,
so that screen readers read it) and carries the version's canonical text as the embedded file
canonical-text.txt, so the PDF holds its own machine-readable text and fingerprint.

The renderer reads nothing but the application's static folder: StaticOnlyFetcher serves its
files under STATIC_BASE and refuses every other URL, file: and data: included. Fonts come from
the system's fontconfig (fonts-noto-core, fonts-noto-cjk), never from a URL.
"""

import io
import logging
import mimetypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import current_app, render_template
from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment
from weasyprint.css import ColorProfile
from weasyprint.logger import LOGGER as WEASYPRINT_LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from drafting.domain.text import fingerprint as fingerprints
from drafting.domain.text import wording
from drafting.domain.text.composed_document import Document
from drafting.domain.published_record import Statement
from drafting.rendering import cjk_font_programs, pdf_conformance

ADOPTED = "adopted"
CIRCULATED = "circulated"
# The compilation of a draft's comments and amendments: the draft's label and date on every page, as CIRCULATED.
COMPILATION = "compilation"
# A final text voided by reopening, as its PDF is stored: "void-3" names Draft 3 current.
VOIDED = "void"
# The page sizes a PDF is made in, and their names in CSS.
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}
# The name another part of the application (verification by upload) looks for: keep it.
CANONICAL_TEXT_NAME = "canonical-text.txt"
CERTIFICATE_NAME = "certificate-of-completion.json"
# PDF/A-3 at level a, the accessible one: WeasyPrint tags the PDF for it (pdf_tags).
PDF_VARIANT = "pdf/a-3a"

# The address at which the renderer sees the static folder. The .invalid domain never resolves
# (RFC 6761), so not even a fetch that slipped past StaticOnlyFetcher could reach a server.
STATIC_BASE = "https://static.drafting.invalid/"
STYLESHEET = "pdf.css"
# PDF/A declares the colour space of the pages it is printed in: sRGB, with WeasyPrint's own
# profile. Its built-in "srgb" intent leaves that file open (a ResourceWarning with every PDF),
# so the same profile is passed in as a colour profile of ours.
OUTPUT_INTENT = "drafting-srgb"

# Each thread's font configuration and parsed stylesheets (_font_config, _stylesheets).
_per_thread = threading.local()


class RefusedUrl(ValueError):
    """A URL the renderer may not fetch: anything but a file of the static folder."""


class StaticOnlyFetcher(URLFetcher):
    """Serve the files of the static folder under STATIC_BASE; refuse every other URL.

    WeasyPrint catches the RefusedUrl, logs it and leaves the resource out.
    """

    def __init__(self, static_folder: str | Path):
        super().__init__()
        self.static_folder = Path(static_folder).resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return a static file asked for under STATIC_BASE, or raise RefusedUrl."""
        base = urlsplit(STATIC_BASE)
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or parts.query or parts.fragment:
            raise RefusedUrl(f"The PDF renderer fetches nothing outside the application: {url}")
        # Resolving follows "..", symbolic links and the like before the check, not after.
        path = (self.static_folder / unquote(parts.path).lstrip("/")).resolve()
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            raise RefusedUrl(f"Not a file of the static folder: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@dataclass(frozen=True)
class PdfMetadata:
    """What the PDF says about itself: author (the host organization), subject, keywords, date."""

    author: str
    subject: str
    keywords: list[str] = field(default_factory=list)
    created: datetime | None = None


@dataclass(frozen=True)
class PdfOptions:
    """How to print a document.

    kind is ADOPTED (the published declaration, with its verification address and QR code) or
    CIRCULATED (a version as sent: label and date on every page, every paragraph numbered).
    canonical_text is the version's, embedded as it is; the fingerprint printed is its SHA-256.
    """

    kind: str
    canonical_text: str
    metadata: PdfMetadata
    verification_url: str | None = None
    label: str | None = None  # "DRAFT 2", for circulated versions
    circulated: str | None = None  # the date it was circulated, as printed: "May 2, 2026"
    page_size: str = "A4"
    statements: list[Statement] = field(default_factory=list)  # printed in the adopted PDF's annex
    # The audit trail's head at adoption (its count of events, the last one's hash), for ADOPTED.
    audit_head: tuple[int, str] | None = None
    # The certificate of completion (drafting.domain.completion) as JSON, embedded in ADOPTED.
    certificate: str | None = None
    # For a voided final text: the paragraphs that open its first page, saying it is void and what is current.
    void_notice: list[str] = field(default_factory=list)


@contextmanager
def weasyprint_log_forwarded() -> Iterator[None]:
    """Pass WeasyPrint's warnings and errors in this thread (a refused URL, a fallback) to the app's log."""
    app_logger = current_app.logger
    rendering_thread = threading.get_ident()

    class Forward(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            app_logger.log(record.levelno, "WeasyPrint: %s", record.getMessage())

    handler = Forward(logging.WARNING)
    # Another thread may be rendering at the same time: its messages are its own to forward.
    handler.addFilter(lambda record: record.thread == rendering_thread)
    WEASYPRINT_LOGGER.addHandler(handler)
    try:
        yield
    finally:
        WEASYPRINT_LOGGER.removeHandler(handler)


# Kept once made: a declaration's PDF is made in each page size in a row, from the same address, and
# making the code (its masks scored one by one) is a tenth of a small PDF's render.
@lru_cache(maxsize=64)
def qr_code(url: str, description: str) -> Markup:
    """Return an SVG QR code of the URL, to be inlined in the HTML (nothing to fetch).

    The description is the SVG's title, which the tagged PDF gives its Figure as alternate text.
    """
    # Safe: segno writes the SVG from the code's modules and escapes the title it is given.
    svg = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="qr-code", title=description)
    return Markup(svg)  # nosec B704


@cache
def _srgb_icc() -> bytes:
    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def _color_profiles() -> dict[str, ColorProfile]:
    # A new profile for each PDF: WeasyPrint writes the PDF object's number into it.
    profile = ColorProfile(io.BytesIO(_srgb_icc()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"]))
    return {OUTPUT_INTENT: profile}


def _html(document: Document, options: PdfOptions, template: str, context: dict) -> str:
    fingerprint = fingerprints.fingerprint(options.canonical_text)
    return render_template(
        template,
        **context,
        document=document,
        options=options,
        numbered=options.kind == CIRCULATED,
        fingerprint=fingerprint,
        short_fingerprint=fingerprints.short(fingerprint),
        qr_code=qr_code,
    )


def _css_string(text: str) -> str:
    # A CSS string of our own catalog's words: quotes, backslashes and line breaks escaped all the same.
    return '"' + "".join(c if c.isalnum() or c in " ./-" else f"\\{ord(c):x} " for c in text) + '"'


def page_numbers_css(language: str) -> str:
    """Return the rule that numbers the pages in the document's language: "Page 1 of 2"."""
    words = wording.gettext(language, "Page {page} of {pages}")
    before, _, rest = words.partition("{page}")
    between, _, after = rest.partition("{pages}")
    content = f"{_css_string(before)} counter(page) {_css_string(between)} counter(pages) {_css_string(after)}"
    return f"@page {{ @bottom-right {{ content: {content} }} }}"


def _font_config() -> FontConfiguration:
    """Return this thread's font configuration, made on its first PDF.

    A new one per PDF costs time (fontconfig reads the fonts anew) and leaks native memory in a
    long-lived worker. One per process is enough; one per thread, because Pango's font maps are
    not made to be shared between threads, and anew after a fork.
    """
    if getattr(_per_thread, "pid", None) != os.getpid():
        _per_thread.pid = os.getpid()
        _per_thread.font_config = FontConfiguration()
        _per_thread.stylesheets = {}
    return _per_thread.font_config


def _stylesheets(page_size: str, language: str) -> tuple[StaticOnlyFetcher, list[CSS]]:
    """Return the fetcher of the static folder and the stylesheets for a page size and a language, parsed once
    per thread."""
    font_config = _font_config()
    static_folder = Path(current_app.static_folder).resolve()
    key = (static_folder, page_size, language)
    if key not in _per_thread.stylesheets:
        fetcher = StaticOnlyFetcher(static_folder)
        _per_thread.stylesheets[key] = fetcher, [
            CSS(url=STATIC_BASE + STYLESHEET, url_fetcher=fetcher, font_config=font_config),
            # The size is one of PAGE_SIZES' own values, never user text.
            CSS(string=f"@page {{ size: {PAGE_SIZES[page_size]} }}", url_fetcher=fetcher),
            CSS(string=page_numbers_css(language), url_fetcher=fetcher),
        ]
    return _per_thread.stylesheets[key]


def _finish(document, pdf_file) -> None:
    # What WeasyPrint made, before it is written: CJK fonts without their empty glyph slots, then conformance.
    cjk_font_programs.compact(pdf_file)
    pdf_conformance.finish(document, pdf_file)


def render(document: Document, options: PdfOptions, template: str = "pdf/declaration.html",
           **context) -> tuple[bytes, int]:
    """Render a document to a tagged PDF/A-3a and PDF/UA-1 file; return the file and its number of pages.

    Another template of templates/pdf/ may print more than the document (a compilation), from `context`.
    """
    if options.page_size not in PAGE_SIZES:
        raise ValueError(f"No page size {options.page_size!r}; there are {', '.join(PAGE_SIZES)}.")
    with weasyprint_log_forwarded():
        fetcher, stylesheets = _stylesheets(options.page_size, document.language)
        def attached(text: str, name: str, description: str, relationship: str) -> Attachment:
            return Attachment(string=text.encode("utf-8"), name=name, description=description,
                              relationship=relationship, created=options.metadata.created,
                              modified=options.metadata.created, url_fetcher=fetcher)

        attachments = [attached(
            options.canonical_text, CANONICAL_TEXT_NAME,
            "The canonical text of this declaration; its SHA-256 is the fingerprint printed on every page.", "Source",
        )]
        if options.certificate is not None:
            attachments.append(attached(
                options.certificate, CERTIFICATE_NAME,
                "Certificate of completion: who answered for each participant, under whose confirmation, when.",
                "Supplement",
            ))
        html = HTML(string=_html(document, options, template, context), base_url=STATIC_BASE, url_fetcher=fetcher)
        laid_out = html.render(font_config=_font_config(), color_profiles=_color_profiles(),
                               stylesheets=stylesheets, pdf_variant=PDF_VARIANT, output_intent=OUTPUT_INTENT)
        content = laid_out.write_pdf(pdf_variant=PDF_VARIANT, output_intent=OUTPUT_INTENT,
                                     attachments=attachments, finisher=_finish)
    return content, len(laid_out.pages)
