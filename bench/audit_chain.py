"""How long the audit chain holds its lock for one event, on PostgreSQL: the part of an answer that no
other answer can share.

Every answer appends one event to the one chain (drafting.domain.audit): it locks the chain's head,
writes the event, moves and seals the head, and commits, which waits for PostgreSQL to flush its
log. Answers given at once take turns there, so 200 answers at once take at least 200 times this,
whatever the number of workers. The bench appends events through drafting.domain.audit.record on a
database of its own, one after another in their own transactions, for a few rounds, and prints the
time per event and for 200 events, next to issue 16's goal for the p95 of 200 answers (0.3 s).

    .venv/bin/python -m bench.audit_chain [--events 200] [--rounds 3]
"""

import argparse
import statistics
import time

from bench.load import bench_database, seeding_app
from drafting.domain import audit
from drafting.extensions import db

GOAL_SECONDS = 0.3  # issue 16: p95 of 200 answers at once


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args(argv)
    rounds = []
    with bench_database() as database_url, seeding_app(database_url) as app, app.app_context():
        for number in range(options.rounds):
            started = time.perf_counter()
            for event in range(options.events):
                audit.record("bench append", None, None, round=number, event=event)
                db.session.commit()
            rounds.append(time.perf_counter() - started)
        intact = audit.verify().intact
    each = statistics.median(rounds) / options.events
    print(f"{options.events} events appended one after another, {options.rounds} rounds: "
          + ", ".join(f"{seconds * 1000:.0f} ms" for seconds in rounds))
    print(f"each append, from taking the lock to the end of its commit: {each * 1000:.2f} ms (median round); "
          f"chain intact: {intact}")
    print(f"200 answers at once wait at least {each * 200 * 1000:.0f} ms in turn for it "
          f"(issue 16's goal for their p95: {GOAL_SECONDS * 1000:.0f} ms)")
    return 0 if intact else 1


if __name__ == "__main__":
    raise SystemExit(main())
