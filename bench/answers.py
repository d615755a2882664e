"""Delegates answering one final text at once, without faults: the latencies of bench/load.py's first run, repeated.

bench/load.py's third run stops and restarts the local PostgreSQL server, which a shared machine
cannot allow; this bench keeps to the first run (every delegate answers at the same moment) on a
database of its own, served by gunicorn with 4 workers and CSRF on, and repeats it on a fresh final
text each round, since rounds vary. It prints each round's statuses, p50, p95 and wall time, and the
CPU time gunicorn's workers spent per answer, which other work on the machine changes less than it
changes the latencies, and how often PostgreSQL's busy sessions were found waiting for a lock
(pg_stat_activity, sampled every 10 ms); then the median of each over the rounds. It checks every round as
bench/load.py does (each answer recorded once with its audit event, the chain intact) and exits
with 1 if a round went wrong.

With --against, a second gunicorn serves another checkout of the code (main's, say) on the same
database, and the rounds alternate between the two, each on a fresh final text: what the machine's
other work does to the latencies then falls on both alike. Both must share the database's schema.
With --floor, bench/hello_answer.py takes its turn too, served the same way: as many signed-in
clients post a form with its CSRF token at once, and get their 302, with no work of the application's
own; that is the least the machine can do the answers in.

    .venv/bin/python -m bench.answers [--delegates 200] [--rounds 3] [--against ../main] [--floor]
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench.load import (
    ROOT, WORKERS, Server, answer_at_once, bench_database, gunicorn, log_digest, percentile, report, served, signed_in,
    statuses, unexpected,
)

FLOOR = "hello-world answer (bench/hello_answer.py)"


def workers_cpu_seconds(server: Server) -> float:
    """Return the CPU time, user and system, that the server's workers have spent so far."""
    ticks = 0
    for pid in server.workers():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields of the line
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def lock_waits(database_url: str, interval: float = 0.01):
    """Sample the database's busy sessions every `interval` seconds while the block runs; yield a Counter of
    the samples: "busy" (at least one session active), "waiting" (one of them waiting for a lock)."""
    samples: Counter[str] = Counter()
    done = threading.Event()
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def sample() -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            while not done.wait(interval):
                states = connection.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND pid <> pg_backend_pid()"
                ).fetchall()
                if states:
                    samples["busy"] += 1
                    samples["waiting"] += any(wait == "Lock" for (wait,) in states)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield samples
    finally:
        done.set()
        sampler.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=200, help="how many delegates answer at once (200)")
    parser.add_argument("--rounds", type=int, default=3, help="how many times, each on a fresh final text (3)")
    parser.add_argument("--against", type=Path, help="another checkout to serve too, alternating rounds with this one")
    parser.add_argument("--floor", action="store_true", help="alternate with bench/hello_answer.py too")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "drafting-bench-answers.log",
                        help="where gunicorn writes its output (overwritten)")
    args = parser.parse_args(argv)
    args.log.unlink(missing_ok=True)
    problems: list[str] = []
    with ExitStack() as stack:
        url = stack.enter_context(bench_database())
        bench = stack.enter_context(served(url, args.delegates, args.log))
        # Who answers where: each checkout of the application, and the floor; each with its signed-in clients.
        servers = {str(ROOT): (bench.server, bench.clients)}
        if args.against is not None:
            # The delegates' cookies hold for any port of the host: they are signed in on this server too.
            other = stack.enter_context(gunicorn(url, args.log, checkout=args.against.resolve()))
            servers[str(args.against.resolve())] = (other, bench.clients)
        if args.floor:
            hello = stack.enter_context(gunicorn(url, args.log, application="bench.hello_answer:app"))
            # Clients of their own: the yardstick's session cookie has the same name as the application's.
            with ThreadPoolExecutor(max_workers=16) as pool:
                hello_clients = list(pool.map(lambda delegate: signed_in(hello.url, delegate.email), bench.cast.delegates))
            servers[FLOOR] = (hello, hello_clients)
        print(f"Seeded {args.delegates} delegates and signed them in; gunicorn ({WORKERS} workers) serving "
              + ", ".join(f"{name} at {server.url}" for name, (server, _) in servers.items()))
        figures: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in servers}
        for number in range(1, args.rounds + 1):
            for name, (server, clients) in servers.items():
                print(f"\nRound {number}: {args.delegates} delegates answer the same final text at once ({name})")
                declaration_id = bench.final_text(f"Round {number} Declaration")
                cpu_before = workers_cpu_seconds(server)
                with lock_waits(url) as samples:
                    run = answer_at_once(server.url, clients, declaration_id)
                cpu = (workers_cpu_seconds(server) - cpu_before) / len(run.responses) * 1000
                report(run)
                print(f"  gunicorn's workers: {cpu:.1f} ms of CPU per answer; PostgreSQL: a session waited for a lock "
                      f"in {samples['waiting']} of {samples['busy']} busy samples")
                milliseconds = [response.seconds * 1000 for response in run.responses]
                figures[name].append((percentile(milliseconds, 50), percentile(milliseconds, 95), run.seconds, cpu))
                problems += unexpected(run.responses, {"302"})
                if name != FLOOR:
                    problems += bench.check(declaration_id, run.responses, expect_all=True)
                if not all(response.status == 302 for response in run.responses):
                    print(f"  not every answer was taken: {statuses(run.responses)}")
    for checkout, rounds in figures.items():
        p50, p95, wall, cpu = (statistics.median(values) for values in zip(*rounds))
        print(f"\n{checkout}, median of {args.rounds} rounds: p50 {p50:.0f} ms, p95 {p95:.0f} ms (goal: 300 ms at most), "
              f"wall time {wall:.2f} s for {args.delegates} answers; {cpu:.1f} ms of the workers' CPU per answer")
        print("  ranges: " + "; ".join(
            f"{name} {min(values):.{digits}f} to {max(values):.{digits}f}"
            for name, digits, values in zip(("p50 ms", "p95 ms", "wall s", "CPU ms"), (0, 0, 2, 1), zip(*rounds))
        ))
    print(f"\nErrors and warnings in gunicorn's log ({args.log}):")
    for entry in log_digest(args.log):
        print(entry)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
