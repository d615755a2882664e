"""The adopted PDF is signed (PAdES) by the platform's key, timestamped when a server is configured,
still PDF/A-3a and PDF/UA-1, and /verify says who signed an upload, when, and whether it changed since.

Every PDF here is real and read back: pyHanko and pypdf for the signature, page-validation for
PDF/A. The timestamp authority is a real HTTP server on loopback that answers with pyHanko's
DummyTimeStamper: nothing reaches the internet.
"""

import io
import os
import time

import page
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.signers import pdf_cms
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from bench.signing import TIMESTAMP_AUTHORITY, loopback_timestamp_authority, unsigned_revision
from drafting.domain import verification
from drafting.extensions import db
from drafting.models import Answer, AuditEvent, DeclarationState, StoredPdf
from drafting.rendering import pdf, pdf_reading, signing, stored_pdfs
from drafting.rendering.signing_keys import make_self_signed
# The fixture adopt is shared with the archive's tests, the upload helper with the verification's.
from tests.conftest import ADOPTED_IN_SESSION, adopt_as_confirmed
from tests.test_archive import adopt  # noqa: F401
from tests.test_verify import text_of, upload

KEY_PASSWORD = "a password for the platform's key"


@pytest.fixture
def tokyo(adopt):  # noqa: F811
    return adopt(title="Tokyo Declaration", answers={"Seoul/KR": Answer.affirmed})


def published(client, declaration) -> bytes:
    response = client.get(f"/declarations/{declaration.id}/declaration.pdf")
    assert response.status_code == 200
    return response.data


def only_signature(content: bytes):
    signatures = PdfFileReader(io.BytesIO(content)).embedded_regular_signatures
    assert len(signatures) == 1
    return signatures[0]


def conformance_failures(content: bytes, path) -> set[str]:
    """Return the rules of PDF/A-3a and PDF/UA-1 the file breaks, as page-validation checks them."""
    path.write_bytes(content)
    return {failure.rule_id for profile in (page.ValidationProfile.PDF_A_3A, page.ValidationProfile.PDF_UA_1)
            for failure in page.validate_pdf(str(path), profile=profile).failures}


def signed_by(common_name: str, path) -> signers.SimpleSigner:
    make_self_signed(path, common_name, KEY_PASSWORD, years=1)
    return signers.SimpleSigner.load_pkcs12(str(path), passphrase=KEY_PASSWORD.encode())


# Signing on adoption

def test_the_adopted_pdfs_are_signed_by_the_configured_key(app, runner, adopted_with_a_configured_key):
    declaration, key_file = adopted_with_a_configured_key
    configured = signers.SimpleSigner.load_pkcs12(str(key_file), passphrase=KEY_PASSWORD.encode()).signing_cert
    for page_size in pdf.PAGE_SIZES:
        content = stored_pdfs.adopted_pdf(declaration, page_size).content
        signature = only_signature(content)
        assert signature.signer_cert.dump() == configured.dump()
        assert signature.signer_cert.subject.human_friendly == "Common Name: Declarations of the test suite"
        assert signature.md_algorithm == "sha256"
        # The PDF stays 1.7: SHA-384 or an ECDSA key would have raised it to 2.0, which PDF/A-3 is not.
        assert content.startswith(b"%PDF-1.7")
        assert PdfReader(io.BytesIO(content)).trailer["/Root"].get("/Version") in (None, "/1.7")


@pytest.fixture
def adopted_with_a_configured_key(app, runner, monkeypatch, tmp_path, adopt):  # noqa: F811
    """Adopt a declaration with SIGNING_KEY_FILE set to a file made by `flask signing make-key`; yield it and the file."""
    key_file = tmp_path / "platform.p12"
    monkeypatch.setitem(app.config, "SIGNING_KEY_PASSWORD", KEY_PASSWORD)
    made = runner.invoke(args=["signing", "make-key", str(key_file), "--name", "Declarations of the test suite"])
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["signing", "make-key", str(key_file)]).exit_code != 0  # never replaced
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(key_file))
    return adopt(title="Tokyo Declaration", answers={"Seoul/KR": Answer.affirmed}), key_file


