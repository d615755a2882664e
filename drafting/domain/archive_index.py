"""The archive's full-text index: the words of every adopted declaration, to find and rank them.

PostgreSQL keeps them as a tsvector per declaration in the table `archive_index`, under a GIN index;
SQLite, the embedded default, in an FTS5 virtual table of the same name. Both receive the same
words, cut here by `terms()`, so that a search finds the same declarations on either: runs of letters
and digits, lower-cased, and each Chinese or Japanese character a word of its own, since those
scripts put no space between words. A word typed in a search is looked for as the phrase of its
terms: "climate-change" finds "climate change", 防災 finds the two characters side by side.

It also keeps, for the archive's list and filters, the version adopted, and the host's country and the
network's name as published.
The table lives outside the models' metadata: its shape differs between the two databases, and
only this module and its migration (a3f9c2d4e8b1) touch it.
"""

import re
from collections import deque
from itertools import islice

from sqlalchemy import Select, Subquery, column, func, literal_column, select, table

from drafting.extensions import db
from drafting.models import Declaration, Version

TABLE = "archive_index"
# Chinese characters, kana, and half-width katakana: scripts written without spaces between words.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TERM = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")
# How much more a word in the title weighs than one in the text, on SQLite (PostgreSQL: weights A and B).
_TITLE_WEIGHT = 4.0
_CONFIGURATION = literal_column("'simple'::regconfig")


def term_spans(text: str) -> list[tuple[int, int, str]]:
    """Return where each term of a text starts and ends, with the term as the index holds it."""
    return [(match.start(), match.end(), match.group().lower()) for match in _TERM.finditer(text)]


def terms(text: str) -> list[str]:
    """Return the terms of a text, in order, as the index holds them."""
    return [term for _, _, term in term_spans(text)]


def phrases(words: str) -> list[tuple[str, ...]]:
    """Return the phrases a search looks for: one per word typed that holds a letter or a digit."""
    return [found for found in (tuple(terms(word)) for word in words.split()) if found]


def text_of(document: dict) -> str:
    """Return the words of a version's stored document but its title, part by part, one line each.

    The canonical text holds the same words with a label on each line ("paragraph: "), which are not
    the declaration's words: the index and the excerpts read this instead.
    """
    parts = [document.get("header"), document.get("subtitle"), document.get("dated"), document.get("opening"),
             *document["preamble"]]
    for clause in document["clauses"]:
        parts += [clause.get("heading"), *clause["paragraphs"]]
    parts += [*document["closing_formula"], document.get("place_and_date")]
    return "\n".join(part for part in parts if part)


def add(declaration: Declaration, version: Version) -> None:
    """Index an adopted declaration under its title and the text of the version it adopted, with that version, its
    host's country and its network's name as its published record (set before) names them."""
    title, body = " ".join(terms(declaration.title)), " ".join(terms(text_of(version.document)))
    listed = dict(version_id=version.id, host_country=declaration.published_record["host"]["country"],
                  network_name=(declaration.published_record["network"] or {}).get("name"))
    if db.session.get_bind().dialect.name == "postgresql":
        words = (
            func.setweight(func.to_tsvector(_CONFIGURATION, title), literal_column("'A'"))
            .op("||")(func.setweight(func.to_tsvector(_CONFIGURATION, body), literal_column("'B'")))
        )
        statement = table(TABLE, *map(column, ("declaration_id", "words", *listed))).insert().values(
            declaration_id=declaration.id, words=words, **listed
        )
    else:
        statement = table(TABLE, *map(column, ("rowid", "title", "body", *listed))).insert().values(
            rowid=declaration.id, title=title, body=body, **listed
        )
    db.session.execute(statement)


