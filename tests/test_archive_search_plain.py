"""The archive's search returns, page by page, what a plain reading of every adopted declaration returns:
the same declarations, in the same order, with the same total, choices and excerpts, whatever path the
database takes to find them (its indexes, the order it reads them in)."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from drafting.domain import archive_index, archive_search
from drafting.domain.archive_search import PAGE_SIZE
from drafting.domain.clock import as_utc
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, Network, Version
from drafting.models.organizations import country_name
from drafting.rendering import stored_pdfs
from tests.test_archive import adopt  # noqa: F401

NEW_YEAR = datetime(2011, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def archive(adopt, make_organization, monkeypatch):
    """Adopt 26 declarations in three countries, two networks (one renamed between its adoptions) and none,
    over three years, several at the same moment and two within minutes of a new year; return the networks."""
    monkeypatch.setattr(stored_pdfs, "store_adopted", lambda declaration: None)
    first, second = Network(name="Asian Network", acronym="AN"), Network(name="Pacific Network", acronym="PN")
    db.session.add_all([first, second])
    db.session.commit()
    hosts = [make_organization("Tokyo", "JP"), make_organization("Seoul", "KR"), make_organization("Hanoi", "VN")]
    moments = [NEW_YEAR - timedelta(minutes=5), NEW_YEAR + timedelta(minutes=5)]
    moments += [datetime(2010, 6, 1, tzinfo=timezone.utc)] * 4
    moments += [datetime(2014, 3, 1, tzinfo=timezone.utc) + timedelta(days=number) for number in range(20)]
    for number, moment in enumerate(moments):
        if number == 13:
            first.name = "Asian Network of Cities"
        preamble = " ".join(["Resilience of cities."] * (number % 3) + ["We met in good faith."])
        adopt(title=f"Declaration {number}", clauses=1, host=hosts[number % 3],
              network_id=[first.id, second.id, None][number % 4 % 3], preamble=preamble, adopted_at=moment)
    return first, second


def plain(network_id=None, year=None, country=None, words=""):
    """Return (declaration, fingerprint, record) of every adopted declaration that passes, in the archive's
    order, read without the archive's shortcuts: every adopted declaration, filtered and sorted here."""
    rows = db.session.execute(
        select(Declaration, Version).join(Version, Version.declaration_id == Declaration.id)
        .where(Declaration.state == DeclarationState.adopted, Version.is_final)
    ).all()
    adopted = {}
    for declaration, version in rows:
        if declaration.id not in adopted or version.number > adopted[declaration.id].number:
            adopted[declaration.id] = version
    passing = [
        (declaration, version) for declaration, version in ((db.session.get(Declaration, key), value)
                                                            for key, value in adopted.items())
        if (network_id is None or declaration.network_id == network_id)
        and (year is None or as_utc(declaration.adopted_at).year == year)
        and (not country or declaration.published_record["host"]["country"] == country)
    ]
    found = archive_index.phrases(words)
    ranks = {}
    if found:
        ranks = dict(db.session.execute(archive_index.matching(found)).all())
        passing = [entry for entry in passing if entry[0].id in ranks]
    passing.sort(key=lambda entry: (ranks.get(entry[0].id, 0), as_utc(entry[0].adopted_at), entry[0].id),
                 reverse=True)
    return passing


def listed(entry):
    return (entry.declaration.id, entry.fingerprint, entry.host, entry.network, entry.title_parts, entry.excerpt)


def expected(declaration, version, found):
    record = declaration.published_record
    network = record["network"]
    return (
        declaration.id, version.fingerprint,
        archive_search.ListedHost(record["host"]["name"], record["host"]["country"], record["host"]["country_name"]),
        archive_search.PublishedNetwork(network["name"], network["acronym"]) if network else None,
        archive_index.highlights(declaration.title, found),
        archive_index.excerpt(archive_index.text_of(version.document), found) if found else [],
    )


