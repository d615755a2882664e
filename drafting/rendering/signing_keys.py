"""The platform's signing key and certificate: the configured PKCS#12 file, or a self-signed one.

Production signs with the file SIGNING_KEY_FILE names (config.ProductionConfig refuses to start
without one). Development, the demonstration and the tests sign with a self-signed key that is made
the first time it is needed, in the instance folder (or the tests' SELF_SIGNED_KEY_FILE), so that
`make run` signs the demonstration's PDFs with no step of its own and no key is ever committed.
`flask --app drafting signing make-key FILE` makes a self-signed file for a production to start with.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app

SELF_SIGNED_NAME = "self-signed-signing-key.p12"
DEVELOPMENT_COMMON_NAME = "drafting development (self-signed)"
RSA_BITS = 2048
# A certificate's validity starts a day early, so that a clock a little behind still accepts it.
CLOCK_SKEW = timedelta(days=1)


@dataclass(frozen=True)
class KeyFile:
    """Where the platform's PKCS#12 file is, and its password."""

    path: Path
    password: str | None


def platform_key_file() -> KeyFile:
    """Return the configured key file, or the self-signed one, made now if it does not exist yet."""
    configured = current_app.config["SIGNING_KEY_FILE"]
    if configured:
        return KeyFile(Path(configured), current_app.config["SIGNING_KEY_PASSWORD"])
    path = Path(current_app.config["SELF_SIGNED_KEY_FILE"] or Path(current_app.instance_path) / SELF_SIGNED_NAME)
    if not path.exists():
        try:
            make_self_signed(path, DEVELOPMENT_COMMON_NAME, password=None, years=10)
        except FileExistsError:
            pass  # another process made it meanwhile: sign with that one, as every process will
    return KeyFile(path, None)


def make_self_signed(path: Path, common_name: str, password: str | None, years: int) -> None:
    """Write a new key and its self-signed certificate as a PKCS#12 file; raise FileExistsError rather than replace one.

    The key is RSA: pyHanko declares a signature by an ECDSA key on the usual curves an extension of
    PDF 2.0 (ISO/TS 32002) and raises the file's version to 2.0, which PDF/A-3 is not.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # What PDF signing checks: digital signature, and non-repudiation (content commitment).
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    content = pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: link fails on an existing file, so two processes
    # making the key at once keep the first one's, never half of one nor a replaced one.
    descriptor, aside = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        with os.fdopen(descriptor, "wb") as written:
            written.write(content)
        os.link(aside, path)
    finally:
        os.unlink(aside)
