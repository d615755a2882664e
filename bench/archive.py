"""The public archive at 100, 1,000 and 10,000 adopted declarations: time and size of its pages.

It makes a PostgreSQL database of its own (drafting_bench_archive, dropped first if a run left it
and at the end), loads the demonstration (three declarations adopted through the application),
exports one of them, and brings in the others through the domain's import
(drafting.domain.interchange.importing.import_declaration), each a copy under another title, with
"resilience" in the preamble of one in ten and its fingerprints computed again. The import is
the faithful route, with one shortcut: no final PDF is made, for the demonstration either
(store_adopted is left out): each took about a second, and no page timed here reads them. An
import still takes about 0.4 s (organizations, versions, answers, the audit trail), so beyond
--imported (1,000) the declarations are copied in SQL instead, a thousand at a time: their rows in
`declarations` (a title ending "(copy n)"), `versions` and `archive_index`, which are all the timed
pages read.

At each size it asks, in-process with Flask's test client (no network, no gunicorn), each page
REQUESTS times and prints the median and the worst time next to the goal of issue 16 (50 ms
median), the size of the answer and the number of SQL queries:

    .venv/bin/python -m bench.archive [--sizes 100 1000 10000] [--requests 21] [--imported 1000] [--database NAME]

Before timing it vacuums and analyzes the database, as autovacuum would soon after so many rows
arrive: PostgreSQL otherwise plans for an empty archive and reads the GIN index's pending list.
"""

import argparse
import copy
import statistics
import time
from contextlib import contextmanager

import psycopg
from sqlalchemy import column, event, func, insert, select, table, text

from bench.load import POSTGRES, seeding_app
from drafting.demo import load_demo
from drafting.domain.interchange.export import export_declaration
from drafting.domain.interchange.importing import import_declaration
from drafting.domain.publication import adopted_texts
from drafting.domain.text.composed_document import Document
from drafting.domain.text.fingerprint import canonical_text, fingerprint
from drafting.extensions import db
from drafting.models import Declaration
from drafting.rendering import stored_pdfs

DATABASE = "drafting_bench_archive"
GOAL_MS = 50.0
PAGES = ["/archive", "/archive?page=3", "/archive?words=resilience", "/archive?words=resilience+cities",
         "/api/declarations", "/api/declarations?page=3"]


@contextmanager
def own_database(name: str = DATABASE):
    """Yield the URL of the bench's database, new and empty; drop it afterwards."""
    def drop():
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    drop()
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        drop()


def variant(exported: dict, number: int) -> dict:
    """Return the exported declaration as another one: numbered title, "resilience" in one preamble in ten."""
    data = copy.deepcopy(exported)
    declaration = data["declaration"]
    title = f"{declaration['title']} {number}"
    extra = ["Resilience of cities is our first concern."] if number % 10 == 0 else []
    declaration["title"] = title
    if extra:
        declaration["preamble"] = "\n\n".join([*extra, declaration["preamble"]] if declaration["preamble"] else extra)
    by_number = {}
    for version in declaration["versions"]:
        document = Document.from_json(version["document"])
        document = Document(**{**document.__dict__, "title": title, "preamble": [*extra, *document.preamble]})
        version["document"] = document.to_json()
        version["canonical_text"] = canonical_text(document)
        version["fingerprint"] = by_number[version["number"]] = fingerprint(version["canonical_text"])
    for answer in declaration["affirmations"]:
        answer["fingerprint"] = by_number[answer["version_number"]]
    return data


def grow_to(size: int, exported: dict, next_number: int) -> int:
    """Import copies until the archive holds `size` adopted declarations; return the next copy's number."""
    held = len(db.session.scalars(adopted_texts(Declaration.id)).all())
    if held >= size:
        return next_number
    started = time.perf_counter()
    for number in range(next_number, next_number + size - held):
        import_declaration(variant(exported, number))
        if number % 100 == 0:
            db.session.commit()
    db.session.commit()
    print(f"  imported {size - held:,} declarations in {time.perf_counter() - started:.0f} s")
    return next_number + size - held


