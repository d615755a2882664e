"""The outbox: e-mails written in the transaction of the change they report, sent after its commit."""

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits


class OutgoingMessage(db.Model):
    """One e-mail to one recipient: waiting (neither sent nor failed), sent, or failed for good."""

    __tablename__ = "outgoing_messages"
    __table_args__ = (
        limits.length_check("recipient", limits.EMAIL, 3),
        limits.length_check("subject", limits.MAIL_SUBJECT, 1),
        limits.length_check("reply_to", limits.REPLY_TO, 3),
        limits.length_check("last_error", limits.MAIL_ERROR),
        # The senders look for the waiting messages that are due, oldest first.
        Index("ix_outgoing_messages_waiting", "sent_at", "failed_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(limits.EMAIL))
    subject: Mapped[str] = mapped_column(String(limits.MAIL_SUBJECT))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # "Name <address>" of the person a "Reply" reaches: who did what the message reports.
    reply_to: Mapped[str | None] = mapped_column(String(limits.REPLY_TO))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Not sent before this moment: set when a sender takes the message, so that another sender
    # leaves it alone while it is being sent, and then it is the time of the next retry.
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(limits.MAIL_ERROR))

    @property
    def status(self) -> str:
        """Return "sent", "failed" or "waiting"."""
        return "sent" if self.sent_at else "failed" if self.failed_at else "waiting"

    def __repr__(self) -> str:
        return f"<OutgoingMessage {self.id} to {self.recipient} {self.status}>"