def test_any_reader_finds_a_signature_field_covering_the_whole_file(client, tokyo):
    content = published(client, tokyo)
    catalog = PdfReader(io.BytesIO(content)).trailer["/Root"]
    [field] = [f.get_object() for f in catalog["/AcroForm"]["/Fields"]]
    assert (field["/FT"], field["/T"]) == ("/Sig", signing.FIELD_NAME)
    value = field["/V"].get_object()
    assert (value["/Type"], value["/Filter"], value["/SubFilter"]) == ("/Sig", "/Adobe.PPKLite", "/ETSI.CAdES.detached")
    start, first_length, second_start, second_length = value["/ByteRange"]
    assert start == 0 and second_start + second_length == len(content)
    # A certification signature: readers flag any change made after it.
    assert catalog["/Perms"]["/DocMDP"].get_object()["/ByteRange"] == value["/ByteRange"]
    # Invisible: a widget of no size, printed (PDF/A wants the flag) on the first page.
    widget = field if "/Rect" in field else field["/Kids"][0].get_object()
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0] and widget["/F"] & 4
    assert only_signature(content).signer_cert.subject.human_friendly.endswith("drafting development (self-signed)")
    assert catalog.get("/Version") in (None, "/1.7")


def test_signing_keeps_the_text_the_fingerprint_and_the_very_file_verification(client, tokyo):
    content = published(client, tokyo)
    reader = PdfReader(io.BytesIO(content))
    assert reader.attachments[pdf.CANONICAL_TEXT_NAME][0].decode() == tokyo.versions[-1].canonical_text
    html = text_of(upload(client, content))
    assert "This is the very file we published: “Tokyo Declaration”" in html
    assert "It was signed by this platform, Common Name: drafting development (self-signed)," in html
    assert "Nothing in the file changed since it was signed." in html
    assert "Tokyo Declaration" in text_of(client.get(f"/verify/{tokyo.versions[-1].fingerprint}"))


def test_the_signed_pdf_is_as_pdf_a_3a_and_pdf_ua_1_as_the_unsigned_one(client, tokyo, tmp_path):
    content = published(client, tokyo)
    unsigned = unsigned_revision(content)
    assert not PdfFileReader(io.BytesIO(unsigned)).embedded_signatures
    # Signing adds no failure: it keeps WeasyPrint's XMP, and its field is described and tagged.
    assert conformance_failures(unsigned, tmp_path / "unsigned.pdf") == set()
    assert conformance_failures(content, tmp_path / "signed.pdf") == set()
    reader = PdfReader(io.BytesIO(content))
    field = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    assert field["/TU"] == "Signature of the drafting platform certifying this declaration"
    # The XMP is the very stream WeasyPrint wrote: the signature's update leaves it alone.
    assert (reader.trailer["/Root"]["/Metadata"].get_data()
            == PdfReader(io.BytesIO(unsigned)).trailer["/Root"]["/Metadata"].get_data())


def test_a_signature_made_with_a_timestamp_server_carries_its_token(app, client, adopt, timestamp_server,  # noqa: F811
                                                                    monkeypatch):
    url, authority = timestamp_server
    monkeypatch.setitem(app.config, "TIMESTAMP_URL", url)
    declaration = adopt(title="Tokyo Declaration", answers={"Seoul/KR": Answer.affirmed})
    content = published(client, declaration)
    unsigned_attributes = only_signature(content).signer_info["unsigned_attrs"]
    assert [attribute["type"].native for attribute in unsigned_attributes] == ["signature_time_stamp_token"]
    html = text_of(upload(client, content))
    assert f"a time that Common Name: {authority} vouches for with a timestamp of" in html
    assert "Nothing in the file changed since it was signed." in html