def copy_to(size: int) -> None:
    """Copy, row by row in SQL, the imported declarations until the archive holds `size`: the rows the timed pages
    read (the declaration with its published record, its versions, its entry in the full-text index)."""
    held = db.session.scalars(adopted_texts(Declaration.id).order_by(Declaration.id)).all()
    before = len(held)
    started = time.perf_counter()
    originals = list(held)
    tables = db.metadata.tables
    declarations, versions = tables["declarations"], tables["versions"]
    index = table("archive_index", *map(column, ("declaration_id", "words", "version_id", "host_country",
                                                 "network_name")))
    round_ = 0
    while len(held) < size:
        round_ += 1
        taken = originals[:size - len(held)]
        # Above every id so far: the copies' ids are free, and their rows keep their own order.
        shift = db.session.scalar(select(func.max(Declaration.id)))
        copied = [c.name for c in declarations.columns]
        db.session.execute(insert(declarations).from_select(copied, select(*(
            (c + shift) if c.name == "id" else (c.concat(f" (copy {round_})") if c.name == "title" else c)
            for c in declarations.columns)).where(declarations.c.id.in_(taken))))
        version_shift = db.session.scalar(select(func.max(versions.c.id)))
        shifts = {"id": version_shift, "declaration_id": shift}
        db.session.execute(insert(versions).from_select(list(versions.c.keys()), select(*(
            (column + shifts[column.name]) if column.name in shifts else column for column in versions.columns
        )).where(versions.c.declaration_id.in_(taken))))
        db.session.execute(insert(index).from_select(list(index.c.keys()), select(
            index.c.declaration_id + shift, index.c.words, index.c.version_id + version_shift, index.c.host_country,
            index.c.network_name,
        ).where(index.c.declaration_id.in_(taken))))
        held += [declaration_id + shift for declaration_id in taken]
    for name in ("declarations", "versions"):
        db.session.execute(text(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))"))
    db.session.commit()
    print(f"  copied {size - before:,} declarations in {time.perf_counter() - started:.0f} s")


def settle() -> None:
    """Vacuum and analyze the database, as autovacuum does within a minute of so many new rows: without it,
    PostgreSQL plans with the statistics of an empty archive and reads the full-text index's pending list."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def measure(app, requests: int) -> None:
    """Print the median and worst time, the size and the queries of each page."""
    client = app.test_client()
    queries: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    for path in PAGES:
        times, sizes = [], set()
        for _ in range(requests):
            queries.clear()
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
            sizes.add(len(response.data))
        median = statistics.median(times)
        verdict = "meets" if median < GOAL_MS else "MISSES"
        print(f"  {path:<36} median {median:7.1f} ms  worst {max(times):7.1f} ms  {verdict} the {GOAL_MS:.0f} ms goal"
              f"  {max(sizes) / 1024:7.1f} KB  {len(queries)} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--requests", type=int, default=21)
    parser.add_argument("--imported", type=int, default=1000,
                        help="import up to this many declarations; copy them in SQL beyond (an import took 0.4 s)")
    parser.add_argument("--database", default=DATABASE,
                        help="the name of the bench's database, made and dropped (another name lets two runs coexist)")
    arguments = parser.parse_args()
    stored_pdfs.store_adopted = lambda declaration: None
    with own_database(arguments.database) as url, seeding_app(url) as app, app.app_context():
        load_demo()
        db.session.commit()
        first = db.session.scalars(select(Declaration).where(Declaration.id.in_(adopted_texts(Declaration.id)))
                                   .order_by(Declaration.id)).first()
        exported = export_declaration(first)
        db.session.commit()
        next_number = 1
        for size in sorted(arguments.sizes):
            print(f"{size:,} adopted declarations:")
            next_number = grow_to(min(size, arguments.imported), exported, next_number)
            if size > arguments.imported:
                copy_to(size)
            settle()
            measure(app, arguments.requests)


if __name__ == "__main__":
    main()
