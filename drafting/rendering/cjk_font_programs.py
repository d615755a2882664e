"""Chinese, Japanese and Korean fonts embedded with the glyphs a PDF draws and no empty slots for the others.

WeasyPrint subsets every font keeping each glyph's original number (HarfBuzz's RETAIN_GIDS): the text's
codes are those numbers, and a TrueType font is looked up by them. A CJK face numbers some 65,000
glyphs, so its subset keeps 65,000 slots, nearly all empty, and two pages of Japanese carried
more than 400 KB of fonts. The Noto CJK faces are CID-keyed CFF fonts, in which a glyph is found by
its CID through the font's charset, whatever its position: subset without retaining the numbers,
such a font keeps each glyph's CID, so it draws the same glyph for the same code. compact() makes
that subset of the glyphs the text draws for each such font of the PDF, before it is written (pdf.render's finisher), and embeds
it as a bare CFF font program (FontFile3 /CIDFontType0C), in which every reader, FreeType among
them, looks glyphs up by CID (in an OpenType wrapper, FreeType takes codes for glyph numbers).

The subset is HarfBuzz's, as WeasyPrint's own, from the system library WeasyPrint already loads:
fontTools takes a third of a second per face to read 65,000 glyph slots. A font whose subset does not
hold every CID the text draws stays as WeasyPrint embedded it.
"""

import io

import pydyf
from cffi import FFI
from fontTools.cffLib import CFFFontSet

_ffi = FFI()
_ffi.cdef("""
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef enum { HB_MEMORY_MODE_DUPLICATE, HB_MEMORY_MODE_READONLY, HB_MEMORY_MODE_WRITABLE,
               HB_MEMORY_MODE_READONLY_MAY_MAKE_WRITABLE } hb_memory_mode_t;
typedef void (*hb_destroy_func_t) (void *user_data);
hb_blob_t *hb_blob_create (const char *data, unsigned int length, hb_memory_mode_t mode, void *user_data,
                           hb_destroy_func_t destroy);
void hb_blob_destroy (hb_blob_t *blob);
const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t *hb_face_reference_table (const hb_face_t *face, uint32_t tag);
void hb_set_add (hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
""")
_harfbuzz = _ffi.dlopen("libharfbuzz.so.0")
_harfbuzz_subset = _ffi.dlopen("libharfbuzz-subset.so.0")
# hb-subset.h: HB_SUBSET_FLAGS_DESUBROUTINIZE, HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED, as WeasyPrint subsets.
_SUBSET_FLAGS = 0x4 | 0x20
_CFF_TABLE = int.from_bytes(b"CFF ", "big")


def compact(pdf_file: pydyf.PDF) -> None:
    """Replace each CID-keyed CFF font program of the PDF by a subset of the glyphs it draws, renumbered."""
    drawn: dict[int, set[int]] = {}  # the font program's object number: the CIDs its fonts draw
    for pdf_object in pdf_file.objects:
        if isinstance(pdf_object, pydyf.Dictionary) and pdf_object.get("Subtype") == "/CIDFontType0":
            descriptor = _referenced(pdf_file, pdf_object["FontDescriptor"])
            if "FontFile3" in descriptor:
                drawn.setdefault(_number(descriptor["FontFile3"]), set()).update(_cids(pdf_object["W"]))
    for number, cids in drawn.items():
        program = pdf_file.objects[number]
        if program.extra.get("Subtype") != "/OpenType":
            continue
        subset = _cff_subset(b"".join(program.stream), cids | {0})
        if subset is not None:
            program.stream = [subset]
            program.extra["Subtype"] = "/CIDFontType0C"


def _number(reference: str) -> int:
    return int(reference.split()[0])


def _referenced(pdf_file: pydyf.PDF, reference: str):
    return pdf_file.objects[_number(reference)]


def _cids(widths: pydyf.Array) -> set[int]:
    # W holds a CID, then the widths of it and of those that follow: every glyph drawn has its width.
    cids = set()
    for first, run in zip(widths[::2], widths[1::2]):
        cids.update(range(first, first + len(run)))
    return cids


def _cff_subset(font: bytes, cids: set[int]) -> bytes | None:
    """Return the font's CFF table with the glyphs of these CIDs under their CIDs, or None if it cannot be made so."""
    blob = _ffi.gc(_harfbuzz.hb_blob_create(font, len(font), _harfbuzz.HB_MEMORY_MODE_DUPLICATE, _ffi.NULL, _ffi.NULL),
                   _harfbuzz.hb_blob_destroy)
    face = _ffi.gc(_harfbuzz.hb_face_create(blob, 0), _harfbuzz.hb_face_destroy)
    subset_input = _ffi.gc(_harfbuzz_subset.hb_subset_input_create_or_fail(), _harfbuzz_subset.hb_subset_input_destroy)
    if subset_input == _ffi.NULL:
        return None
    glyphs = _harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    # WeasyPrint's subset numbers each glyph it kept as its CID: the check below makes sure of it.
    for cid in cids:
        _harfbuzz.hb_set_add(glyphs, cid)
    _harfbuzz_subset.hb_subset_input_set_flags(subset_input, _SUBSET_FLAGS)
    subset_face = _harfbuzz_subset.hb_subset_or_fail(face, subset_input)
    if subset_face == _ffi.NULL:
        return None
    subset_face = _ffi.gc(subset_face, _harfbuzz.hb_face_destroy)
    table = _ffi.gc(_harfbuzz.hb_face_reference_table(subset_face, _CFF_TABLE), _harfbuzz.hb_blob_destroy)
    length = _ffi.new("unsigned int *")
    data = _harfbuzz.hb_blob_get_data(table, length)
    cff = bytes(_ffi.buffer(data, length[0])) if length[0] else b""
    found = _cids_of(cff) if cff else None
    # HarfBuzz also keeps the few glyphs WeasyPrint's own subset took in with those drawn (the forms its
    # layout tables led to): a handful more, never one less.
    return cff if found is not None and cids <= found else None


def _cids_of(cff: bytes) -> set[int] | None:
    """Return the CIDs of a CID-keyed CFF font's glyphs, from its charset; None if it is not CID-keyed."""
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(cff), None)
    top = fonts.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return None
    return {0 if name == ".notdef" else int(name.removeprefix("cid")) for name in top.charset}
