"""Searching the archive of adopted declarations: by network, year of adoption, host country and words."""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, selectinload

from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, Network, Organization, Version
from drafting.models.organizations import country_name
from drafting.moments import as_utc
from drafting.publication import adopted_moment, adopted_texts


@dataclass(frozen=True)
class ArchiveEntry:
    """One adopted declaration in a list, with the fingerprint of the text it adopted."""

    declaration: Declaration
    fingerprint: str

    @property
    def adopted_at(self) -> datetime:
        return adopted_moment(self.declaration)


@dataclass(frozen=True)
class ArchiveChoices:
    """The values the archive's filters offer: only those some adopted declaration has."""

    networks: list[Network]
    years: list[int]  # newest first
    countries: list[str]  # ISO codes, by English name


def _containing(word: str) -> str:
    # The user's % and _ are letters to look for, not LIKE wildcards.
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def search(
    network_id: int | None = None, year: int | None = None, country: str | None = None, words: str = ""
) -> list[ArchiveEntry]:
    """Return the adopted declarations that pass every filter given, newest adoption first.

    Every word must appear, in any case, in the title or in the adopted text. The number of
    queries does not depend on the number of declarations.
    """
    query = (
        adopted_texts(Declaration, Version.fingerprint)
        .join(Organization, Organization.id == Declaration.host_id)
        .options(contains_eager(Declaration.host), selectinload(Declaration.network))
        .order_by(Declaration.adopted_at.desc(), Declaration.id.desc())
    )
    if network_id is not None:
        query = query.where(Declaration.network_id == network_id)
    if year is not None:
        query = query.where(
            Declaration.adopted_at >= datetime(year, 1, 1, tzinfo=timezone.utc),
            Declaration.adopted_at < datetime(year + 1, 1, 1, tzinfo=timezone.utc),
        )
    if country:
        query = query.where(Organization.country == country)
    for word in words.split():
        pattern = _containing(word)
        query = query.where(
            or_(Declaration.title.ilike(pattern, escape="\\"), Version.canonical_text.ilike(pattern, escape="\\"))
        )
    return [ArchiveEntry(declaration, fingerprint) for declaration, fingerprint in db.session.execute(query)]


def choices() -> ArchiveChoices:
    """Return the networks, years of adoption and host countries of the adopted declarations, in one query."""
    rows = db.session.execute(
        select(Declaration.adopted_at, Network, Organization.country)
        .join(Organization, Organization.id == Declaration.host_id)
        .outerjoin(Network, Network.id == Declaration.network_id)
        .where(Declaration.state == DeclarationState.adopted)
    ).all()
    networks = {network.id: network for _, network, _ in rows if network is not None}
    return ArchiveChoices(
        networks=sorted(networks.values(), key=lambda network: network.name.casefold()),
        years=sorted({as_utc(adopted_at).astimezone(timezone.utc).year for adopted_at, _, _ in rows}, reverse=True),
        countries=sorted({code for _, _, code in rows}, key=lambda code: country_name(code).casefold()),
    )