@pytest.mark.parametrize("filters", [
    {}, {"year": 2010}, {"year": 2011}, {"year": 2014}, {"country": "KR"}, {"country": "JP", "year": 2014},
    {"network": 0}, {"network": 1}, {"words": "resilience"}, {"words": "resilience cities"},
    {"words": "declaration"}, {"words": "resilience", "network": 0, "year": 2014}, {"words": "floods"},
])
def test_every_page_lists_what_a_plain_reading_of_every_adopted_declaration_lists(archive, filters):
    filters = dict(filters)
    if "network" in filters:
        filters["network_id"] = archive[filters.pop("network")].id
    everything = plain(**filters)
    found = archive_index.phrases(filters.get("words", ""))
    pages = max(1, -(-len(everything) // PAGE_SIZE))
    for number in range(1, pages + 2):
        page = archive_search.search(**filters, page=number)
        assert page.total == len(everything)
        chosen = everything[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
        assert [listed(entry) for entry in page.entries] == [expected(*pair, found) for pair in chosen]
        assert [entry.adopted_at for entry in page.entries] == [as_utc(d.adopted_at) for d, _ in chosen]


def test_the_filters_offer_what_a_plain_reading_of_every_adopted_declaration_offers(archive):
    everything = plain()
    latest = {}
    for declaration, _ in sorted(everything, key=lambda entry: as_utc(entry[0].adopted_at)):
        if declaration.network_id is not None:
            latest[declaration.network_id] = declaration.published_record["network"]["name"]
    choices = archive_search.choices()
    assert choices.networks == sorted(latest.items(), key=lambda network: network[1].casefold())
    assert choices.networks == [(archive[0].id, "Asian Network of Cities"), (archive[1].id, "Pacific Network")]
    assert choices.years == sorted({as_utc(d.adopted_at).year for d, _ in everything}, reverse=True) == [
        2014, 2011, 2010]
    assert choices.countries == sorted({d.published_record["host"]["country"] for d, _ in everything},
                                       key=lambda code: country_name(code).casefold())


def plain_highlights(text, found):
    """Mark the phrases found in a text the plain way: at each term, the longest phrase that starts there."""
    spans = archive_index.term_spans(text)
    parts, position, index = [], 0, 0
    while index < len(spans):
        here = [phrase for phrase in found if tuple(term for *_, term in spans[index:index + len(phrase)]) == phrase]
        if not here:
            index += 1
            continue
        length = max(map(len, here))
        start, end = spans[index][0], spans[index + length - 1][1]
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position, index = end, index + length
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def plain_excerpt(text, found, around=90):
    """Return the excerpt around the first phrase found the plain way: from every part of the whole text."""
    parts = plain_highlights(text, found)
    first = next((offset for offset, (_, hit) in enumerate(parts) if hit), None)
    if first is None:
        return []
    start = sum(len(part) for part, _ in parts[:first])
    begin = max(0, start - around)
    while begin > 0 and not text[begin - 1].isspace():
        begin += 1
    end = min(len(text), start + 2 * around)
    while end < len(text) and not text[end].isspace():
        end += 1
    window = " ".join(text[begin:end].split())
    return [("… " if begin > 0 else "", False), *plain_highlights(window, found),
            (" …" if end < len(text) else "", False)]


def test_highlights_and_excerpts_mark_what_a_plain_reading_marks():
    shuffle = random.Random(16)
    vocabulary = ["resilience", "Resilience", "cities", "city", "climate", "change", "climate-change", "防", "災",
                  "of", "the", "2030", "é", "naïve", "_", "—", "\n", "  ", ",", "."]
    for _ in range(500):
        text = " ".join(shuffle.choice(vocabulary) for _ in range(shuffle.randint(0, 150)))
        words = " ".join(shuffle.sample(["resilience", "cities", "climate-change", "防災", "of the", "naïve", "city"],
                                        shuffle.randint(1, 3)))
        found = archive_index.phrases(words)
        assert archive_index.highlights(text, found) == plain_highlights(text, found)
        assert archive_index.excerpt(text, found) == plain_excerpt(text, found)
