"""A bounded bench of /verify on loopback: can hostile uploads take the server down?

It makes a PostgreSQL database of its own holding the demonstration (three adopted declarations),
serves the application with gunicorn started from the repository's gunicorn.conf.py (its workers,
its timeout) on a free loopback port, and uploads to /verify:

1. an adopted PDF as published, and the same PDF saved again by another program (whose visible
   text is then read and compared);
2. a hostile PDF of a few kilobytes that carries the same adopted text and whose pages share one
   compressed stream of a megabyte of text operators: alone, then eight at once while /healthz
   is asked every half second.

It prints the time and verdict of each upload, the worst case's time, how many of the eight
simultaneous uploads were answered with every gunicorn worker still alive, and how /healthz
answered meanwhile; it exits with 1 if an upload went unanswered, a worker died or /healthz
failed. Its database and gunicorn go away whatever happens.

    .venv/bin/python -m bench.verify
"""

import argparse
import io
import re
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from bench.load import Client, Response, Server, bench_database, gunicorn, seeding_app
from drafting.demo import load_demo
from drafting.domain import signoff
from drafting.domain.publication import adopted_texts
from drafting.extensions import db
from drafting.models import Declaration
from drafting.rendering import stored_pdfs
from drafting.rendering.pdf import CANONICAL_TEXT_NAME

TEXT_OPERATORS = b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n"
SIMULTANEOUS = 8
HEALTH_INTERVAL = 0.5  # seconds between two questions to /healthz
# The verdict (in bold) or the refusal (at the field) on the page answered.
VERDICT = re.compile(r"<(?:strong|li)>((?:This|The) [^<]*)<")


def hostile_pdf(canonical_text: str, pages: int = 10, megabytes: int = 1) -> bytes:
    """Return a small PDF carrying `canonical_text` whose pages share one stream of `megabytes` of text operators."""
    content = StreamObject()
    content.set_data(TEXT_OPERATORS * (megabytes * 1024 * 1024 // len(TEXT_OPERATORS)))
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    writer = PdfWriter()
    shared = None
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        if shared is None:
            page.replace_contents(content.flate_encode(level=9))
            shared = page.raw_get("/Contents")
        else:
            page[NameObject("/Contents")] = shared
    writer.add_attachment(CANONICAL_TEXT_NAME, canonical_text.encode("utf-8"))
    return written(writer)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def saved_again(published: bytes) -> bytes:
    """Return the published PDF as another program would save it: the same pages and text, other bytes."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(published)))
    writer.add_metadata({"/Producer": "Another program"})
    return written(writer)


def adopted_pdf() -> tuple[str, bytes]:
    """Return the adopted text of the demonstration's first adopted declaration, and its published A4 PDF."""
    declaration = db.session.get(Declaration, db.session.scalars(adopted_texts(Declaration.id)).first())
    published = stored_pdfs.adopted_pdf(declaration).content
    db.session.commit()
    return signoff.final_version(declaration).canonical_text, published


def upload(url: str, content: bytes) -> Response:
    """Upload a PDF to /verify as a browser would: read the page for its CSRF token, then post the file."""
    client = Client()
    client.get(f"{url}/verify")
    return client.post_file(f"{url}/verify", "pdf", "declaration.pdf", content)


def verdict(response: Response) -> str:
    """Return the status and the first sentence of the verdict or refusal."""
    found = VERDICT.search(response.body)
    return f"{response.label}: {found.group(1).split(':')[0] if found else '(no verdict on the page)'}"


def one_by_one(url: str, uploads: dict[str, bytes]) -> float:
    """Upload each file in turn; print its size, time and verdict; return the longest time."""
    worst = 0.0
    for name, content in uploads.items():
        response = upload(url, content)
        worst = max(worst, response.seconds)
        print(f"  {name:<34} {len(content) / 1024:8.1f} KB  {response.seconds:6.2f} s  {verdict(response)}")
    return worst


def at_once(server: Server, content: bytes) -> tuple[list[Response], list[Response]]:
    """Upload the file SIMULTANEOUS times at once while asking /healthz; return both lists of responses."""
    done = threading.Event()
    probes: list[Response] = []

    def probe() -> None:
        client = Client()
        while not done.is_set():
            probes.append(client.get(f"{server.url}/healthz", timeout=10))
            done.wait(HEALTH_INTERVAL)

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    with ThreadPoolExecutor(max_workers=SIMULTANEOUS) as pool:
        responses = list(pool.map(lambda _: upload(server.url, content), range(SIMULTANEOUS)))
    done.set()
    prober.join(timeout=15)
    return responses, probes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "drafting-bench-verify.log",
                        help="where gunicorn writes its output (overwritten)")
    args = parser.parse_args(argv)
    args.log.unlink(missing_ok=True)
    with bench_database() as database_url:
        with seeding_app(database_url) as app, app.app_context():
            load_demo()
            db.session.commit()
            text, published = adopted_pdf()
        hostile = hostile_pdf(text)
        with gunicorn(database_url, args.log, workers=None) as server:
            workers = set(server.workers())
            print(f"gunicorn at {server.url} with {len(workers)} workers (gunicorn.conf.py), log {args.log}")
            print("\n1. One upload at a time")
            worst = one_by_one(server.url, {
                "the adopted PDF as published": published,
                "the adopted PDF saved again": saved_again(published),
                "the hostile PDF": hostile,
            })
            print(f"  worst case: {worst:.2f} s")
            print(f"\n2. {SIMULTANEOUS} hostile uploads at once, /healthz asked every {HEALTH_INTERVAL} s")
            responses, probes = at_once(server, hostile)
            alive = workers <= set(server.workers())
            answered = [response for response in responses if response.status is not None and response.status < 500]
            for response in responses:
                print(f"  {response.seconds:6.2f} s  {verdict(response)}")
            print(f"  answered: {len(answered)} of {SIMULTANEOUS}; slowest {max(r.seconds for r in responses):.2f} s")
            print(f"  every worker alive: {'yes' if alive else 'no'} ({len(workers - set(server.workers()))} replaced)")
            print(f"  uploads answered with every worker alive: {len(answered) if alive else 0} of {SIMULTANEOUS}")
            healthy = [probe for probe in probes if probe.status == 200]
            print(f"  /healthz: {len(healthy)} of {len(probes)} answered 200, "
                  f"slowest {max(probe.seconds for probe in probes):.2f} s")
    return 0 if alive and len(answered) == SIMULTANEOUS and len(healthy) == len(probes) else 1


if __name__ == "__main__":
    sys.exit(main())
