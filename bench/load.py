"""A bounded load test on loopback: the delegates of many organizations answer one final text at once.

It makes a PostgreSQL database of its own, seeds it in-process, serves the application with
gunicorn (4 synchronous workers, ServedTestConfig: CSRF on) and signs every delegate in. Then three runs, each
on a fresh final text:

1. every delegate answers at the same moment;
2. a gunicorn worker is killed with SIGKILL while the answers are in flight;
3. PostgreSQL is stopped while the answers are in flight and started again two seconds later.

After each run it compares what the clients were told with what the database holds: every
accepted answer is there, once, with its audit event, and the audit chain is intact. It prints
the latencies (p50, p95), the count of each status, the wall time and what each fault did.
Every request and every wait has a time limit, so the script stops by itself; its database and
gunicorn go away whatever happens. It ends with a digest of the errors in gunicorn's log, then
lists every PROBLEM found and exits with 1 if there is one.

    .venv/bin/python bench/load.py [--delegates 200]

Run it as root, on a machine whose PostgreSQL (127.0.0.1:5432, version from /etc/postgresql)
is yours to restart: the third run cuts every client of that server, not only this one.
tests/test_load.py runs the first two runs, smaller, in the test suite.
"""

import argparse
import http.client
import http.cookiejar
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from config import TestConfig
from drafting import create_app
from drafting.domain import audit, signoff
from drafting.domain.circulation import circulate
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user, find_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import (
    Affirmation,
    AuditEvent,
    Declaration,
    Organization,
    OrganizationKind,
    ParticipantRole,
    UserRole,
)

ROOT = Path(__file__).resolve().parent.parent
# The gunicorn installed next to the Python running this script: the project's virtual environment.
GUNICORN = Path(sys.executable).parent / "gunicorn"
APPLICATION = 'drafting:create_app("config:ServedTestConfig")'
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
WORKERS = 4
PASSWORD = "correct horse battery staple"
ANSWER = {"answer": "affirmed", "authorised": "y"}
UNAVAILABLE = "The database is not answering"
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Seconds. gunicorn ends any request after 30 (gunicorn.conf.py), so a client waits a little longer.
REQUEST_TIMEOUT = 40
START_TIMEOUT = 60
RECOVERY_TIMEOUT = 60
POSTGRES_DOWNTIME = 2.0
COUNTRIES = ("JP", "KR", "CN", "VN", "TH", "PH", "ID", "MY", "KH", "MN")
CLAUSES = (
    ("The Role of Cities", "Cities are where the effects of a changing climate are felt first."),
    ("Working Together", "We will share what we learn, and *report* on it each year."),
    ("The Next Meeting", "We will meet again next year."),
)


# Seeding, in-process and in the application context.

@dataclass(frozen=True)
class Delegate:
    email: str
    organization_id: int
    organization: str


@dataclass(frozen=True)
class Cast:
    """Who takes part: the host's drafter, and one delegate for each participating organization."""

    drafter: str
    delegates: list[Delegate]


def seed_cast(delegates: int) -> Cast:
    """Make a host organization with a drafter, and `delegates` organizations with one delegate each."""
    host = Organization(name="Yokohama", kind=OrganizationKind.city, country="JP")
    db.session.add(host)
    drafter = create_user("drafter@yokohama.example.org", "Host Drafter", PASSWORD, UserRole.drafter, host)
    made = []
    for number in range(1, delegates + 1):
        organization = Organization(
            name=f"City {number:03}", kind=OrganizationKind.city, country=COUNTRIES[number % len(COUNTRIES)]
        )
        db.session.add(organization)
        user = create_user(f"delegate{number:03}@city{number:03}.example.org", f"Delegate {number:03}", PASSWORD,
                           UserRole.delegate, organization)
        mandate_from_the_operator(user, utcnow())
        made.append(Delegate(user.email, organization.id, organization.name))
    db.session.commit()
    return Cast(drafter.email, made)


