"""Chinese, Japanese and Korean fonts embedded with the glyphs a PDF draws and no empty slots for the others.

WeasyPrint subsets every font keeping each glyph's original number (HarfBuzz's RETAIN_GIDS): the
text's codes are those numbers, and a TrueType font is looked up by them. A CJK face numbers some
65,000 glyphs, so its subset keeps 65,000 slots, nearly all empty, and two pages of Japanese
carried more than 400 KB of fonts. The Noto CJK faces are CID-keyed CFF fonts, in which a glyph is
found by its CID through the font's charset, whatever its position: subset without retaining the
numbers, such a font keeps each glyph's CID, so it draws the same glyph for the same code.

compact(), run on WeasyPrint's PDF before it is written (pdf.render's finisher), makes that subset
of the glyphs the text draws for each such font, and embeds it as a bare CFF font program
(FontFile3 /CIDFontType0C), in which every reader, FreeType among them, looks glyphs up by CID (in
an OpenType wrapper, FreeType takes codes for glyph numbers). The subset is HarfBuzz's, as
WeasyPrint's own, from the system library WeasyPrint already loads: fontTools takes a third of a
second per face to read 65,000 glyph slots, and only reads the few hundred left, to check their
CIDs and write their widths (_write_widths_whole). A font whose subset does not hold every CID the
text draws stays as WeasyPrint embedded it, with a warning.
"""

import io
import logging

import pydyf
from cffi import FFI
from fontTools.cffLib import CFFFontSet
from fontTools.misc.psCharStrings import encodeFixed, encodeIntT2
from fontTools.ttLib import TTFont

LOGGER = logging.getLogger(__name__)
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
        if subset is None:
            LOGGER.warning("A CJK font of the PDF is embedded with every glyph slot: its subset lost glyphs drawn.")
            continue
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
    if not length[0]:
        return None
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(bytes(_ffi.buffer(data, length[0]))), None)
    top = fonts.topDictIndex[0]
    # A CID-keyed font (ROS) keeps the CIDs in its charset; HarfBuzz also keeps the few glyphs WeasyPrint's own
    # subset took in with those drawn (the forms its layout tables led to): a handful more, never one less.
    if not hasattr(top, "ROS") or not cids <= {_cid(name) for name in top.charset}:
        return None
    try:
        _write_widths_whole(top)
    except (ValueError, IndexError):  # a charstring this module does not read: the font is kept whole
        return None
    cff = io.BytesIO()
    fonts.compile(cff, TTFont(recalcBBoxes=False))
    return cff.getvalue()


def _cid(glyph_name: str) -> int:
    return 0 if glyph_name == ".notdef" else int(glyph_name.removeprefix("cid"))


# The operators that may end a charstring's first run of operands (Type 2 charstrings, 4.1): how many
# operands they take without a width in front, or (_EVEN_OPERANDS) an even number of them, an odd one
# meaning a width.
_HMOVETO, _VMOVETO, _RMOVETO, _ENDCHAR = 22, 4, 21, 14
_OPERANDS_WITHOUT_WIDTH = {_HMOVETO: (1,), _VMOVETO: (1,), _RMOVETO: (2,), _ENDCHAR: (0, 4)}
_EVEN_OPERANDS = {1, 3, 18, 19, 20, 23}  # hstem, vstem, hstemhm, hintmask, cntrmask, vstemhm


def _write_widths_whole(top) -> None:
    """Write each glyph's advance width whole in its charstring, and make every nominal and default width 0.

    A CFF charstring's width is written as a difference from the nominal width of its Private DICT,
    or left out for the default width. In a CID-keyed font each group of glyphs has a Private DICT
    of its own, and page-validation reads the difference as the width, and finds none in front of an
    hmoveto or a vmoveto (its rule GLYPH-WIDTH-001 of PDF/A-3 and PDF/UA-1 then fails). Written whole,
    against nominal and default widths of 0, in front of an rmoveto where a glyph's outline starts
    with another move, a width reads the same in every reader and in that validator alike.

    Only the operands before the first operator are read and written again, from the charstring's
    bytes: decompiling whole charstrings in Python took longer than the rest of the render.
    """
    for name in top.charset:
        charstring, group = top.CharStrings.getItemAndSelector(name)
        private = top.FDArray[group].Private
        operands, operator, rest = _first_operation(charstring.bytecode)
        if operator in _EVEN_OPERANDS:
            with_width = len(operands) % 2 == 1
        else:
            with_width = len(operands) not in _OPERANDS_WITHOUT_WIDTH[operator]
        width = private.nominalWidthX + operands[0] if with_width else private.defaultWidthX
        operands = operands[1:] if with_width else operands
        # page-validation finds no width in front of an hmoveto or a vmoveto: the same move, as an rmoveto.
        if operator == _HMOVETO:
            operator, operands = _RMOVETO, [*operands, 0]
        elif operator == _VMOVETO:
            operator, operands = _RMOVETO, [0, *operands]
        charstring.bytecode = b"".join(map(_encoded, [width, *operands])) + bytes([operator]) + rest
    for group in top.FDArray:
        group.Private.nominalWidthX = 0
        group.Private.defaultWidthX = 0


def _first_operation(bytecode: bytes) -> tuple[list[float], int, bytes]:
    """Return a charstring's operands before its first operator, that operator, and the bytes after it."""
    operands, at = [], 0
    while True:
        byte = bytecode[at]
        if 32 <= byte <= 246:
            operands.append(byte - 139)
            at += 1
        elif 247 <= byte <= 250:
            operands.append((byte - 247) * 256 + bytecode[at + 1] + 108)
            at += 2
        elif 251 <= byte <= 254:
            operands.append(-(byte - 251) * 256 - bytecode[at + 1] - 108)
            at += 2
        elif byte == 28:
            operands.append(int.from_bytes(bytecode[at + 1:at + 3], "big", signed=True))
            at += 3
        elif byte == 255:
            operands.append(int.from_bytes(bytecode[at + 1:at + 5], "big", signed=True) / 65536)
            at += 5
        elif byte in _EVEN_OPERANDS or byte in _OPERANDS_WITHOUT_WIDTH:
            return operands, byte, bytecode[at + 1:]
        else:
            raise ValueError(f"A charstring whose first operator, {byte}, cannot start a glyph.")


def _encoded(number: float) -> bytes:
    return encodeIntT2(number) if isinstance(number, int) else encodeFixed(number)
