"""Verification of a fingerprint or an uploaded PDF: adopted texts only, and clear refusals of bad uploads."""

import io
import re
import time
import tracemalloc
from datetime import datetime, timezone

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select
from weasyprint import HTML, Attachment
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from bench.verify import hostile_pdf
from drafting.domain import signoff, verification
from drafting.extensions import db
from drafting.models import Answer, DeclarationState, StoredPdf
from drafting.rendering import pdf_reading
from drafting.web.archive.routes import UPLOAD_MARGIN
# The fixtures adopt and unpublished are shared with the archive's tests.
from tests.test_archive import adopt, latest_fingerprint, unpublished
from tests.test_auth import app_with

CANONICAL_TEXT = "canonical-text.txt"


@pytest.fixture
def tokyo(adopt):
    """An adopted declaration that Seoul affirmed and Jakarta declined."""
    return adopt(
        title="Tokyo Declaration",
        answers={"Seoul/KR": Answer.affirmed, "Jakarta/ID": Answer.declined},
        adopted_at=datetime(2010, 11, 9, 12, tzinfo=timezone.utc),
    )


def adopted_text(declaration):
    return signoff.final_version(declaration).canonical_text


def blank_pdf(attached: str | None = None) -> bytes:
    """Return a PDF of one blank page, carrying `attached` as our canonical text if given."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if attached is not None:
        writer.add_attachment(CANONICAL_TEXT, attached.encode("utf-8"))
    return written(writer)


def printed_pdf(html: str, attached: str) -> bytes:
    """Return a PDF that shows `html` and carries `attached` as our canonical text."""
    return HTML(string=html).write_pdf(attachments=[Attachment(string=attached.encode("utf-8"), name=CANONICAL_TEXT)])


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client, data: bytes, name: str = "declaration.pdf", **fields):
    """Post a file to the verification, with any other fields given."""
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    body, length, boundary = stream_encode_multipart(
        {"pdf": FileStorage(io.BytesIO(data), filename=name), **fields}, use_tempfile=False
    )
    return client.post(
        "/verify", input_stream=body, content_length=length, content_type=f"multipart/form-data; boundary={boundary}"
    )


def text_of(response) -> str:
    return response.get_data(as_text=True)


# By fingerprint

def test_the_fingerprint_of_an_adopted_text_says_which_declaration_when_and_who_affirmed_it(client, tokyo):
    final = signoff.final_version(tokyo)
    response = client.get(f"/verify/{final.fingerprint}")
    html = text_of(response)
    assert response.status_code == 200
    assert "This is the adopted text of “Tokyo Declaration”, adopted on November 9, 2010." in html
    assert "South Korea" in html and "Seoul" in html and "Jakarta" not in html
    assert f'href="/archive/{tokyo.id}"' in html and f'href="/declarations/{tokyo.id}/declaration.pdf"' in html


def test_the_short_fingerprint_of_the_footer_is_enough_and_case_and_spaces_do_not_matter(client, tokyo):
    fingerprint = signoff.final_version(tokyo).fingerprint
    assert "This is the adopted text of “Tokyo Declaration”" in text_of(client.get(f"/verify/{fingerprint[:12]}"))
    typed = f" {fingerprint[:6].upper()} {fingerprint[6:12]} "
    response = client.get("/verify", query_string={"fingerprint": typed})
    assert response.status_code == 302 and response.headers["Location"] == f"/verify/{fingerprint[:12]}"


@pytest.mark.parametrize("state", [DeclarationState.consultation, DeclarationState.affirmation])
def test_a_text_not_adopted_is_said_to_be_so_and_nothing_else_is_told(client, unpublished, state):
    declaration = unpublished(state, title="Confidential Declaration")
    fingerprint = latest_fingerprint(declaration)
    for given in (fingerprint, fingerprint[:12]):
        html = text_of(client.get(f"/verify/{given}"))
        assert "This is not an adopted text" in html
        assert "Confidential" not in html and declaration.host.name not in html


@pytest.mark.parametrize("typed", ["abc", "g" * 64, "a" * 63, "a" * 13])
def test_a_malformed_fingerprint_gets_a_clear_message(client, typed):
    for response in (client.get(f"/verify/{typed}"), client.get("/verify", query_string={"fingerprint": typed})):
        assert response.status_code == 422
        assert "A fingerprint is 64 digits and letters a to f" in text_of(response)


def test_a_fingerprint_typed_with_a_slash_is_refused_at_the_field(client):
    response = client.get("/verify", query_string={"fingerprint": "abc/def"})
    assert response.status_code == 422 and "A fingerprint is 64 digits and letters a to f" in text_of(response)


def test_a_short_fingerprint_that_begins_two_adopted_texts_asks_for_the_whole(client, tokyo, adopt):
    fingerprint = signoff.final_version(tokyo).fingerprint
    other = signoff.final_version(adopt(title="Seoul Declaration"))
    # Two texts whose fingerprints share 12 digits are too rare to make: give the second one's by hand.
    other.fingerprint = fingerprint[:12] + "0" * 52
    db.session.commit()
    response = client.get(f"/verify/{fingerprint[:12]}")
    assert response.status_code == 422
    assert "Several adopted texts begin with this short fingerprint" in text_of(response)
    assert "This is the adopted text" in text_of(client.get(f"/verify/{fingerprint}"))


# By upload

def test_the_very_file_we_published_is_recognised_in_either_page_size(client, tokyo):
    a4 = f"/declarations/{tokyo.id}/declaration.pdf"
    for address in (a4, f"{a4}?size=letter"):
        original = client.get(address).data
        response = upload(client, original)
        html = text_of(response)
        assert response.status_code == 200, address
        assert "This is the very file we published: “Tokyo Declaration”, adopted on November 9, 2010." in html
        assert "Seoul" in html and "Jakarta" not in html


def test_a_published_pdf_saved_again_carries_the_adopted_text_but_is_not_the_file_published(client, tokyo):
    original = client.get(f"/declarations/{tokyo.id}/declaration.pdf").data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    writer.add_metadata({"/Producer": "Another program"})
    html = text_of(upload(client, written(writer)))
    assert "is the adopted text of “Tokyo Declaration”, but this file differs from the one we published" in html
    assert "Its visible text shows the title and every clause heading of the adopted text" in html
    assert f'href="/declarations/{tokyo.id}/declaration.pdf"' in html


def test_a_pdf_whose_visible_text_was_changed_is_said_to_be_altered(client, tokyo):
    shown = "<h1>Tokyo Declaration</h1><h2>1. Heading 1</h2><h2>2. Another heading</h2>"
    html = text_of(upload(client, printed_pdf(shown, adopted_text(tokyo))))
    assert "but this file differs from the one we published" in html
    assert "Its visible text was altered: it does not show the heading of clause 2, “Heading 2”." in html
    html = text_of(upload(client, blank_pdf(adopted_text(tokyo))))
    assert "it does not show the title, “Tokyo Declaration”, the heading of clause 1" in html


def test_a_pdf_of_thousands_of_pages_carrying_the_adopted_text_is_not_read_page_by_page(client, tokyo):
    writer = PdfWriter()
    for _ in range(verification.MAX_PAGES_READ + 1):
        writer.add_blank_page(595, 842)
    writer.add_attachment(CANONICAL_TEXT, adopted_text(tokyo).encode("utf-8"))
    html = text_of(upload(client, written(writer)))
    assert "but this file differs from the one we published" in html
    assert f"It has {verification.MAX_PAGES_READ + 1:,} pages, far more than any declaration" in html


def test_a_pdf_whose_embedded_text_is_not_adopted_is_said_to_be_so(client, tokyo, unpublished):
    altered = adopted_text(tokyo).replace("Body of clause 1.", "Body of clause one.")
    html = text_of(upload(client, blank_pdf(altered)))
    assert "The text embedded in this PDF is not an adopted text: it may have been altered." in html
    assert "Tokyo" not in html.split("<main", 1)[1]
    draft = unpublished(DeclarationState.consultation, title="Confidential Declaration")
    html = text_of(upload(client, blank_pdf(draft.versions[0].canonical_text)))
    assert "not an adopted text" in html and "Confidential" not in html


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.pdf", "The file is empty: choose the PDF you want to verify."),
        (b"Just some words.", "notes.txt", "This file is not a PDF."),
        (b"%PDF-1.7\nthe rest is missing", "broken.pdf", "This file is not a PDF that can be read: it may be damaged."),
        (None, "plain.pdf", "This PDF carries no text of ours"),
    ],
)
def test_bad_uploads_get_a_clear_message(client, data, name, message):
    response = upload(client, blank_pdf() if data is None else data, name)
    assert response.status_code == 422 and message in text_of(response)


def test_an_upload_without_a_file_asks_for_one(client):
    response = client.post("/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose the PDF you want to verify." in text_of(response)


@pytest.mark.parametrize("size", [verification.MAX_PDF_BYTES + 1, verification.MAX_PDF_BYTES + UPLOAD_MARGIN + 1])
def test_an_upload_over_20_mb_is_refused_with_its_own_message(client, size):
    response = upload(client, b"%PDF-" + b"0" * (size - 5))
    assert response.status_code == 413
    assert "The file is larger than 20 MB: no PDF of ours is that large." in text_of(response)


def pdf_of_size(size: int) -> bytes:
    """Return a PDF of exactly `size` bytes that reads at once: one blank page and an attached file of padding."""
    padding = size
    for _ in range(3):  # the lengths written in the file grow by a digit at most
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.add_attachment("padding.bin", b"0" * padding)
        data = written(writer)
        padding += size - len(data)
    assert len(data) == size
    return data


def test_an_upload_of_20_mb_is_read(client):
    response = upload(client, pdf_of_size(verification.MAX_PDF_BYTES))
    assert response.status_code == 422 and "This PDF carries no text of ours" in text_of(response)


def test_a_verification_stores_nothing(client, tokyo, count_queries):
    original = client.get(f"/declarations/{tokyo.id}/declaration.pdf").data
    stored = db.session.scalar(select(func.count()).select_from(StoredPdf))
    with count_queries() as counted:
        assert "very file" in text_of(upload(client, original))
        assert "very file" not in text_of(upload(client, blank_pdf(adopted_text(tokyo))))
        client.get(f"/verify/{signoff.final_version(tokyo).fingerprint}")
    assert not [s for s in counted if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert db.session.scalar(select(func.count()).select_from(StoredPdf)) == stored


def test_the_upload_form_carries_a_csrf_token_that_is_checked(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    form = text_of(client.get("/verify"))
    assert 'enctype="multipart/form-data"' in form
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    refused = upload(client, blank_pdf())
    assert refused.status_code == 422 and "The CSRF token is missing." in text_of(refused)
    # Larger than the application's 2 MB limit: the view raised it before the form (and token) was read.
    accepted = upload(client, pdf_of_size(5 * 1024 * 1024), csrf_token=token)
    assert accepted.status_code == 422 and "This PDF carries no text of ours" in text_of(accepted)


# Hostile and malformed uploads

def test_a_pdf_too_complex_to_read_gets_a_clear_verdict_quickly_and_ours_still_verify(client, tokyo):
    hostile = hostile_pdf(adopted_text(tokyo))
    assert len(hostile) < 16 * 1024  # small, but reading all its pages takes many seconds of CPU
    started = time.monotonic()
    response = upload(client, hostile)
    # A generous bound that only guards against a worker held for as long as the file asks.
    assert time.monotonic() - started < 5
    assert response.status_code == 422
    assert "This file is too complex to verify here" in text_of(response)
    original = client.get(f"/declarations/{tokyo.id}/declaration.pdf").data
    assert "This is the very file we published: “Tokyo Declaration”" in text_of(upload(client, original))


def attachment_bomb(megabytes: int) -> bytes:
    """Return a PDF of some kilobytes whose canonical text inflates to `megabytes` of bytes that are not UTF-8."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment(CANONICAL_TEXT, b"\xff" * (megabytes * 1024 * 1024))
    file = writer._root_object["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()["/EF"].raw_get("/F")
    writer._objects[file.idnum - 1] = file.get_object().flate_encode(level=9)
    return written(writer)


def test_a_canonical_text_inflating_to_megabytes_is_answered_within_2_seconds(client, tokyo):
    # Each byte decodes to U+FFFD: sent to the worker as text, 12 MB became 75 MB of JSON to read.
    bomb = attachment_bomb(12)
    assert len(bomb) < 16 * 1024
    started = time.monotonic()
    response = upload(client, bomb)
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "The text embedded in this PDF is not an adopted text" in text_of(response)


def test_a_worker_never_holds_the_inflated_canonical_text_of_an_upload(tokyo):
    bomb = attachment_bomb(12)
    tracemalloc.start()
    try:
        verdict = verification.verify_pdf(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert verdict.outcome is verification.Outcome.not_adopted
    # The child process inflates and fingerprints it; the worker reads back a fingerprint.
    assert peak < 4 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"


# Each budget alone, the others lifted (seconds of wall and CPU time, operators), and the
# hostile PDF's pages and megabytes of operators that exceed it.
LIFTED = {"WALL_SECONDS": 60, "CPU_SECONDS": 60, "OPERATORS_PARSED": 10**9}
BUDGETS = {
    "operators parsed": ({**LIFTED, "OPERATORS_PARSED": pdf_reading.OPERATORS_PARSED}, 10, 1),
    "wall time": ({**LIFTED, "WALL_SECONDS": pdf_reading.WALL_SECONDS}, 10, 1),
    "CPU time": ({**LIFTED, "CPU_SECONDS": 1}, 10, 1),
    # A stream over 32 MB: the allocator maps it anew, whatever free memory the child has from its parent.
    "memory": ({**LIFTED, "INFLATED_BYTES": 10**10, "MEMORY_BYTES": 1024 * 1024}, 1, 64),
    "bytes inflated": (LIFTED, 1, pdf_reading.INFLATED_BYTES // (1024 * 1024) + 1),
}


@pytest.mark.parametrize("budget", BUDGETS)
def test_each_budget_alone_stops_the_reading_of_a_hostile_pdf(monkeypatch, budget):
    limits, pages, megabytes = BUDGETS[budget]
    for name, value in limits.items():
        monkeypatch.setattr(pdf_reading, name, value)
    hostile = hostile_pdf("Any text.", pages=pages, megabytes=megabytes)
    started = time.monotonic()
    reading = pdf_reading.UploadReader(hostile).visible_text(verification.MAX_PAGES_READ)
    assert reading.failure is pdf_reading.Failure.too_complex
    assert time.monotonic() - started < 30  # unbounded, the reading takes minutes on a loaded machine


def swapped(data: bytes, old: bytes, new: bytes) -> bytes:
    """Return the PDF with `old` replaced by `new`, padded with spaces so that every offset stays right."""
    assert old in data and len(new) <= len(old)
    return data.replace(old, new.ljust(len(old)))


def encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    return written(writer)


DAMAGED = "This file is not a PDF that can be read: it may be damaged."
MALFORMED_PDFS = {
    "page tree whose /Kids is not an array": (lambda pdf: swapped(pdf, b"/Kids [ 4 0 R ]", b"/Kids 4 0 R"), DAMAGED),
    "page tree whose /Kids holds itself": (lambda pdf: swapped(pdf, b"/Kids [ 4 0 R ]", b"/Kids [ 2 0 R ]"), DAMAGED),
    "truncated file": (lambda pdf: pdf[: len(pdf) // 2], DAMAGED),
    "broken cross-reference table": (lambda pdf: swapped(pdf, b"xref\n0 9", b"xref\n0 x"), DAMAGED),
    "encrypted file": (encrypted, "This PDF is encrypted"),
    "embedded-file tree whose /Names is not an array": (
        lambda pdf: swapped(pdf, rb"/Names [ (canonical\055text\056txt) 6 0 R ]", b"/Names 6 0 R"),
        "This PDF carries no text of ours",
    ),
    "embedded-file tree whose /Kids holds itself": (
        lambda pdf: swapped(pdf, rb"/Names [ (canonical\055text\056txt) 6 0 R ]", b"/Kids [ 8 0 R ]"),
        "This PDF carries no text of ours",
    ),
}


@pytest.mark.parametrize("damage", MALFORMED_PDFS)
def test_a_malformed_pdf_carrying_the_adopted_text_gets_a_clear_refusal(client, tokyo, damage):
    # Made by pypdf, uncompressed: objects 2 (the pages), 4 (the page), 6 (the file) and 8 (the name tree).
    damaged, message = MALFORMED_PDFS[damage]
    response = upload(client, damaged(blank_pdf(adopted_text(tokyo))))
    assert response.status_code == 422, damage
    assert message in text_of(response), damage


# Rate limit

def test_uploads_are_rate_limited_per_client_and_the_page_and_fingerprints_are_not(tmp_path):
    client = app_with(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                      VERIFY_RATE_LIMIT="2 per minute").test_client()
    responses = [upload(client, blank_pdf()) for _ in range(3)]
    assert [response.status_code for response in responses] == [422, 422, 429]
    assert "Too many attempts from your address" in text_of(responses[-1])
    assert client.get("/verify").status_code == 200
    assert client.get("/verify/abc").status_code == 422  # refused as malformed, not as too many