def declaration_in_consultation(cast: Cast, title: str) -> int:
    """Make a declaration of a few clauses, invite every delegate's organization, circulate it; return its id."""
    drafter = find_user(cast.drafter)
    today = date.today()
    declaration = create_declaration(drafter.organization, drafter, title=title, meeting_name="Bench Meeting",
                                     place="Yokohama", starts_on=today, ends_on=today)
    for heading, body in CLAUSES:
        add_clause(declaration, heading, body)
    for delegate in cast.delegates:
        invite(declaration, db.session.get(Organization, delegate.organization_id), ParticipantRole.participant)
    circulate(declaration, drafter, today + timedelta(days=7), today)
    db.session.commit()
    return declaration.id


def final_text_awaiting_answers(cast: Cast, title: str) -> int:
    """Make a declaration whose final text awaits every delegate's answer, for a week; return its id."""
    declaration_id = declaration_in_consultation(cast, title)
    today = date.today()
    signoff.propose_final(db.session.get(Declaration, declaration_id), find_user(cast.drafter),
                          today + timedelta(days=7), today)
    db.session.commit()
    return declaration_id


@contextmanager
def bench_database() -> Iterator[str]:
    """Yield the URL of a new PostgreSQL database, dropped afterwards.

    Its name starts with BENCH_DATABASE_PREFIX from the environment (drafting_bench_ by default), so
    that benches run side by side on one server each keep to databases of their own.
    """
    name = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'drafting_bench_')}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def seeding_app(database_url: str) -> Iterator[Flask]:
    """Yield the application on this database, migrated, to seed and check it in-process."""

    class Seeding(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        # The checks read the database again after PostgreSQL restarted: test each pooled connection first.
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    app = create_app(Seeding)
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


# Serving.

def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_files(pid: int) -> set[str]:
    """Return what the process's file descriptors point to ("socket:[inode]" for a socket)."""
    links = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.add(os.readlink(descriptor))
        except FileNotFoundError:
            pass  # closed in the meantime
    return links


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def workers(self) -> list[int]:
        """Return the process ids of the master's workers."""
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def serving(self) -> list[int]:
        """Return the workers holding a client's connection: those in the middle of a request."""
        port = int(self.url.rsplit(":", 1)[1])
        connections = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if int(local.split(":")[1], 16) == port and state == "01":  # 01: established
                connections.add(f"socket:[{inode}]")
        return [pid for pid in self.workers() if connections & open_files(pid)]

    def healthy_within(self, seconds: float) -> float | None:
        """Poll /healthz until it answers 200; return how long that took, or None if it did not in time."""
        started = time.monotonic()
        client = Client()
        while time.monotonic() - started < seconds:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            # Under load /healthz waits its turn behind the answers: give it time.
            if client.get(f"{self.url}/healthz", timeout=10).status == 200:
                return time.monotonic() - started
            time.sleep(0.1)
        return None


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn's master and workers: politely, then by force."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)  # gunicorn.conf.py gives workers 30 s to finish their requests
    except ProcessLookupError:
        process.wait()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def gunicorn(database_url: str, log: Path, workers: int | None = WORKERS, env: dict | None = None,
             checkout: Path = ROOT, application: str = APPLICATION) -> Iterator[Server]:
    """Serve the application on this database with gunicorn, on a free local port, until the block ends.

    gunicorn reads gunicorn.conf.py from the top of the checkout (timeouts, access log) and imports
    the application from it: this one, or another (`checkout`) to compare two versions of the code. The
    command line sets the port, and the workers unless `workers` is None. Output goes to `log`.
    """
    port = free_port()
    environment = {**os.environ, "TEST_DATABASE_URL": database_url, **(env or {})}
    with log.open("ab") as output:
        # A session of its own, so that stopping it reaches the master and every worker. No control
        # socket: gunicorn would open one at ~/.gunicorn/gunicorn.ctl, the same path for every server.
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", *(["--workers", str(workers)] if workers else []),
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", application],
            cwd=checkout, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        server = Server(f"http://127.0.0.1:{port}", process, log)
        if server.healthy_within(START_TIMEOUT) is None:
            raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT} s; see {log}")
        yield server
    finally:
        stop(process)


