"""How fast a stored PDF, its 304 and /healthz are served, next to a hello-world Flask app: issue 16's table.

It makes a PostgreSQL database of its own (drafting_bench_serve, or --database; dropped at the end) holding the
demonstration (`flask --app drafting db upgrade`, `flask --app drafting demo`), then serves, with
gunicorn and the repository's gunicorn.conf.py (its workers, timeout, access log), both the
application as production runs it (drafting.wsgi:app, ProductionConfig, with the environment of
README's "Running in production": keys, SERVER_NAME, a signing key made for the run) and
bench/hello_world.py. Loopback only, every run bounded in time.

For each case it loads the two servers in turn, alternating which goes first, for a few rounds,
with the same client: several processes of threads, one connection per request (gunicorn's
synchronous workers close each one). It prints requests per second (median of the rounds) and the
median latency of each, and the application's share of the hello-world throughput next to the
goal: at least 0.5 for the stored PDF and its 304. It also prints the headers that decide whether
shared caches may keep the PDF.

    .venv/bin/python -m bench.serve [--seconds 3] [--rounds 3] [--concurrency 8] [--database drafting_bench_serve]
"""

import argparse
import http.client
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.load import GUNICORN, POSTGRES, ROOT, free_port, stop

DATABASE = "drafting_bench_serve"
FLASK = Path(sys.executable).parent / "flask"
CLIENT_PROCESSES = 2
REQUEST_TIMEOUT = 10  # seconds
START_TIMEOUT = 60
GOAL = 0.5  # of the hello-world throughput, for the stored PDF and its 304


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    headers: dict[str, str]
    goal: float | None


@dataclass(frozen=True)
class Measure:
    requests_per_second: float
    p50_ms: float
    statuses: dict[int | str, int]


def production_environment(folder: Path, port: int, database: str) -> dict[str, str]:
    """Return the environment README's "Running in production" asks for, with keys made for this run."""
    return {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "SERVER_NAME": f"127.0.0.1:{port}",
        "SIGNING_KEY_FILE": str(folder / "signing-key.p12"),
        "SIGNING_KEY_PASSWORD": secrets.token_urlsafe(32),
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIRECTORY": str(folder / "mail"),
    }


def make_database(database: str, environment: dict[str, str], log: Path) -> None:
    """Create the database anew and fill it with the demonstration, as the commands of README do."""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {database}")
    with log.open("ab") as output:
        for command in (["signing", "make-key", environment["SIGNING_KEY_FILE"]], ["db", "upgrade"], ["demo"]):
            subprocess.run([str(FLASK), "--app", "drafting", *command], cwd=ROOT, env=environment,
                           stdout=output, stderr=subprocess.STDOUT, check=True, timeout=300)


