"""What each host drafter has seen of a declaration's desk of comments."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from drafting.extensions import db


class DeskVisit(db.Model):
    __tablename__ = "desk_visits"
    __table_args__ = (UniqueConstraint("user_id", "declaration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    # The newest comment, amendment or reply the desk showed the user; what came after is new to them.
    seen_up_to: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<DeskVisit of {self.user_id} to {self.declaration_id} up to {self.seen_up_to}>"