# Clients.

class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer to look at (302 means the form was taken), not a page to fetch.
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Response:
    status: int | None  # None when no HTTP answer came back: the connection broke or timed out
    body: str
    seconds: float
    error: str | None = None
    location: str | None = None  # where a redirect points

    @property
    def label(self) -> str:
        return str(self.status) if self.status is not None else self.error


class Client:
    """One user's browser: cookies of its own, redirects not followed, a time limit on every request.

    Cookies do not depend on the port: one client signed in on one server is signed in on another
    server of the same host too. Like a browser, it sends back with every form the CSRF token of
    the last page it read that had one.
    """

    def __init__(self, headers: dict[str, str] | None = None):
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects)
        # Sent with every request, after urllib's own (a proxy's X-Forwarded-For, say).
        self._opener.addheaders += list((headers or {}).items())
        self.csrf_token: str | None = None

    def get(self, url: str, timeout: float = REQUEST_TIMEOUT) -> Response:
        response = self._open(urllib.request.Request(url), timeout)
        if token := CSRF_TOKEN.search(response.body):
            self.csrf_token = token.group(1)
        return response

    def post(self, url: str, data: dict[str, str], timeout: float = REQUEST_TIMEOUT) -> Response:
        if self.csrf_token is not None:
            data = {"csrf_token": self.csrf_token, **data}
        return self._open(urllib.request.Request(url, data=urllib.parse.urlencode(data).encode()), timeout)

    def post_file(self, url: str, name: str, filename: str, content: bytes, timeout: float = REQUEST_TIMEOUT) -> Response:
        """Post one file as multipart/form-data, with the CSRF token of the last page read."""
        boundary = uuid.uuid4().hex
        parts = [] if self.csrf_token is None else [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{self.csrf_token}\r\n'.encode()
        ]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     "Content-Type: application/pdf\r\n\r\n".encode() + content + f"\r\n--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            url, data=b"".join(parts), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return self._open(request, timeout)

    def _open(self, request: urllib.request.Request, timeout: float) -> Response:
        started = time.perf_counter()
        try:
            with self._opener.open(request, timeout=timeout) as response:
                body = response.read().decode()
                return Response(response.status, body, time.perf_counter() - started)
        except urllib.error.HTTPError as error:  # any status but 2xx, 302 included
            try:
                with error:
                    body = error.read().decode()
            except (OSError, http.client.HTTPException) as cut:  # a worker killed while it sent the body
                return Response(None, "", time.perf_counter() - started, type(cut).__name__)
            return Response(error.code, body, time.perf_counter() - started, location=error.headers["Location"])
        except (OSError, http.client.HTTPException) as error:
            cause = error.reason if isinstance(error, urllib.error.URLError) else error
            return Response(None, "", time.perf_counter() - started, type(cause).__name__)


def signed_in(url: str, email: str) -> Client:
    """Return a client signed in on the server at `url`, holding the CSRF token of its session."""
    client = Client()
    client.get(f"{url}/login")
    response = client.post(f"{url}/login", {"email": email, "password": PASSWORD})
    if response.status != 302:
        raise RuntimeError(f"{email} could not sign in: {response.label}")
    client.get(f"{url}/")
    return client


# Load and faults.