def drop_database(database: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def adopted_pdf_path(database: str) -> str:
    """Return the address of the A4 PDF of one adopted declaration of the demonstration."""
    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        declaration_id = connection.execute(
            "SELECT versions.declaration_id FROM stored_pdfs JOIN versions ON versions.id = stored_pdfs.version_id "
            "WHERE stored_pdfs.kind = 'adopted' AND stored_pdfs.page_size = 'A4' ORDER BY 1 LIMIT 1"
        ).fetchone()[0]
    return f"/declarations/{declaration_id}/declaration.pdf"


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def start(application: str, port: int, environment: dict[str, str], log: Path) -> subprocess.Popen:
    """Start gunicorn with the repository's gunicorn.conf.py on the port; return once it answers."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--no-control-socket", application],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            get(port, "/")
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"{application} did not answer within {START_TIMEOUT} s; see {log}")


def _client(port: int, path: str, headers: dict[str, str], threads: int, until: float, results) -> None:
    """In a client process: `threads` threads ask for path until the deadline; put each answer's status and time."""
    import threading

    answers: list[tuple[int | str, float]] = []

    def ask() -> None:
        while time.monotonic() < until:
            began = time.perf_counter()
            try:
                status = get(port, path, headers)[0]
            except OSError as error:
                status = type(error).__name__
            answers.append((status, time.perf_counter() - began))

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put(answers)


def load(port: int, case_path: str, headers: dict[str, str], seconds: float, concurrency: int) -> Measure:
    """Ask for the path with `concurrency` clients at once for `seconds`; return the throughput and median latency."""
    results = multiprocessing.Queue()
    began = time.monotonic()
    until = began + seconds
    per_process = max(1, concurrency // CLIENT_PROCESSES)
    processes = [multiprocessing.Process(target=_client, args=(port, case_path, headers, per_process, until, results))
                 for _ in range(CLIENT_PROCESSES)]
    for process in processes:
        process.start()
    answers = [answer for _ in processes for answer in results.get(timeout=seconds + 3 * REQUEST_TIMEOUT)]
    for process in processes:
        process.join(timeout=REQUEST_TIMEOUT)
    elapsed = time.monotonic() - began
    statuses: dict[int | str, int] = {}
    for status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    return Measure(len(answers) / elapsed, statistics.median(t for _, t in answers) * 1000, statuses)


def cache_headers(port: int, path: str) -> tuple[str, str]:
    """Print the headers of the PDF and of its 304 that decide caching; return the ETag and a problem, if any."""
    status, headers, body = get(port, path)
    revalidated, headers_304, body_304 = get(port, path, {"If-None-Match": headers.get("ETag", "")})
    print(f"  PDF: {status}, {len(body):,} bytes, Cache-Control: {headers.get('Cache-Control')}, "
          f"Vary: {headers.get('Vary', '(none)')}, ETag: {headers.get('ETag', '(none)')[:20]}…")
    print(f"  with If-None-Match: {revalidated}, {len(body_304)} bytes, Vary: {headers_304.get('Vary', '(none)')}")
    problem = ""
    if status != 200 or revalidated != 304 or "public" not in headers.get("Cache-Control", ""):
        problem = "the PDF is not served 200 then 304 with public caching"
    elif "cookie" in headers.get("Vary", "").lower():
        problem = "the public PDF varies on Cookie: shared caches cannot keep it"
    return headers.get("ETag", ""), problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measure")
    parser.add_argument("--rounds", type=int, default=3, help="measures of each server for each case")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--database", default=DATABASE,
                        help="the PostgreSQL database to make, fill and drop (one of its own for each bench run at once)")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "drafting-bench-serve.log",
                        help="where the commands and both gunicorns write (overwritten)")
    args = parser.parse_args(argv)
    args.log.unlink(missing_ok=True)
    application_port, hello_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as folder:
        environment = production_environment(Path(folder), application_port, args.database)
        servers: list[subprocess.Popen] = []
        try:
            make_database(args.database, environment, args.log)
            pdf_path = adopted_pdf_path(args.database)
            servers.append(start("drafting.wsgi:app", application_port, environment, args.log))
            servers.append(start("bench.hello_world:app", hello_port, environment, args.log))
            print(f"gunicorn.conf.py's workers for each server; {args.concurrency} requests in flight, "
                  f"{args.rounds} rounds of {args.seconds:g} s; log {args.log}")
            etag, problem = cache_headers(application_port, pdf_path)
            cases = [
                Case("stored adopted PDF (200)", pdf_path, {}, GOAL),
                Case("the same with If-None-Match (304)", pdf_path, {"If-None-Match": etag}, GOAL),
                Case("/healthz", "/healthz", {}, None),
            ]
            missed = run(cases, application_port, hello_port, args)
        finally:
            for server in servers:
                stop(server)
            drop_database(args.database)
    if problem:
        print(f"PROBLEM: {problem}")
    return 1 if problem or missed else 0


def run(cases: list[Case], application_port: int, hello_port: int, args) -> int:
    """Measure each case against hello-world, print the table; return how many goals were missed."""
    print(f"\n{'case':<36}{'drafting':>16}{'hello-world':>18}{'ratio':>8}  goal")
    missed = 0
    for case in cases:
        ours: list[Measure] = []
        hello: list[Measure] = []
        # Warm both: the first requests of a worker import and connect.
        load(application_port, case.path, case.headers, 1.0, args.concurrency)
        load(hello_port, "/", {}, 1.0, args.concurrency)
        for round_number in range(args.rounds):
            order = [(ours, application_port, case.path, case.headers), (hello, hello_port, "/", {})]
            for measures, port, path, headers in order if round_number % 2 == 0 else reversed(order):
                measures.append(load(port, path, headers, args.seconds, args.concurrency))
        ours_rps = statistics.median(m.requests_per_second for m in ours)
        hello_rps = statistics.median(m.requests_per_second for m in hello)
        ratio = ours_rps / hello_rps
        verdict = "—" if case.goal is None else f">= {case.goal:g} {'met' if ratio >= case.goal else 'MISSED'}"
        missed += case.goal is not None and ratio < case.goal
        print(f"{case.name:<36}{ours_rps:>7.0f} req/s {statistics.median(m.p50_ms for m in ours):>5.1f} ms"
              f"{hello_rps:>8.0f} req/s {statistics.median(m.p50_ms for m in hello):>5.1f} ms{ratio:>8.2f}  {verdict}")
        statuses = sorted({status for m in ours for status in m.statuses}, key=str)
        if statuses != [200 if "200" in case.name or case.goal is None else 304]:
            print(f"  answers: {', '.join(f'{s} x{sum(m.statuses.get(s, 0) for m in ours)}' for s in statuses)}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
