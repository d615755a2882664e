"""Does the forgotten-password form tell who has an account by the time it takes to answer?

`.venv/bin/python bench/password_reset.py [--rounds 100]`

It makes a PostgreSQL database of its own with one account, serves the application with
gunicorn (2 synchronous workers, ServedTestConfig: CSRF on, mail written as files), and posts the
form alternately with the account's address and with an unknown one, pausing between posts so
that each is measured alone. It prints the median and the 90th percentile of each, and their ratio.
The e-mail is only queued in the answer's transaction and sent after the answer, so the two should
differ by about a database write, not by the sending of a message.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import PASSWORD, Client, bench_database, gunicorn, seeding_app  # noqa: E402
from drafting.domain.people.accounts import create_user  # noqa: E402
from drafting.extensions import db  # noqa: E402
from drafting.models import UserRole  # noqa: E402

KNOWN = "mariko@tokyo.example.org"
UNKNOWN = "nobody@tokyo.example.org"


def main() -> None:
    """Measure the forgotten-password answers for a known and an unknown address; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as scratch, bench_database() as url:
        with seeding_app(url) as app, app.app_context():
            create_user(KNOWN, "Mariko Sato", PASSWORD, UserRole.administrator, None)
            db.session.commit()
        mail = {"TEST_MAIL_FILE_DIRECTORY": str(Path(scratch) / "mail")}
        with gunicorn(url, Path(scratch) / "gunicorn.log", workers=2, env=mail) as server:
            client = Client()
            client.get(f"{server.url}/password/forgotten")
            times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
            for _ in range(rounds):
                for address in (KNOWN, UNKNOWN):
                    response = client.post(f"{server.url}/password/forgotten", {"email": address})
                    if response.status != 302:
                        raise SystemExit(f"{address}: answered {response.label}")
                    times[address].append(response.seconds)
                    # Let the worker finish sending, as it would between two attackers' guesses.
                    time.sleep(0.05)
            sent = len(list((Path(scratch) / "mail").glob("*.eml")))
    print(f"forgotten-password answers, {rounds} each, gunicorn on PostgreSQL:")
    for label, address in (("known address", KNOWN), ("unknown address", UNKNOWN)):
        values = sorted(times[address])
        print(f"  {label:16} median {statistics.median(values) * 1000:6.1f} ms"
              f"   p90 {values[int(len(values) * 0.9) - 1] * 1000:6.1f} ms")
    ratio = statistics.median(times[KNOWN]) / statistics.median(times[UNKNOWN])
    print(f"  known / unknown  {ratio:.2f}; messages sent after the answers: {sent}")


if __name__ == "__main__":
    main()
