"""Signing adopted PDFs with the platform's key (PAdES), and checking the signatures of an uploaded PDF.

A signature is an incremental update of the rendered PDF/A-3a file: the file's bytes stay as
WeasyPrint wrote them, metadata included (drafting.rendering.signature_field), and the update adds
an invisible signature field, described and tagged for PDF/UA (readers list it in
their signature panel; a visible one would need room on a page that the layout does not leave)
and a CMS signature over every byte but its own. The signature certifies the document with
"no changes allowed", so a reader flags any later change. With TIMESTAMP_URL configured the
signature also carries an RFC 3161 timestamp token (PAdES B-T).

The digest is SHA-256: pyHanko raises a file signed with SHA-384 to PDF 2.0 (its issue #543),
which PDF/A-3 is not.
"""

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache

import aiohttp
from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import current_app
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from drafting.rendering.signature_field import MetadataKeepingWriter, add_tagged_signature_field
from drafting.rendering.signing_keys import platform_key_file

DIGEST = "sha256"
# The name readers show in their signature panel.
FIELD_NAME = "Adopted text"
REASON = "The declaration as adopted, published by the platform"
TIMESTAMP_SECONDS = 10
# Room for the CMS signature beyond the certificates it carries: attributes and an RSA signature
# of up to 4096 bits. Reserved outright, the signature is made once, not first as a dry run to
# measure it (each costs a load of the key, which checks an RSA key's primes).
SIGNATURE_ROOM = 4096
# A declaration carries one signature; an upload's first few are checked, never thousands.
MAX_SIGNATURES = 4
# A document-signing certificate asserts either: CAs issue both kinds.
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


class TimestampUnavailable(RuntimeError):
    """The configured timestamp server gave no timestamp: nothing is signed without the one the configuration asks for."""


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, with its private key loaded once rather than for every signature.

    SimpleSigner.sign_raw loads the key from its DER form each time it signs, and loading an RSA key
    checks its primes: about a third of what signing adds to an adopted PDF's render. Signatures of
    another mechanism than those of RSA are left to SimpleSigner as it is.
    """

    def __init__(self, loaded: signers.SimpleSigner):
        super().__init__(signing_cert=loaded.signing_cert, signing_key=loaded.signing_key,
                         cert_registry=loaded.cert_registry, signature_mechanism=loaded.signature_mechanism,
                         prefer_pss=loaded.prefer_pss, embed_roots=loaded.embed_roots)
        self._private_key = serialization.load_der_private_key(loaded.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the key loaded once: an RSA key in PKCS #1 v1.5, as pyHanko signs with one by default."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


@lru_cache(maxsize=4)
def _signer(path: str, modified: int, password: str | None) -> signers.SimpleSigner:
    # Cached per file and version of it: a PKCS#12 file takes a key derivation to open.
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)
    if signer is None:
        raise RuntimeError(f"The signing key file {path} cannot be opened: wrong password, or not PKCS#12.")
    return _KeptKeySigner(signer)


def platform_signer() -> signers.SimpleSigner:
    """Return the signer of the platform's key and certificate, as configured."""
    key_file = platform_key_file()
    return _signer(str(key_file.path), key_file.path.stat().st_mtime_ns, key_file.password)


def platform_certificate() -> x509.Certificate:
    """Return the platform's certificate: what /verify trusts."""
    return platform_signer().signing_cert


def _where_asyncio_may_run(work):
    # pyHanko's synchronous calls run its coroutines with asyncio.run, which a thread already running an
    # event loop (one driving a browser through Playwright, say) may not call: such a caller's signing
    # runs in a thread of its own.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(work).result()


