"""The clause-template library."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.users import User


class TemplateCategory(enum.Enum):
    cooperation = "cooperation"
    climate = "climate"
    environment = "environment"
    crisis_management = "crisis_management"
    health = "health"
    economy = "economy"
    partnership = "partnership"
    culture = "culture"
    human_resources = "human_resources"
    next_meeting = "next_meeting"
    closing = "closing"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    TemplateCategory.cooperation: "Solidarity and cooperation",
    TemplateCategory.climate: "Climate and the low-carbon city",
    TemplateCategory.environment: "Water, air and waste",
    TemplateCategory.crisis_management: "Crisis management and disasters",
    TemplateCategory.health: "Infectious diseases and health",
    TemplateCategory.economy: "Economic exchange and industry",
    TemplateCategory.partnership: "Public-private partnership",
    TemplateCategory.culture: "Culture, sports and youth",
    TemplateCategory.human_resources: "Human resources",
    TemplateCategory.next_meeting: "Next meeting",
    TemplateCategory.closing: "Closing formula",
}


class ClauseTemplate(db.Model):
    __tablename__ = "clause_templates"
    __table_args__ = (
        limits.length_check("name", limits.NAME, 1),
        limits.length_check("language", limits.LANGUAGE, 2),
        limits.length_check("heading", limits.HEADING),
        limits.length_check("body", limits.CLAUSE_BODY, 1),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # How drafters find it in the library, e.g. "Joint projects continue".
    name: Mapped[str] = mapped_column(String(limits.NAME))
    category: Mapped[TemplateCategory] = mapped_column(
        Enum(TemplateCategory, native_enum=False, length=30, validate_strings=True), index=True
    )
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE), index=True)
    # Heading and body may hold placeholders such as {{host_city}}; see drafting.domain.text.placeholders.
    heading: Mapped[str | None] = mapped_column(String(limits.HEADING))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock: see drafting.domain.locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # A retired template is no longer offered; it stays readable, and clauses made from it keep their link.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    retired_by: Mapped[User | None] = relationship(foreign_keys=[retired_by_id])

    def __repr__(self) -> str:
        return f"<ClauseTemplate {self.id} {self.name!r} [{self.category.value}/{self.language}]>"
