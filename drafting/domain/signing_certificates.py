"""The platform's certificates: the one it signs with now, and every one it has signed an adopted PDF with.

/verify trusts a signature by any of them: replacing the signing key (a certificate about to
expire, a key rotated) must leave the PDFs signed before recognised as the platform's own.
"""

import hashlib

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import SigningCertificate
from drafting.rendering import signing


def remember(certificate: bytes) -> None:
    """Keep a certificate (DER) the platform has signed with, once, however many adoptions keep it at the same time."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(SigningCertificate)
        .values(sha256=hashlib.sha256(certificate).hexdigest(), der=certificate, first_signed_at=utcnow())
        .on_conflict_do_nothing()
    )


def trusted() -> list[bytes]:
    """Return the certificates (DER) a signature of the platform may carry: the current one first."""
    current = signing.platform_certificate().dump()
    kept = db.session.scalars(select(SigningCertificate.der).order_by(SigningCertificate.first_signed_at))
    return [current, *(certificate for certificate in kept if certificate != current)]