def sign(content: bytes, signer: signers.Signer | None = None) -> bytes:
    """Return the PDF signed (PAdES) by the platform, or by another signer, timestamped if TIMESTAMP_URL is set."""
    url = current_app.config["TIMESTAMP_URL"]
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=REASON,
        location=current_app.config["SERVER_NAME"],
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    signer = signer or platform_signer()
    # A timestamp token's size is the authority's to decide: pyHanko then measures it with a dry run.
    certificates = {certificate.dump() for certificate in [signer.signing_cert, *signer.cert_registry]}
    reserved = None if url else SIGNATURE_ROOM + 2 * ((sum(map(len, certificates)) + 1) // 2)  # pyHanko wants it even
    writer = MetadataKeepingWriter(io.BytesIO(content))
    add_tagged_signature_field(writer, FIELD_NAME)
    try:
        output = _where_asyncio_may_run(lambda: signers.sign_pdf(
            writer,
            metadata,
            signer=signer,
            timestamper=HTTPTimeStamper(url, timeout=TIMESTAMP_SECONDS) if url else None,
            bytes_reserved=reserved,
        ))
    except (TimestampRequestError, aiohttp.ClientError, TimeoutError) as error:
        raise TimestampUnavailable(f"The timestamp server {url} gave no timestamp ({error or type(error).__name__}).") from error
    return output.getvalue()


@dataclass(frozen=True)
class SignatureFound:
    """What one signature of an uploaded PDF says, as checked: sent as JSON from the reading process."""

    signer: str | None = None  # the certificate's subject
    signed_at: datetime | None = None  # the time the signer's own clock gave
    timestamped_at: datetime | None = None  # the time a timestamp authority vouches for
    timestamp_authority: str | None = None
    intact: bool = False  # the bytes it covers are the bytes that were signed
    trusted: bool = False  # made with a trusted certificate (the platform's)
    whole_file: bool = False  # it covers the whole file: nothing was appended since
    unreadable: bool = False  # the signature could not be checked at all

    def to_json(self) -> dict:
        """Return it as JSON values."""
        found = asdict(self)
        for moment in ("signed_at", "timestamped_at"):
            found[moment] = found[moment].isoformat() if found[moment] else None
        return found

    @classmethod
    def from_json(cls, found: dict) -> "SignatureFound":
        """Read it back from to_json's values."""
        moments = {name: datetime.fromisoformat(found[name]) if found[name] else None
                   for name in ("signed_at", "timestamped_at")}
        return cls(**{**found, **moments})


def signatures_in(data: bytes, trusted: list[bytes]) -> list[dict]:
    """Check the first signatures of a PDF against the trusted certificates (DER); return them as JSON.

    Nothing is fetched: no certificate, no revocation list. Meant for the process that reads an
    upload within its limits (drafting.rendering.pdf_reading).
    """
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    roots = [x509.Certificate.load(certificate) for certificate in trusted]
    try:
        # Listing the signatures parses each one's CMS: a signature field whose value is no CMS
        # structure fails here, as the file itself parsed.
        embedded = reader.embedded_regular_signatures[:MAX_SIGNATURES]
    except MemoryError:
        raise
    except Exception:  # pyHanko's errors on a malformed signature are many; each means "cannot be checked"
        return [SignatureFound(unreadable=True).to_json()]
    return [_checked(signature, roots).to_json() for signature in embedded]


def _checked(embedded, roots: list[x509.Certificate]) -> SignatureFound:
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        # The difference analysis of what was appended is skipped: any byte after the signature is
        # a change to report, whatever it is, and analysing a hostile update costs time.
        status = validate_pdf_signature(embedded, context, key_usage_settings=KEY_USAGE, skip_diff=True)
    except Exception:  # a malformed signature raises errors of many kinds; each means "cannot be checked"
        return SignatureFound(unreadable=True)
    stamp = status.timestamp_validity
    stamped = stamp is not None and stamp.intact and stamp.valid
    return SignatureFound(
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt,
        timestamped_at=stamp.timestamp if stamped else None,
        timestamp_authority=stamp.signing_cert.subject.human_friendly if stamped else None,
        intact=status.intact and status.valid,
        trusted=status.intact and status.valid and status.trusted,
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
    )
