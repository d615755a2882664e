"""Forms that created something, by the random key each carried (drafting.web.submitted_once)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from drafting.domain.clock import utcnow
from drafting.extensions import db


class FormSubmission(db.Model):
    __tablename__ = "form_submissions"

    # 32 random bytes in URL-safe base64, made when the form was shown.
    key: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<FormSubmission by {self.user_id} at {self.submitted_at}>"
