"""The evidence of an answer given outside the application: which uploads count as a scan, and which do not.

A scan is a PDF or a JPEG or PNG image, at most MAX_BYTES. What it is comes from its content, never
from its name or the type the browser claimed: a PDF must begin with its header and be read by pypdf
(in a process of its own, as /verify reads uploads), an image must be decoded whole by Pillow. So a
program renamed .pdf, a web page, or a file that only begins like an image is refused.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from drafting.rendering import pdf_reading

MAX_BYTES = 5 * 1024 * 1024
# A scanned page at 600 dpi is some 35 million pixels; more is not a scan but a way to exhaust memory.
MAX_PIXELS = 60_000_000
TOO_LARGE = f"The evidence is larger than {MAX_BYTES // (1024 * 1024)} MB: scan it at a lower resolution, or as a PDF."
NOT_A_SCAN = "The evidence must be a PDF, or a JPEG or PNG image; this file is none of them. Nothing is recorded."
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


class EvidenceRefused(ValueError):
    """An upload that cannot be kept as evidence."""


@dataclass(frozen=True)
class Scan:
    """An upload found to be a PDF or an image, with its media type."""

    content: bytes
    media_type: str


def _is_pdf(content: bytes) -> bool:
    # pypdf forgives bytes before the header; a scan does not need that forgiveness, and a file
    # that is something else first (a web page, a program) is refused whatever follows.
    if not content.startswith(b"%PDF-"):
        return False
    reading = pdf_reading.UploadReader(content).visible_text(max_pages=0)
    return reading.failure is None and reading.pages > 0


def _complete(content: bytes, media_type: str) -> bool:
    # WeasyPrint tells Pillow to decode truncated images (ImageFile.LOAD_TRUNCATED_IMAGES), so decoding
    # alone does not refuse a file cut short: a PNG is checked chunk by chunk to its end, a JPEG must
    # end with its end-of-image marker.
    if media_type == "image/jpeg":
        return content.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(content)) as image:
        image.verify()
    return True


def _image_type(content: bytes) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                media_type = IMAGE_FORMATS.get(image.format or "")
                if media_type is None or image.width * image.height > MAX_PIXELS:
                    return None
                image.load()  # decoding the whole image refuses one that only begins like one
            if not _complete(content, media_type):
                return None
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError):
        return None
    return media_type


def checked(content: bytes) -> Scan:
    """Return the upload as a scan, or refuse it: larger than MAX_BYTES, or neither a PDF nor a JPEG or PNG image."""
    if len(content) > MAX_BYTES:
        raise EvidenceRefused(TOO_LARGE)
    if _is_pdf(content):
        return Scan(content, "application/pdf")
    media_type = _image_type(content)
    if media_type is None:
        raise EvidenceRefused(NOT_A_SCAN)
    return Scan(content, media_type)
