"""A Japanese PDF embeds the glyphs it draws and no empty slots for the 60,000 others of its faces, and
looks and reads as it did: real PDFs, their font programs read back with pypdf and fontTools, their
pages drawn by PDFium and by Poppler."""

import io
import subprocess

import pypdfium2 as pdfium
import pytest
from fontTools.cffLib import CFFFontSet
from PIL import Image, ImageChops
from pypdf import PdfReader

from drafting.rendering import cjk_font_programs, stored_pdfs
from tests.test_pdf_reading_order import japanese  # noqa: F401  (a fixture)


def cjk_fonts(content: bytes) -> dict[str, tuple[int, int]]:
    """Return, by font name, how many glyphs its text draws (its widths) and how many its program holds."""
    found = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            if descendant["/Subtype"] != "/CIDFontType0":
                continue
            widths = descendant["/W"]
            drawn = sum(len(run) for run in widths[1::2])
            program = descendant["/FontDescriptor"]["/FontFile3"]
            assert program["/Subtype"] == "/CIDFontType0C"
            fonts = CFFFontSet()
            fonts.decompile(io.BytesIO(program.get_data()), None)
            found[font.get_object()["/BaseFont"]] = (drawn, len(fonts.topDictIndex[0].charset))
    return found


def test_each_japanese_face_holds_the_glyphs_its_text_draws_and_few_more(japanese):  # noqa: F811
    declaration, _ = japanese
    content, pages = stored_pdfs.render_adopted(declaration)
    fonts = cjk_fonts(content)
    # The serif text, its bold headings, the sans-serif footer and verification.
    assert len(fonts) == 3
    for name, (drawn, held) in fonts.items():
        # .notdef, and the few forms WeasyPrint's subset takes in with them; a face numbers some 60,000 glyphs.
        assert drawn < held < 1.5 * drawn + 10, name
    # Two pages of a few hundred distinct characters: 440 KB when every glyph slot was kept.
    assert pages == 2 and len(content) < 150_000


# The same outlines, in a bare CFF program rather than an OpenType one, are smoothed a little differently
# at their edges (up to 18 levels of 255 in PDFium): another glyph, or none, differs by far more.
SMOOTHING = 48


def pages_drawn_by_pdfium(content: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(content)
    return [document[index].render(scale=2).to_pil().convert("L") for index in range(len(document))]


def pages_drawn_by_poppler(content: bytes, folder) -> list[Image.Image]:
    folder.mkdir()
    path = folder / "declaration.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(path), str(folder / "page")], check=True, capture_output=True)
    return [Image.open(page) for page in sorted(folder.glob("page-*.pgm"))]


def drawn_alike(pages: list[Image.Image], others: list[Image.Image]) -> bool:
    return len(pages) == len(others) and all(
        ImageChops.difference(page, other).getextrema()[1] < SMOOTHING for page, other in zip(pages, others))


@pytest.mark.parametrize("kind", ["adopted", "circulated"])
def test_the_compact_fonts_draw_the_very_glyphs_of_the_whole_ones(japanese, monkeypatch, tmp_path, kind):  # noqa: F811
    declaration, circulated = japanese

    def render() -> bytes:
        if kind == "adopted":
            return stored_pdfs.render_adopted(declaration)[0]
        return stored_pdfs.render_circulated(circulated)[0]

    compact = render()
    monkeypatch.setattr(cjk_font_programs, "compact", lambda pdf_file: None)
    whole = render()
    assert len(compact) < len(whole) / 2

    assert drawn_alike(pages_drawn_by_pdfium(compact), pages_drawn_by_pdfium(whole))
    assert drawn_alike(pages_drawn_by_poppler(compact, tmp_path / "compact"),
                       pages_drawn_by_poppler(whole, tmp_path / "whole"))
    text = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(compact)).pages]
    assert text == [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(whole)).pages]