def test_while_the_timestamp_server_does_not_answer_adopting_is_refused_and_changes_nothing(
        app, client, login_as, make_declaration, make_user, circulate, propose_final, monkeypatch):
    # An adopted PDF is never published without the timestamp that the configuration asks for.
    declaration = make_declaration(clauses=1)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)
    db.session.commit()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    monkeypatch.setitem(app.config, "TIMESTAMP_URL", "http://127.0.0.1:9/")  # the discard port: nothing listens
    login_as(drafter)
    response = adopt_as_confirmed(client, declaration.id, ADOPTED_IN_SESSION)
    assert "The timestamp server http://127.0.0.1:9/ gave no timestamp" in text_of(response)
    assert "Nothing is adopted: try again when it answers." in text_of(response)
    db.session.expire_all()
    assert declaration.state is DeclarationState.affirmation and declaration.adopted_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert not db.session.scalar(select(func.count()).select_from(StoredPdf).where(StoredPdf.kind == pdf.ADOPTED))


@pytest.fixture
def timestamp_server():
    """Serve RFC 3161 timestamps over HTTP on 127.0.0.1; yield the URL and the authority's name."""
    with loopback_timestamp_authority() as url:
        yield url, TIMESTAMP_AUTHORITY


# /verify of signed uploads

