"""Does a process that renders PDFs one after another keep its size? `.venv/bin/python -m bench.pdf_memory`.

In a temporary SQLite database it builds bench/pdf.py's three declarations (45 participants, 60
clauses, Japanese), then renders them in turn, as a gunicorn worker would one request after
another: 400 PDFs by default, nothing stored. It prints the process's resident size (RSS) after
the first 10 renders, every 50 after, after the last, and its peak (VmHWM), next to the goal of
issue 16: after 400 renders, within 10 % of the size after the first 10.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.pdf import app_for, build, render
from drafting.extensions import db

GOAL = 0.10  # growth allowed after the first 10 renders
SETTLED = 10


def memory() -> dict[str, float]:
    """Return this process's resident size now and at its peak, in MiB (Linux's /proc)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = app_for(Path(folder) / "bench.sqlite")
        with app.app_context():
            db.create_all()
            cases = list(build().values())
            db.session.remove()
            started = time.perf_counter()
            print(f"before the first render: {memory()['VmRSS']:.1f} MiB")
            settled = None
            for number in range(1, args.renders + 1):
                render(cases[number % len(cases)]["declaration"])
                db.session.remove()  # as at the end of a request
                if number == SETTLED:
                    settled = memory()["VmRSS"]
                if number == SETTLED or number % 50 == 0 or number == args.renders:
                    print(f"after {number:>4} renders: {memory()['VmRSS']:.1f} MiB "
                          f"({time.perf_counter() - started:.0f} s)")
            last, peak = memory()["VmRSS"], memory()["VmHWM"]
    growth = (last - settled) / settled
    print(f"\nafter {SETTLED}: {settled:.1f} MiB, after {args.renders}: {last:.1f} MiB, peak {peak:.1f} MiB")
    print(f"growth after the first {SETTLED}: {growth:+.1%}   goal: within {GOAL:.0%}  "
          f"{'met' if abs(growth) <= GOAL else 'MISSED'}")
    return 0 if abs(growth) <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