def listed() -> Subquery:
    """Return every indexed declaration's (declaration_id, version_id, host_country, network_name): the version it
    adopted, its host's country and its network's name as published.

    The archive lists, filters and offers choices by these: finding the adopted version among the
    others, or reading names from the published record, would cost a look at every declaration's
    versions or the parsing of every declaration's whole record.
    """
    names = ("version_id", "host_country", "network_name")
    if db.session.get_bind().dialect.name == "postgresql":
        index = table(TABLE, column("declaration_id"), *map(column, names))
        return select(index.c.declaration_id, *(index.c[name] for name in names)).subquery("listed")
    index = table(TABLE, column("rowid"), *map(column, names))
    return select(index.c.rowid.label("declaration_id"), *(index.c[name] for name in names)).subquery("listed")


def matching(found: list[tuple[str, ...]]) -> Select:
    """Select (declaration_id, rank) of the indexed declarations holding every phrase; a higher rank matches better.

    `found` comes from phrases(): never empty, and its terms hold letters and digits only.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return _matching_postgresql(found)
    return _matching_sqlite(found)


def _matching_postgresql(found: list[tuple[str, ...]]) -> Select:
    index = table(TABLE, column("declaration_id"), column("words"))
    query = None
    for phrase in found:
        one = func.phraseto_tsquery(_CONFIGURATION, " ".join(phrase))
        query = one if query is None else query.op("&&")(one)
    return select(
        index.c.declaration_id, func.ts_rank(index.c.words, query).label("rank")
    ).where(index.c.words.op("@@")(query))


def _matching_sqlite(found: list[tuple[str, ...]]) -> Select:
    index = table(TABLE, column("rowid"))
    # Each phrase is quoted: its terms hold no quote, so nothing typed is read as FTS5's query syntax.
    query = " AND ".join('"' + " ".join(phrase) + '"' for phrase in found)
    return select(
        index.c.rowid.label("declaration_id"),
        (-func.bm25(literal_column(TABLE), _TITLE_WEIGHT, 1.0, 0.0, 0.0, 0.0)).label("rank"),
    ).where(literal_column(TABLE).op("MATCH")(query))


def highlights(text: str, found: list[tuple[str, ...]]) -> list[tuple[str, bool]]:
    """Cut a text into parts, each marked True where it spells one of the phrases found."""
    spans = term_spans(text)
    longest_first = sorted(found, key=len, reverse=True)
    # Most terms start no phrase: they are passed over without comparing a phrase to them.
    first_terms = {phrase[0] for phrase in found}
    marked: list[tuple[int, int]] = []
    index = 0
    while index < len(spans):
        length = spans[index][2] in first_terms and next(
            (len(phrase) for phrase in longest_first
             if tuple(term for _, _, term in spans[index:index + len(phrase)]) == phrase),
            0,
        )
        if length:
            marked.append((spans[index][0], spans[index + length - 1][1]))
            index += length
        else:
            index += 1
    parts, position = [], 0
    for start, end in marked:
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def _first_found(text: str, found: list[tuple[str, ...]]) -> int | None:
    """Return where the first phrase found in a text starts, as highlights() marks it; None if none is.

    The terms are read only as far as that phrase: an excerpt needs no more of a long text.
    """
    if not found:
        return None
    longest = max(map(len, found))
    terms = ((match.start(), match.group().lower()) for match in _TERM.finditer(text))
    ahead: deque[tuple[int, str]] = deque()
    while True:
        ahead.extend(islice(terms, longest - len(ahead)))
        if not ahead:
            return None
        if any(tuple(term for _, term in islice(ahead, len(phrase))) == phrase for phrase in found):
            return ahead[0][0]
        ahead.popleft()


def excerpt(text: str, found: list[tuple[str, ...]], around: int = 90) -> list[tuple[str, bool]]:
    """Return the part of a text around the first phrase found in it, cut into parts as highlights() does."""
    start = _first_found(text, found)
    if start is None:
        return []
    begin = max(0, start - around)
    # Begin and end at a space, so that the excerpt does not cut a word in two.
    while begin > 0 and not text[begin - 1].isspace():
        begin += 1
    end = min(len(text), start + 2 * around)
    while end < len(text) and not text[end].isspace():
        end += 1
    window = " ".join(text[begin:end].split())
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    return [(prefix, False), *highlights(window, found), (suffix, False)]