class Load:
    """One run of answers in flight: how many came back, and what happened meanwhile."""

    def __init__(self, total: int):
        self.total = total
        self.started = time.monotonic()  # set again when the answers are released
        self.events: list[str] = []
        # What a fault asked the application itself while it struck, by path.
        self.probes: dict[str, Response] = {}
        self._back = 0
        self._changed = threading.Condition()

    def one_back(self) -> None:
        with self._changed:
            self._back += 1
            self._changed.notify_all()

    @property
    def back(self) -> int:
        return self._back

    def wait_for(self, count: int, timeout: float = REQUEST_TIMEOUT) -> None:
        """Wait until `count` answers have come back, or the timeout passed."""
        with self._changed:
            self._changed.wait_for(lambda: self._back >= count, timeout)

    def note(self, text: str) -> None:
        self.events.append(f"{time.monotonic() - self.started:6.2f} s  {text}")


Fault = Callable[[Load], None]


@dataclass
class Run:
    responses: list[Response]
    seconds: float
    load: Load
    retried: dict[int, Response] = field(default_factory=dict)  # by client index, for those retried

    def final(self) -> list[Response]:
        """Return each client's last response: the retry's, where there was one."""
        return [self.retried.get(index, response) for index, response in enumerate(self.responses)]


def answer_at_once(url: str, clients: list[Client], declaration_id: int, fault: Fault | None = None) -> Run:
    """Release every client's affirmation at the same moment, strike with `fault` meanwhile; return the run."""
    address = f"{url}/declarations/{declaration_id}/affirmation"
    responses: list[Response | None] = [None] * len(clients)
    barrier = threading.Barrier(len(clients) + 1, timeout=START_TIMEOUT)
    load = Load(len(clients))

    def answer(index: int) -> None:
        barrier.wait()
        responses[index] = clients[index].post(address, ANSWER)
        load.one_back()

    threads = [threading.Thread(target=answer, args=(index,), daemon=True) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    barrier.wait()
    load.started = started = time.monotonic()
    if fault is not None:
        fault(load)
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("Some requests outlived their own timeout.")
    return Run(responses, time.monotonic() - started, load)


def retry_once(url: str, clients: list[Client], declaration_id: int, run: Run,
               should_retry: Callable[[Response], bool]) -> None:
    """Send again, all at once, the answers whose first response `should_retry`; keep the new responses in `run`."""
    again = [index for index, response in enumerate(run.responses) if should_retry(response)]
    if again:
        retry = answer_at_once(url, [clients[index] for index in again], declaration_id)
        run.retried = dict(zip(again, retry.responses))


def kill_a_worker(server: Server, after: int) -> Fault:
    """Return a fault that kills a gunicorn worker with SIGKILL once `after` answers have come back.

    It picks a worker in the middle of a request if it finds one within a few seconds: killing an
    idle worker would test nothing.
    """

    def fault(load: Load) -> None:
        load.wait_for(after)
        deadline = time.monotonic() + 5
        while not (serving := server.serving()) and time.monotonic() < deadline:
            time.sleep(0.01)
        victim = serving[0] if serving else server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        load.note(f"worker {victim} ({'serving a request' if serving else 'idle'}) killed with SIGKILL; "
                  f"{load.back} of {load.total} answers were back")

    return fault


def postgresql_cluster(action: str) -> None:
    """Stop or start the local PostgreSQL cluster (the newest version under /etc/postgresql)."""
    version = max(os.listdir("/etc/postgresql"), key=float)
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                   check=True, capture_output=True, timeout=60)


def restart_postgresql(server: Server, probe: Client, probe_path: str, after: int) -> Fault:
    """Return a fault that stops PostgreSQL once `after` answers have come back, asks the application
    for /healthz and `probe_path` (signed in as `probe`) while it is down, starts it again after
    POSTGRES_DOWNTIME seconds, and waits until /healthz answers 200 again."""

    def fault(load: Load) -> None:
        load.wait_for(after)
        postgresql_cluster("stop")
        stopped = time.monotonic()
        load.note(f"PostgreSQL stopped; {load.back} of {load.total} answers were back")
        try:
            for path in ("/healthz", probe_path):
                response = probe.get(f"{server.url}{path}", timeout=10)
                load.probes[path] = response
                load.note(f"while it is down: GET {path} -> {response.label}")
            time.sleep(max(0.0, POSTGRES_DOWNTIME - (time.monotonic() - stopped)))
        finally:
            postgresql_cluster("start")  # whatever happened: never leave the server down
        load.note(f"PostgreSQL started; {load.back} of {load.total} answers were back")
        took = server.healthy_within(RECOVERY_TIMEOUT)
        load.note(f"/healthz answers 200 again, {took:.2f} s later" if took is not None
                  else f"/healthz still does not answer 200 after {RECOVERY_TIMEOUT} s")

    return fault


