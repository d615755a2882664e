"""Searching the archive of adopted declarations: by network, year of adoption, host country and words, a page at a time."""

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import ClassVar

from sqlalchemy import extract, false, func, literal, null, select, union_all
from sqlalchemy.orm import defer

from drafting.domain import archive_index
from drafting.domain.clock import as_utc
from drafting.domain.pages import Page
from drafting.domain.publication import adopted_moment
from drafting.domain.published_record import PublishedNetwork
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, Network, Version
from drafting.models.organizations import country_name

# What the list shows of the host and the network as the declaration was adopted, not as they read now,
# read in the query: the whole record (every participant, the certificate) is many times larger. Two
# parts rather than five names: PostgreSQL parses the whole record again for each one it reads.
_host = Declaration.published_record["host"]
_network = Declaration.published_record["network"]


# Declarations per page of the archive and of the API's list.
PAGE_SIZE = 20


@dataclass(frozen=True)
class ListedHost:
    """The host of an adopted declaration as its published record names it."""

    name: str
    country: str  # ISO 3166 alpha-2
    country_name: str


@dataclass(frozen=True)
class ArchiveEntry:
    """One adopted declaration in a list, with the fingerprint of the text it adopted, and its host and network as
    published (its `published_record` is not loaded).

    A search by words also gives its title and an excerpt of its text cut into parts, each marked
    True where it holds words searched for (archive_index.highlights); the page escapes every part.
    """

    declaration: Declaration
    fingerprint: str
    host: ListedHost
    network: PublishedNetwork | None
    title_parts: list[tuple[str, bool]]
    excerpt: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def adopted_at(self) -> datetime:
        return adopted_moment(self.declaration)


@dataclass(frozen=True)
class ArchivePage(Page):
    """One page of the declarations that pass a search, and where it stands among the others."""

    size: ClassVar[int] = PAGE_SIZE
    entries: list[ArchiveEntry]


@dataclass(frozen=True)
class ArchiveChoices:
    """The values the archive's filters offer: only those some adopted declaration has."""

    networks: list[tuple[int, str]]  # id and name as published, by name
    years: list[int]  # newest first
    countries: list[str]  # ISO codes, by English name


def search(
    network_id: int | None = None, year: int | None = None, country: str | None = None, words: str = "",
    page: int = 1,
) -> ArchivePage:
    """Return one page of the adopted declarations that pass every filter given.

    Without words they come newest adoption first; with words, those holding every word (as a
    whole word of the title or the adopted text, archive_index) come best match first, then
    newest first. The number of queries does not depend on the number of declarations.
    """
    found = archive_index.phrases(words)
    # Counted and ordered from the declarations' index on (state, adopted_at, id, network_id) alone: the
    # full-text index is joined only to filter by country or by words.
    query = select(Declaration.id.label("declaration_id")).where(Declaration.state == DeclarationState.adopted)
    if network_id is not None:
        query = query.where(Declaration.network_id == network_id)
    if year is not None:
        query = query.where(
            Declaration.adopted_at >= datetime(year, 1, 1, tzinfo=timezone.utc),
            Declaration.adopted_at < datetime(year + 1, 1, 1, tzinfo=timezone.utc),
        )
    if country:
        indexed = archive_index.listed()
        query = query.join(indexed, indexed.c.declaration_id == Declaration.id).where(
            indexed.c.host_country == country)
    order = [Declaration.adopted_at, Declaration.id]
    if found:
        hits = archive_index.matching(found).subquery()
        query = query.join(hits, hits.c.declaration_id == Declaration.id)
        order.insert(0, hits.c.rank)
    elif words.strip():
        # Nothing typed holds a letter or a digit: no declaration holds such a word.
        query = query.where(false())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    # The page's ids first, then their columns: the database reads the published names of 20 declarations only.
    keys = [column.label(f"key_{number}") for number, column in enumerate(order)]
    chosen = (
        query.add_columns(*keys).order_by(*(key.desc() for key in keys))
        .limit(PAGE_SIZE).offset(ArchivePage.offset(page)).subquery("chosen")
    )
    # Every adopted declaration is indexed with the version it adopted (archive_index.add, at adoption and import).
    listed = archive_index.listed()
    rows = db.session.execute(
        select(
            Declaration, Version.fingerprint, _host, _network, Version.document if found else null(),
        ).select_from(chosen)
        .join(Declaration, Declaration.id == chosen.c.declaration_id)
        .join(listed, listed.c.declaration_id == chosen.c.declaration_id)
        .join(Version, Version.id == listed.c.version_id)
        .options(defer(Declaration.published_record, raiseload=True))
        .order_by(*(chosen.c[key.name].desc() for key in keys))
    ).all()
    entries = [
        ArchiveEntry(
            declaration, fingerprint, ListedHost(host["name"], host["country"], host["country_name"]),
            PublishedNetwork(network["name"], network["acronym"]) if network is not None else None,
            archive_index.highlights(declaration.title, found),
            archive_index.excerpt(archive_index.text_of(document), found) if found else [],
        )
        for declaration, fingerprint, host, network, document in rows
    ]
    return ArchivePage(number=page, total=total, entries=entries)


def choices() -> ArchiveChoices:
    """Return the networks, years of adoption and host countries of the adopted declarations, in one query.

    A network renamed between two adoptions is offered under the name of its latest one. The query
    reads each network's latest adoption from the declarations' index, the years from the same index and
    the countries from the full-text index's table, each without joining the two tables row by row.
    """
    adopted = Declaration.state == DeclarationState.adopted
    listed = archive_index.listed()
    # Through the index on (state, network_id, adopted_at, id): one step per network, however many it adopted.
    latest_name = (
        select(listed.c.network_name).join(Declaration, Declaration.id == listed.c.declaration_id)
        .where(adopted, Declaration.network_id == Network.id)
        .order_by(Declaration.adopted_at.desc(), Declaration.id.desc()).limit(1).scalar_subquery()
    )
    # Grouped by the year in the database's time zone: a declaration whose year differs in UTC was
    # adopted within hours of the new year, so it is the first or the last of its group.
    years = (
        select(literal("year"), null(), null(), func.min(Declaration.adopted_at), func.max(Declaration.adopted_at))
        .where(adopted).group_by(extract("year", Declaration.adopted_at))
    )
    networks = select(literal("network"), Network.id, latest_name, null(), null())
    # Only adopted declarations are indexed (archive_index.add, at adoption and import; adoption is final).
    countries = (
        select(literal("country"), null(), listed.c.host_country, null(), null()).group_by(listed.c.host_country)
    )
    rows = db.session.execute(union_all(years, networks, countries)).all()
    named = [(network_id, name) for kind, network_id, name, *_ in rows if kind == "network" and name is not None]
    moments = [moment for kind, *_, first, last in rows if kind == "year" for moment in (first, last)]
    return ArchiveChoices(
        networks=sorted(named, key=lambda network: network[1].casefold()),
        years=sorted({_utc(moment).year for moment in moments}, reverse=True),
        countries=sorted((code for kind, _, code, *_ in rows if kind == "country"),
                         key=lambda code: country_name(code).casefold()),
    )


def _utc(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(timezone.utc)