def appended(content: bytes) -> bytes:
    """Return the PDF with an incremental update appended: every signed byte stays, a new title follows."""
    writer = PdfWriter(io.BytesIO(content), incremental=True)
    writer.add_metadata({"/Title": "Changed after signing"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_changed_after_signing_is_said_to_be_so(client, tokyo):
    content = published(client, tokyo)
    changed = appended(content)
    assert changed.startswith(content)
    html = text_of(upload(client, changed))
    assert "but this file differs from the one we published" in html
    assert "It was signed by this platform" in html
    assert "but the file was changed after it was signed: something was appended to the signed file." in html
    assert "Nothing in the file changed since it was signed." not in html


def test_a_pdf_signed_by_another_key_is_said_not_to_be_signed_by_us(client, tokyo, tmp_path):
    unsigned = unsigned_revision(published(client, tokyo))
    forged = signing.sign(unsigned, signer=signed_by("Mallory", tmp_path / "mallory.p12"))
    html = text_of(upload(client, forged))
    assert "but this file differs from the one we published" in html
    assert "It was signed by Common Name: Mallory on " in html
    assert "which is not this platform&#39;s certificate: that signature does not show that we published this file" in html


def test_a_pdf_of_ours_without_a_signature_is_said_to_carry_none(client, tokyo):
    html = text_of(upload(client, unsigned_revision(published(client, tokyo))))
    assert "It carries no signature." in html


def signature_contents(content: bytes) -> tuple[int, int]:
    """Return where the hex digits of the signature's /Contents start and end."""
    start = content.rindex(b"/Contents <") + len(b"/Contents <")
    return start, content.index(b">", start)


def flipped_signed_byte(content: bytes) -> bytes:
    # A letter of the reason given in the signature dictionary, a signed byte: still a readable PDF.
    at = content.rindex(b"by the platform")
    return content[:at] + b"B" + content[at + 1:]


def garbage_contents(content: bytes) -> bytes:
    start, end = signature_contents(content)
    return content[:start] + b"ab" * ((end - start) // 2) + content[end:]


def byte_range_past_the_end(content: bytes) -> bytes:
    # pyHanko pads the array with spaces up to the line's end, room enough for larger numbers.
    at = content.rindex(b"/ByteRange [")
    end = content.index(b"\n", at)
    wild = b"/ByteRange [0 %d %d 9999]" % (len(content), len(content) * 2)
    assert len(wild) <= end - at  # every offset of the file stays right
    return content[:at] + wild.ljust(end - at) + content[end:]


MALFORMED_SIGNATURES = {
    "a signed byte changed": (flipped_signed_byte, "that does not match the file"),
    "contents that are no CMS signature": (garbage_contents, "a signature that cannot be checked"),
    "a byte range past the end of the file": (byte_range_past_the_end, "that does not match the file"),
}


@pytest.mark.parametrize("damage", MALFORMED_SIGNATURES)
def test_a_malformed_signature_gets_a_clear_verdict(client, tokyo, damage):
    damaged, finding = MALFORMED_SIGNATURES[damage]
    response = upload(client, damaged(published(client, tokyo)))
    assert response.status_code == 200, damage
    html = text_of(response)
    assert finding in html, damage
    assert "Nothing in the file changed since it was signed." not in html


def test_a_signature_check_that_runs_out_of_time_is_told_and_the_verdict_on_the_text_stands(
        client, tokyo, monkeypatch):
    content = published(client, tokyo)

    def endless(data, trusted):
        while True:
            pass

    monkeypatch.setattr(signing, "signatures_in", endless)  # the reading process is a fork: it runs this
    started = time.monotonic()
    html = text_of(upload(client, content))
    assert time.monotonic() - started < 2
    assert "This is the very file we published: “Tokyo Declaration”" in html
    assert "Its signature could not be checked: that would take more time or memory than any PDF we publish needs." in html


def test_checking_signatures_stays_within_the_reading_budget(tokyo, client):
    content = published(client, tokyo)
    reading = pdf_reading.UploadReader(content).signatures([signing.platform_certificate().dump()])
    [found] = [signing.SignatureFound.from_json(found) for found in reading.signatures]
    assert found.trusted and found.whole_file and found.signed_at is not None
    assert verification.verify_pdf(content).very_file


def test_pdfs_signed_before_the_key_was_replaced_still_verify_as_ours(app, client, monkeypatch, tmp_path, tokyo):
    signed_before = published(client, tokyo)
    replacement = tmp_path / "replacement.p12"
    make_self_signed(replacement, "The replacement key", KEY_PASSWORD, years=1)
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(replacement))
    monkeypatch.setitem(app.config, "SIGNING_KEY_PASSWORD", KEY_PASSWORD)
    assert only_signature(signed_before).signer_cert.dump() != signing.platform_certificate().dump()

    html = text_of(upload(client, signed_before))
    assert "It was signed by this platform" in html and "Nothing in the file changed since it was signed." in html
    assert "not this platform" not in html


class TestCertificatesKept:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_the_migration_keeps_the_certificates_of_the_pdfs_published_before_it(self, tmp_path):
        from flask_migrate import downgrade, upgrade

        from drafting.demo import load_demo
        from drafting.domain import signing_certificates
        from drafting.models import SigningCertificate
        from tests.databases import migrated_application

        with migrated_application(tmp_path):
            load_demo()  # adopts the declarations of three past plenaries
            db.session.commit()
            db.session.close()
            downgrade(revision="c7d1e4a90b35")
            upgrade()
            kept = db.session.scalars(select(SigningCertificate.der)).all()
            assert kept == [signing.platform_certificate().dump()] == signing_certificates.trusted()


# The key, loaded once

def test_signing_many_pdfs_does_not_load_the_private_key_again(app, client, tokyo, monkeypatch):
    content = unsigned_revision(published(client, tokyo))
    signing.sign(content)  # the key file opened, the key loaded
    loads = []
    load = pdf_cms.serialization.load_der_private_key
    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key",
                        lambda *args, **kwargs: loads.append(1) or load(*args, **kwargs))
    signed = [signing.sign(content) for _ in range(3)]
    assert loads == []
    for each in signed:
        assert signed_intact(each)


def test_a_key_file_replaced_in_place_signs_with_the_new_key(app, client, tokyo, monkeypatch, tmp_path):
    content = unsigned_revision(published(client, tokyo))
    key_file = tmp_path / "platform.p12"
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(key_file))
    monkeypatch.setitem(app.config, "SIGNING_KEY_PASSWORD", KEY_PASSWORD)
    make_self_signed(key_file, "The first key", KEY_PASSWORD, years=1)
    assert only_signature(signing.sign(content)).signer_cert.subject.human_friendly == "Common Name: The first key"

    key_file.unlink()
    make_self_signed(key_file, "The second key", KEY_PASSWORD, years=1)
    os.utime(key_file, ns=(key_file.stat().st_atime_ns, key_file.stat().st_mtime_ns + 1_000_000_000))
    signed = signing.sign(content)
    assert only_signature(signed).signer_cert.subject.human_friendly == "Common Name: The second key"
    assert signed_intact(signed)


def signed_intact(content: bytes) -> bool:
    """Whether the PDF's one signature holds, checked as /verify checks it, against the certificate it names."""
    certificate = only_signature(content).signer_cert.dump()
    [found] = pdf_reading.UploadReader(content).signatures([certificate]).signatures
    return found["intact"] and found["trusted"]