# Checks: each returns the list of what is wrong, empty when all is well.

def gist(text: str, length: int = 160) -> str:
    """Return the start of a page or message on one line."""
    return " ".join(text.split())[:length]


def unexpected(responses: list[Response], allowed: set[str]) -> list[str]:
    """List, with their counts, the pages with a status outside `allowed`, a traceback, or a 503 without
    its clear message."""
    found: Counter[str] = Counter()
    for response in responses:
        if response.label not in allowed:
            found[f"unexpected {response.label}: {gist(response.body)!r}"] += 1
        elif "Traceback" in response.body:
            found[f"a traceback in a {response.label} page"] += 1
        elif response.status == 503 and UNAVAILABLE not in response.body:
            found[f"a 503 page without {UNAVAILABLE!r}: {gist(response.body)!r}"] += 1
    return [f"{count} x {problem}" for problem, count in found.items()]


def check_database(declaration_id: int, cast: Cast, responses: list[Response], expect_all: bool) -> list[str]:
    """Compare what the database holds for the declaration with what the clients were told; print a summary.

    Every client told 302 has its organization's live answer, and none told an error has one; no
    organization has two; every answer, live or superseded, has its "answer" audit event and no
    event lacks its answer (no half-written answer); the audit chain is intact; with `expect_all`,
    every organization answered. Must run in the application context.
    """
    names = {delegate.organization_id: delegate.organization for delegate in cast.delegates}
    rows = db.session.execute(
        select(Affirmation.organization_id, Affirmation.live)
        .where(Affirmation.declaration_id == declaration_id, Affirmation.organization_id.in_(names))
    ).all()
    live = Counter(names[organization_id] for organization_id, is_live in rows if is_live)
    answers = Counter(names[organization_id] for organization_id, _ in rows)
    events = Counter(
        detail["organization"] for detail in db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.declaration_id == declaration_id, AuditEvent.action == "answer")
        )
    )
    chain = audit.verify()
    print(f"  database: {len(live)} organizations with a live answer, {sum(live.values())} live answers, "
          f"{len(rows)} answers in all, {sum(events.values())} answer events; audit chain of {chain.events} events "
          f"{'intact' if chain.intact else 'BROKEN'}")

    wrong: dict[str, list[str]] = {}
    for organization, count in live.items():
        if count > 1:
            wrong.setdefault("more than one live answer", []).append(organization)
    for delegate, response in zip(cast.delegates, responses):
        if response.status == 302 and delegate.organization not in live:
            wrong.setdefault("told 302 but without a live answer", []).append(delegate.organization)
        if response.status not in (302, None) and delegate.organization in live:
            # The error pages say "Nothing you sent was saved".
            wrong.setdefault(f"told {response.status} but the answer was recorded", []).append(delegate.organization)
    for organization in sorted(answers.keys() | events.keys()):
        if answers[organization] != events[organization]:
            wrong.setdefault("not as many answers as answer events (half-written)", []).append(organization)
    problems = [f"{len(organizations)} organizations {kind}: {', '.join(organizations[:10])}"
                + (", ..." if len(organizations) > 10 else "") for kind, organizations in wrong.items()]
    if expect_all and len(live) != len(cast.delegates):
        problems.append(f"{len(live)} of {len(cast.delegates)} organizations have a live answer")
    if not chain.intact:
        problems.append(f"the audit chain breaks at event {chain.first_broken.id}: {chain.reason}")
    return problems


# Reports.

