"""Declarations, their clauses and their participants."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, Enum, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.extensions import db
from drafting.models import limits
from drafting.models.clause_templates import ClauseTemplate
from drafting.models.organizations import Network, Organization
from drafting.models.users import User

if TYPE_CHECKING:
    from drafting.models.versions import Version


class DeclarationState(enum.Enum):
    drafting = "drafting"
    consultation = "consultation"
    affirmation = "affirmation"
    adopted = "adopted"
    withdrawn = "withdrawn"


class DeclarationLayout(enum.Enum):
    # The 2024 model: participants listed by country after the closing formula.
    listed_by_country = "listed_by_country"
    # The older ANMC21 model: members named in the opening paragraph, place and date at the end.
    named_in_opening = "named_in_opening"


class DatePosition(enum.Enum):
    """Where the date line stands in the document."""

    title = "title"  # under the title
    end = "end"  # at the end, with the place
    both = "both"
    none = "none"


class ParticipantRole(enum.Enum):
    host = "host"  # the host, or a co-host sharing the host's rights
    participant = "participant"
    observer = "observer"  # comments, but is never listed as affirming


class CoHostStatus(enum.Enum):
    # Named co-host by a host drafter: until its own people accept, the organization keeps the role it
    # had (observer when it was invited as co-host) and no host's right.
    proposed = "proposed"
    accepted = "accepted"  # its role is host
    declined = "declined"


def _enum(enum_class: type[enum.Enum]) -> Enum:
    return Enum(enum_class, native_enum=False, length=20, validate_strings=True)


class Declaration(db.Model):
    __tablename__ = "declarations"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        limits.length_check("title", limits.NAME, 1),
        limits.length_check("subtitle", limits.SHORT_TEXT),
        limits.length_check("meeting_name", limits.NAME, 1),
        limits.length_check("meeting_acronym", limits.ACRONYM),
        limits.length_check("place", limits.NAME, 1),
        limits.length_check("preamble", limits.PREAMBLE),
        limits.length_check("closing_formula", limits.CLOSING_FORMULA),
        limits.length_check("header", limits.NAME),
        limits.length_check("opening", limits.OPENING),
        limits.length_check("date_line", limits.DATE_LINE),
        limits.length_check("list_heading", limits.HEADING),
        limits.length_check("language", limits.LANGUAGE, 2),
        # The archive's order (drafting.domain.archive_search): a page of the adopted declarations, newest adoption
        # first, their count, networks and years, read from this index rather than from every declaration.
        Index("ix_declarations_state_adopted_at", "state", "adopted_at", "id", "network_id"),
        # The same within a network: its page of the archive, and the latest adoption of each network for the choices.
        Index("ix_declarations_state_network_id", "state", "network_id", "adopted_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(limits.NAME))
    # The theme, printed as a subtitle.
    subtitle: Mapped[str | None] = mapped_column(String(limits.SHORT_TEXT))
    meeting_name: Mapped[str] = mapped_column(String(limits.NAME))
    # The meeting's number in its series: 13 for the "13th Asia Smart City Conference".
    meeting_number: Mapped[int | None] = mapped_column(Integer)
    # The short header of the document, e.g. "ASCC"; the year is added when printed.
    meeting_acronym: Mapped[str | None] = mapped_column(String(limits.ACRONYM))
    place: Mapped[str] = mapped_column(String(limits.NAME))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    host_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id"), index=True)
    # ISO 639-1 code of the declaration's language.
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE))
    preamble: Mapped[str] = mapped_column(Text, default="")
    # The parts the application writes a default for (drafting.domain.text.document_parts): the host's
    # own text, or None while the part is the default, written anew from the details whenever composed.
    header: Mapped[str | None] = mapped_column(String(limits.NAME))
    opening: Mapped[str | None] = mapped_column(Text)
    date_line: Mapped[str | None] = mapped_column(String(limits.DATE_LINE))
    closing_formula: Mapped[str | None] = mapped_column(Text)
    list_heading: Mapped[str | None] = mapped_column(String(limits.HEADING))
    # Where the date line stands; None: the layout's default (under the title, and at the end in the older layout).
    date_position: Mapped["DatePosition | None"] = mapped_column(_enum(DatePosition))
    # Whether the hosts are listed among the participants; None: the layout's default.
    hosts_listed: Mapped[bool | None] = mapped_column(Boolean)
    # The host's order of the participants' countries, as ISO 3166 codes; None: by name. A country
    # missing from it comes after those in it, by name.
    country_order: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    layout: Mapped[DeclarationLayout] = mapped_column(_enum(DeclarationLayout))
    state: Mapped[DeclarationState] = mapped_column(_enum(DeclarationState), default=DeclarationState.drafting)
    # Optimistic lock: see drafting.domain.locking.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who the adopted declaration names, and how, as drafting.domain.published_record froze it at adoption;
    # None until then.
    published_record: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    host: Mapped[Organization] = relationship()
    network: Mapped[Network | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    clauses: Mapped[list["Clause"]] = relationship(
        back_populates="declaration", order_by="Clause.position", cascade="all, delete-orphan"
    )
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="declaration", cascade="all, delete-orphan"
    )
    versions: Mapped[list["Version"]] = relationship(back_populates="declaration", order_by="Version.number")

    @property
    def host_organization_ids(self) -> set[int]:
        """Return the ids of the host and every co-host."""
        return {self.host_id} | {p.organization_id for p in self.participants if p.role is ParticipantRole.host}

    @property
    def invited_participants(self) -> list["Participant"]:
        """Return the participants invited as participant or observer: every one but the hosts."""
        return [p for p in self.participants if p.role is not ParticipantRole.host]

    @property
    def listed_participants(self) -> list["Participant"]:
        """Return the participants the text lists and asks to answer: hosts and participants, never observers."""
        return [p for p in self.participants if p.role is not ParticipantRole.observer]

    def __repr__(self) -> str:
        return f"<Declaration {self.id} {self.title!r} {self.state.value}>"


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("declaration_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole))
    # The host's order of the participants: within each country in the listed layout, of the names in the
    # older layout's opening. None keeps alphabetical order.
    position: Mapped[int | None] = mapped_column(Integer)
    invited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Where a proposal to co-host stands; None if the organization was never named co-host.
    co_host_status: Mapped[CoHostStatus | None] = mapped_column(_enum(CoHostStatus))
    # When the host last reminded this participant to answer the final text: at most once a day.
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    declaration: Mapped[Declaration] = relationship(back_populates="participants")
    organization: Mapped[Organization] = relationship()

    @property
    def is_host(self) -> bool:
        """Tell whether the participant is the declaration's own host (not a co-host)."""
        return self.organization_id == self.declaration.host_id

    @property
    def is_co_host(self) -> bool:
        """Tell whether the participant shares the host's rights without being the host."""
        return self.role is ParticipantRole.host and not self.is_host

    @property
    def co_host_proposed(self) -> bool:
        """Tell whether the organization is named co-host and has not answered yet."""
        return self.co_host_status is CoHostStatus.proposed

    def __repr__(self) -> str:
        return f"<Participant {self.organization_id} in {self.declaration_id} as {self.role.value}>"


class Clause(db.Model):
    __tablename__ = "clauses"
    __table_args__ = (
        limits.length_check("heading", limits.HEADING),
        limits.length_check("body", limits.CLAUSE_BODY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    # 1-based; the printed clause number.
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(String(limits.HEADING))
    # Plain paragraphs separated by blank lines, with the small markup of drafting.domain.text.markup.
    body: Mapped[str] = mapped_column(Text, default="")
    template_id: Mapped[int | None] = mapped_column(ForeignKey("clause_templates.id"), index=True)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock: see drafting.domain.locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="clauses")
    template: Mapped[ClauseTemplate | None] = relationship()

    def __repr__(self) -> str:
        return f"<Clause {self.id} #{self.position} of {self.declaration_id}>"
