"""Organizations (cities, governments, institutions) and the networks they belong to."""

import enum
from datetime import date, datetime

import pycountry
from sqlalchemy import CheckConstraint, Date, DateTime, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from drafting.domain.clock import utcnow
from drafting.domain.text import wording
from drafting.extensions import db
from drafting.models import limits


def country_name(code: str, language: str = "en") -> str:
    """Return the name people use for an ISO 3166 alpha-2 country code, in a language the application writes.

    In English it is pycountry's common name, as the published lists and the archive have always
    printed it ("Myanmar", where CLDR's English says "Myanmar (Burma)"); in another language, CLDR's.
    """
    if wording.printed_language(language) != wording.SOURCE_LANGUAGE:
        return wording.locale_of(language).territories.get(code, code)
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


class OrganizationKind(enum.Enum):
    city = "city"
    government = "government"
    organization = "organization"


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        limits.length_check("name", limits.NAME, 1),
        limits.length_check("local_name", limits.NAME),
        # Two upper-case letters: each is its own upper case and differs from its lower case.
        CheckConstraint(
            "length(country) = 2 AND country = upper(country)"
            " AND substr(country, 1, 1) <> lower(substr(country, 1, 1))"
            " AND substr(country, 2, 1) <> lower(substr(country, 2, 1))",
            name="country_code",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(
        Enum(OrganizationKind, native_enum=False, length=20, validate_strings=True)
    )
    # ISO 3166-1 alpha-2, upper case; the UI shows country_name.
    country: Mapped[str] = mapped_column(String(2))
    # The name in the organization's own language, e.g. 東京都 for the Tokyo Metropolitan Government.
    local_name: Mapped[str | None] = mapped_column(String(limits.NAME))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list["NetworkMembership"]] = relationship(back_populates="organization")
    names: Mapped[list["OrganizationName"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="OrganizationName.language"
    )

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def named_in(self, language: str) -> str | None:
        """Return the organization's name in a language (ISO 639-1), None if nobody gave one.

        `name` is the English name: English pages and documents never need the names of other languages.
        """
        if language == wording.SOURCE_LANGUAGE:
            return self.name
        return next((name.name for name in self.names if name.language == language), None)

    def name_in(self, language: str) -> str:
        """Return the name a document in this language prints: the name in that language if known, else `name`."""
        return self.named_in(language) or self.name

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r} ({self.country})>"


class OrganizationName(db.Model):
    """An organization's name in one language: ソウル特別市 in Japanese for the Seoul Metropolitan Government."""

    __tablename__ = "organization_names"
    __table_args__ = (
        UniqueConstraint("organization_id", "language"),
        limits.length_check("name", limits.NAME, 1),
        limits.length_check("language", limits.LANGUAGE, 2),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # ISO 639-1, as Declaration.language.
    language: Mapped[str] = mapped_column(String(limits.LANGUAGE))
    name: Mapped[str] = mapped_column(String(limits.NAME))

    organization: Mapped[Organization] = relationship(back_populates="names")


class Network(db.Model):
    __tablename__ = "networks"
    __table_args__ = (
        limits.length_check("name", limits.NAME, 1),
        limits.length_check("acronym", limits.ACRONYM),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limits.NAME), unique=True)
    acronym: Mapped[str | None] = mapped_column(String(limits.ACRONYM))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list["NetworkMembership"]] = relationship(
        back_populates="network", cascade="all, delete-orphan", order_by="NetworkMembership.joined_on"
    )

    def members_on(self, day: date) -> list[Organization]:
        """Return the organizations that were members on the given day, by name."""
        members = [m.organization for m in self.memberships if m.is_current_on(day)]
        return sorted(members, key=lambda organization: organization.name.casefold())

    def __repr__(self) -> str:
        return f"<Network {self.id} {self.name!r}>"


class NetworkMembership(db.Model):
    """One period of membership: an organization that left and rejoined has two rows."""

    __tablename__ = "network_memberships"
    __table_args__ = (
        UniqueConstraint("network_id", "organization_id", "joined_on"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    network: Mapped[Network] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    def is_current_on(self, day: date) -> bool:
        """Tell whether this membership period covers the given day."""
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)

    def __repr__(self) -> str:
        return f"<NetworkMembership {self.organization_id} in {self.network_id} {self.joined_on}..{self.left_on}>"
