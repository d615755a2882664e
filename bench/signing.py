"""What signing adds to adoption and to /verify: `.venv/bin/python -m bench.signing`.

In a temporary SQLite database it builds bench/pdf.py's declarations, then for the adopted
45-participant declaration and the Japanese one prints, as medians of 10 in a warm process: the
render of the signed PDF (what adoption makes, twice: A4 and US Letter), the signing alone, the
signing with an RFC 3161 timestamp from a timestamp authority on loopback, and the verification
of an upload of the signed file (its signature checked in the reading process) against one of the
unsigned file. Target: signing under a tenth of the render.
"""

import http.server
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from asn1crypto import keys, tsp, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

RUNS = 10
TIMESTAMP_AUTHORITY = "Loopback Timestamp Authority"


@contextmanager
def loopback_timestamp_authority(name: str = TIMESTAMP_AUTHORITY) -> Iterator[str]:
    """Serve RFC 3161 timestamps over HTTP on 127.0.0.1, signed by a certificate made now; yield the URL."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
    )

    class Authority(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # the bench's and the tests' output is their own

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Authority)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def median_seconds(action: Callable[[], object]) -> float:
    action()  # warm up
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def unsigned_revision(content: bytes) -> bytes:
    """Return the file as WeasyPrint wrote it: the signature is an incremental update after its end."""
    return content[: content.index(b"%%EOF") + len(b"%%EOF")] + b"\n"


def main() -> None:
    import tempfile
    from pathlib import Path

    from bench.pdf import app_for, build
    from drafting.domain import verification
    from drafting.extensions import db
    from drafting.models import Declaration
    from drafting.rendering import signing, stored_pdfs

    with tempfile.TemporaryDirectory() as folder:
        app = app_for(Path(folder) / "bench.sqlite")
        with app.app_context():
            db.create_all()
            cases = build()
            for name in ("final, 3 clauses, 45 participants in 14 countries", "Japanese declaration"):
                declaration = db.session.get(Declaration, cases[name]["declaration"])
                signed, _ = stored_pdfs.render_adopted(declaration)
                unsigned = unsigned_revision(signed)
                render = median_seconds(lambda: stored_pdfs.render_adopted(declaration))
                sign = median_seconds(lambda: signing.sign(unsigned))
                with loopback_timestamp_authority() as url:
                    app.config["TIMESTAMP_URL"] = url
                    stamped = median_seconds(lambda: signing.sign(unsigned))
                    app.config["TIMESTAMP_URL"] = None
                verify_signed = median_seconds(lambda: verification.verify_pdf(signed))
                verify_unsigned = median_seconds(lambda: verification.verify_pdf(unsigned))
                print(f"{name}:\n"
                      f"  render and sign: {render:.3f} s; of which signing {sign * 1000:.0f} ms "
                      f"({sign / render:.0%}), {len(signed) - len(unsigned):,} bytes added to {len(unsigned):,}\n"
                      f"  signing with a timestamp from loopback: {stamped * 1000:.0f} ms\n"
                      f"  /verify of an upload: signed {verify_signed * 1000:.0f} ms, "
                      f"unsigned {verify_unsigned * 1000:.0f} ms (medians of {RUNS})")


if __name__ == "__main__":
    main()
