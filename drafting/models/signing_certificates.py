"""The certificates the platform has signed adopted PDFs with (drafting.domain.signing_certificates)."""

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from drafting.domain.clock import utcnow
from drafting.extensions import db


class SigningCertificate(db.Model):
    __tablename__ = "signing_certificates"

    # The SHA-256 of the DER, in hexadecimal.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    der: Mapped[bytes] = mapped_column(LargeBinary)
    first_signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<SigningCertificate {self.sha256[:12]} since {self.first_signed_at}>"