def percentile(values: list[float], percent: float) -> float:
    """Return the nearest-rank percentile of the values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def statuses(responses: list[Response]) -> str:
    counts = Counter(response.label for response in responses)
    return ", ".join(f"{label} x {count}" for label, count in sorted(counts.items()))


def report(run: Run) -> None:
    """Print what happened during the run, the statuses, the latencies and the wall time."""
    for event in run.load.events:
        print(f"  {event}")
    seconds = [response.seconds * 1000 for response in run.responses]
    print(f"  statuses: {statuses(run.responses)}")
    print(f"  latency: p50 {percentile(seconds, 50):.0f} ms, p95 {percentile(seconds, 95):.0f} ms, "
          f"max {max(seconds):.0f} ms; wall time {run.seconds:.2f} s for {len(run.responses)} answers")


# The runs, on a served application with signed-in delegates.

@dataclass(frozen=True)
class Bench:
    app: Flask
    server: Server
    cast: Cast
    clients: list[Client]  # one signed-in client per delegate, in the cast's order

    def final_text(self, title: str) -> int:
        """Seed a fresh final text awaiting every delegate's answer; return its declaration's id."""
        with self.app.app_context():
            return final_text_awaiting_answers(self.cast, title)

    def check(self, declaration_id: int, responses: list[Response], expect_all: bool) -> list[str]:
        with self.app.app_context():
            return check_database(declaration_id, self.cast, responses, expect_all)


@contextmanager
def served(database_url: str, delegates: int, log: Path) -> Iterator[Bench]:
    """Seed the database with a host and `delegates` organizations, serve it with gunicorn, sign everyone in."""
    with seeding_app(database_url) as app:
        with app.app_context():
            cast = seed_cast(delegates)
        with gunicorn(database_url, log) as server:
            with ThreadPoolExecutor(max_workers=16) as pool:
                clients = list(pool.map(lambda delegate: signed_in(server.url, delegate.email), cast.delegates))
            yield Bench(app, server, cast, clients)


def clean_answers(bench: Bench) -> list[str]:
    """Every delegate answers at the same moment: every answer is taken and recorded once."""
    print(f"\n1. {len(bench.clients)} delegates answer the same final text at once ({WORKERS} gunicorn workers)")
    declaration_id = bench.final_text("Clean Run Declaration")
    run = answer_at_once(bench.server.url, bench.clients, declaration_id)
    report(run)
    return unexpected(run.responses, {"302"}) + bench.check(declaration_id, run.responses, expect_all=True)


def worker_killed(bench: Bench) -> list[str]:
    """A worker dies by SIGKILL mid-load: no committed answer is lost, none is half-written.

    The clients whose connection broke retry once; then every organization has answered. The
    master replaces the worker.
    """
    print("\n2. A gunicorn worker is killed with SIGKILL while the answers are in flight")
    declaration_id = bench.final_text("Worker Killed Declaration")
    server, clients = bench.server, bench.clients
    run = answer_at_once(server.url, clients, declaration_id, kill_a_worker(server, after=max(1, len(clients) // 5)))
    report(run)
    retry_once(server.url, clients, declaration_id, run, lambda response: response.status is None)
    print(f"  the broken ones retried once: {statuses(list(run.retried.values())) or 'none'}")
    # Only a broken connection was retried: any other answer but 302 is still there to see.
    problems = unexpected(run.final(), {"302"}) + bench.check(declaration_id, run.final(), expect_all=True)
    deadline = time.monotonic() + START_TIMEOUT
    while len(server.workers()) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.1)
    if len(server.workers()) < WORKERS:
        problems.append(f"the master did not replace the killed worker: {len(server.workers())} workers")
    return problems


def postgresql_restarted(bench: Bench) -> list[str]:
    """PostgreSQL stops mid-load and comes back: meanwhile a clear 503, never a 500; then it recovers by itself.

    The clients told 503 answer again once it is back, and then every organization has answered.
    """
    print(f"\n3. PostgreSQL is stopped while the answers are in flight, and started {POSTGRES_DOWNTIME:.0f} s later")
    declaration_id = bench.final_text("Database Restarted Declaration")
    server, clients = bench.server, bench.clients
    host = signed_in(server.url, bench.cast.drafter)
    fault = restart_postgresql(server, host, f"/declarations/{declaration_id}/tracker",
                               after=max(1, len(clients) // 5))
    run = answer_at_once(server.url, clients, declaration_id, fault)
    report(run)
    probes = dict(run.load.probes)
    health = probes.pop("/healthz", None)
    problems = [] if health is not None and health.status == 503 else ["/healthz did not answer 503 while it was down"]
    problems += unexpected(run.responses + list(probes.values()), {"302", "503"})
    if not any(response.status == 503 for response in run.responses):
        problems.append("no answer met the database while it was down")
    problems += bench.check(declaration_id, run.responses, expect_all=False)
    retry_once(server.url, clients, declaration_id, run, lambda response: response.status != 302)
    print(f"  the refused ones retried once: {statuses(list(run.retried.values())) or 'none'}")
    problems += unexpected(run.final(), {"302"}) + bench.check(declaration_id, run.final(), expect_all=True)
    return problems


# A line of gunicorn's own log ("[time] [pid] [LEVEL] message") or of Flask's ("[time] LEVEL in module: message").
LOG_RECORD = re.compile(
    r"^\[[^\]]+\] (?:\[\d+\] \[(?P<level>[A-Z]+)\]|(?P<flask_level>[A-Z]+) in \w+:) (?P<message>.*)"
)
APPLICATION_FRAME = re.compile(r'File "[^"]*/((?:drafting|templates)/[^"]+)", line (\d+), in (\S+)')
EXCEPTION_LINE = re.compile(r"^(?:\w+\.)+\w+: ")


def log_digest(log: Path) -> list[str]:
    """Summarize the errors and warnings in gunicorn's output: each kind once, with its count, the
    application's frames of its traceback and the exception it ended with."""
    found: Counter[str] = Counter()
    record: list[str] | None = None  # the message, then the frames, then the exception

    def close() -> None:
        if record is not None:
            message, *frames, exception = record
            found["\n".join(filter(None, [message, frames and f"    at {' > '.join(frames)}", exception]))] += 1

    for line in log.read_text(errors="replace").splitlines():
        matched = LOG_RECORD.match(line)
        if matched or line.startswith("127.0.0.1 "):  # a new record, or an access-log line
            close()
            level = matched and (matched["level"] or matched["flask_level"])
            record = [f"[{level}] {matched['message']}", ""] if level in ("WARNING", "ERROR", "CRITICAL") else None
        elif record is not None and (frame := APPLICATION_FRAME.search(line)):
            location = f"{frame[1]}:{frame[2]} {frame[3]}"
            if location != record[-2]:  # a chained exception repeats the frames of its cause
                record.insert(-1, location)
        elif record is not None and EXCEPTION_LINE.match(line):
            record[-1] = f"    raised {gist(line, 200)}"
    close()
    return [f"{count} x {text}" for text, count in found.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delegates", type=int, default=200, help="how many delegates answer at once (200)")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "drafting-bench-gunicorn.log",
                        help="where gunicorn writes its output (overwritten)")
    args = parser.parse_args(argv)
    args.log.unlink(missing_ok=True)
    started = time.monotonic()
    with bench_database() as url, served(url, args.delegates, args.log) as bench:
        print(f"Seeded {args.delegates} delegates and signed them in; gunicorn at {bench.server.url}, log {args.log}")
        problems = clean_answers(bench) + worker_killed(bench) + postgresql_restarted(bench)
    print(f"\nErrors and warnings in gunicorn's log ({args.log}):")
    for entry in log_digest(args.log):
        print(entry)
    print(f"\nDone in {time.monotonic() - started:.1f} s.")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
