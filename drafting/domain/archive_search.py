"""Searching the archive of adopted declarations: by network, year of adoption, host country and words."""

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import or_, select

from drafting.domain import published_record
from drafting.domain.clock import as_utc
from drafting.domain.publication import adopted_moment, adopted_texts
from drafting.domain.published_record import PublishedRecord
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, Version
from drafting.models.organizations import country_name

# The host's country and the network's name as the declaration was adopted, not as they read now.
_host_country = Declaration.published_record[("host", "country")].as_string()
_network_name = Declaration.published_record[("network", "name")].as_string()


@dataclass(frozen=True)
class ArchiveEntry:
    """One adopted declaration in a list, with the fingerprint of the text it adopted."""

    declaration: Declaration
    fingerprint: str

    @property
    def record(self) -> PublishedRecord:
        """Return who the declaration names, and how, as frozen at adoption."""
        return published_record.of(self.declaration)

    @property
    def adopted_at(self) -> datetime:
        return adopted_moment(self.declaration)


@dataclass(frozen=True)
class ArchiveChoices:
    """The values the archive's filters offer: only those some adopted declaration has."""

    networks: list[tuple[int, str]]  # id and name as published, by name
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
    query = adopted_texts(Declaration, Version.fingerprint).order_by(
        Declaration.adopted_at.desc(), Declaration.id.desc()
    )
    if network_id is not None:
        query = query.where(Declaration.network_id == network_id)
    if year is not None:
        query = query.where(
            Declaration.adopted_at >= datetime(year, 1, 1, tzinfo=timezone.utc),
            Declaration.adopted_at < datetime(year + 1, 1, 1, tzinfo=timezone.utc),
        )
    if country:
        query = query.where(_host_country == country)
    for word in words.split():
        pattern = _containing(word)
        query = query.where(
            or_(Declaration.title.ilike(pattern, escape="\\"), Version.canonical_text.ilike(pattern, escape="\\"))
        )
    return [ArchiveEntry(declaration, fingerprint) for declaration, fingerprint in db.session.execute(query)]


def choices() -> ArchiveChoices:
    """Return the networks, years of adoption and host countries of the adopted declarations, in one query.

    A network renamed between two adoptions is offered under the name of its latest one.
    """
    rows = db.session.execute(
        select(Declaration.adopted_at, Declaration.network_id, _network_name, _host_country)
        .where(Declaration.state == DeclarationState.adopted, Declaration.published_record.is_not(None))
        .order_by(Declaration.adopted_at, Declaration.id)
    ).all()
    networks = {network_id: name for _, network_id, name, _ in rows if network_id is not None}
    return ArchiveChoices(
        networks=sorted(networks.items(), key=lambda network: network[1].casefold()),
        years=sorted({as_utc(adopted_at).astimezone(timezone.utc).year for adopted_at, _, _, _ in rows}, reverse=True),
        countries=sorted({code for _, _, _, code in rows}, key=lambda code: country_name(code).casefold()),
    )
