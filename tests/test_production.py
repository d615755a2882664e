"""Production started exactly as README.md's "Running in production" says.

The test reads the section's shell commands out of README.md itself, so that it follows the
README when it changes, or fails. It runs the environment block in bash as written (SECRET_KEY is
made by the README's own command), then points the two services the README names on example hosts
at local ones: DATABASE_URL at a fresh PostgreSQL database, in the README's postgresql:// form,
and RATELIMIT_STORAGE_URI at the local Redis, and SIGNING_KEY_FILE, a path on the server, at a file
in the test's temporary folder, which the README's own `signing make-key` command makes.
SERVER_NAME, the MAIL_* settings and PROXY_FIX_HOPS stay as the README writes them: nothing in
this journey sends mail.

The commands run as subprocesses, exactly as written, from the checkout, with the project's
virtual environment first on PATH. gunicorn binds a free loopback port through GUNICORN_BIND, and
runs two workers through GUNICORN_WORKERS (both documented in the README): the machine is shared.

The cookies are Secure, so the client is what production has in front of gunicorn: a browser
talking HTTPS to a reverse proxy that terminates TLS and forwards each request with
X-Forwarded-Proto: https, which PROXY_FIX_HOPS=1 trusts. The browser's cookie jar decides which
cookies go with each request for the https:// address, as a browser does. Sending the cookies by
hand over plain HTTP would get past the Secure flag instead of honouring it, and the application
would not see HTTPS, so the checks that depend on it (CSRF's same-origin Referer check, HSTS)
would not run.
"""

import ipaddress
import json
import os
import random
import re
import shlex
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.client import HTTPConnection
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from bench.load import CSRF_TOKEN, free_port, stop
from drafting.extensions import db as _db
from drafting.rendering.signing_keys import make_self_signed
from tests.databases import fresh_postgresql_database, postgresql_server

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# The flask and gunicorn of the project's virtual environment, first on PATH as after `activate`.
PATH = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
LOCAL_REDIS = "redis://127.0.0.1:6379"
EMAIL = "secretariat@example.org"
NAME = "Network Secretariat"
PASSWORD = "a long password for production"
START_TIMEOUT = 60  # seconds


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: production runs in processes of its own, on a database of its own."""
    return _db


@pytest.fixture
def postgresql():
    """Yield a plain postgresql:// URL of a fresh database, whatever database the suite runs on."""
    server = postgresql_server()
    if server is None:
        pytest.skip("No PostgreSQL server answers (TEST_DATABASE_URL's, or 127.0.0.1:5432): production runs on PostgreSQL.")
    with fresh_postgresql_database(server, "drafting_production") as url:
        yield url


# Reading README.md.

def section(text: str, heading: str) -> str:
    """Return the body of the README section under `heading`, up to the next heading of any level."""
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#)", text, re.M | re.S)
    assert match, f"README.md has no section {heading!r}"
    return match.group(1)


def production_section() -> str:
    """Return the text of "Running in production"."""
    return section(README.read_text(encoding="utf-8"), "## Running in production")


def environment_block(text: str) -> str:
    """Return the first fenced code block of the section: the environment to set."""
    match = re.search(r"^( *)```\n(.*?)^\1```", text, re.M | re.S)
    assert match, "README.md's production section has no code block of environment variables"
    return textwrap.dedent(match.group(2))


def inline_command(text: str, program: str) -> str:
    """Return the one command written in backquotes in the text that starts with `program`."""
    found = re.findall(rf"`({re.escape(program)}(?: [^`]*)?)`", text)
    assert len(found) == 1, f"expected one `{program} ...` command in README.md's production section, found {found}"
    return found[0]


def user_create_command() -> str:
    """Fill in the usage line of `user create` from README.md's Commands for an administrator."""
    commands = section(README.read_text(encoding="utf-8"), "## Commands")
    match = re.search(r"^(flask --app drafting user create) (.*?)\s*(?:#.*)?$", commands, re.M)
    assert match, "README.md's Commands section has no `flask --app drafting user create` line"
    program, usage = match.groups()
    values = {"email": EMAIL, "name": NAME, "password": PASSWORD}  # an administrator belongs to no organization
    words = [program]
    for option, _placeholder in re.findall(r"(?<!\[)--(\w+) ([A-Z]+)\b", usage):
        if option in values:
            words += [f"--{option}", shlex.quote(values.pop(option))]
    assert not values, f"README.md's usage line of `user create` lacks {sorted(values)}"
    assert "[--admin]" in usage, "README.md's usage line of `user create` lacks [--admin]"
    return " ".join([*words, "--admin"])


def exported(block: str) -> dict[str, str]:
    """Run the environment block in bash as written and return the environment it leaves."""
    shell = subprocess.run(
        ["bash", "-c", f"set -e\n{block}\nenv -0"], env={"PATH": PATH, "HOME": os.environ.get("HOME", "/")},
        capture_output=True, text=True, timeout=30, check=False,
    )
    assert shell.returncode == 0, f"README.md's environment block fails in bash: {shell.stderr}"
    return dict(line.split("=", 1) for line in shell.stdout.split("\0") if line)


def run(command: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run one README command in bash, from the checkout, and insist that it succeeds."""
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, f"`{command}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


# Serving, and a browser behind a proxy.

@contextmanager
def served(command: str, environment: dict[str, str], log: Path) -> Iterator[int]:
    """Start the README's gunicorn command on a free loopback port; yield the port once /healthz answers."""
    port = free_port()
    with log.open("ab") as output:
        process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT,
                                   env={**environment, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = time.monotonic()
        while True:
            if process.poll() is not None:
                pytest.fail(f"`{command}` exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if direct(port, "/healthz", f"127.0.0.1:{port}").status == 200:
                    break
            except OSError:
                pass  # not listening yet
            assert time.monotonic() - started < START_TIMEOUT, f"/healthz did not answer 200:\n{log.read_text()[-3000:]}"
            time.sleep(0.2)
        yield port
    finally:
        stop(process)


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    body: str


def direct(port: int, path: str, host: str) -> Page:
    """GET a path straight from gunicorn, as a load balancer's health check does, naming `host`."""
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return Page(response.status, dict(response.getheaders()), response.read().decode())
    finally:
        connection.close()


class BrowserBehindProxy:
    """A browser at https://<site> whose requests a TLS-terminating proxy forwards to gunicorn on `port`.

    The proxy passes the Host on and adds X-Forwarded-For, -Proto and -Host, as the README's
    PROXY_FIX_HOPS=1 expects of it.
    """

    def __init__(self, site: str, port: int):
        self.site = site
        self.port = port
        self.cookies = CookieJar()
        # An address of its own in the documentation range, which the proxy forwards: failed sign-ins
        # must be counted under it, not under the proxy's.
        self.address = str(ipaddress.IPv6Network("2001:db8::/32")[random.getrandbits(96)])

    def get(self, path: str, site: str | None = None) -> Page:
        return self._send("GET", path, None, site or self.site)

    def post(self, path: str, form: dict[str, str], referer: str) -> Page:
        return self._send("POST", path, form, self.site, referer)

    def _send(self, method: str, path: str, form: dict[str, str] | None, site: str, referer: str | None = None) -> Page:
        seen_by_browser = urllib.request.Request(f"https://{site}{path}", method=method)
        self.cookies.add_cookie_header(seen_by_browser)  # Secure cookies go only with an https:// address
        headers = {"Host": site, "X-Forwarded-For": self.address, "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": site}
        if cookie := seen_by_browser.get_header("Cookie"):
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{site}"
            headers["Referer"] = f"https://{site}{referer}"  # a browser's same-origin form post
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            self.cookies.extract_cookies(response, seen_by_browser)
            return Page(response.status, dict(response.getheaders()), response.read().decode())
        finally:
            connection.close()


def test_production_starts_and_serves_exactly_as_the_readme_says(postgresql, tmp_path):
    text = production_section()
    environment = exported(environment_block(text))
    assert len(environment["SECRET_KEY"]) >= 32
    # The README's example hosts become local services, in the forms the README writes them.
    for name, local in (("DATABASE_URL", postgresql), ("RATELIMIT_STORAGE_URI", LOCAL_REDIS)):
        scheme = local.split("://")[0]
        assert environment[name].startswith(f"{scheme}://"), f"README.md's {name} is no longer a {scheme}:// URL"
        environment[name] = local
    site = environment["SERVER_NAME"]
    assert environment["PROXY_FIX_HOPS"] == "1"
    assert environment["SIGNING_KEY_FILE"].endswith(".p12") and len(environment["SIGNING_KEY_PASSWORD"]) >= 32
    environment["SIGNING_KEY_FILE"] = str(tmp_path / "signing-key.p12")

    made = run(inline_command(text, "flask --app drafting signing make-key"), environment)
    assert f'for "drafting at {site}"' in made.stdout
    run(inline_command(text, "flask --app drafting db upgrade"), environment)
    assert "Created administrator" in run(user_create_command(), environment).stdout
    # The production entry point also takes every flask command.
    assert "(head)" in run("flask --app drafting.wsgi:app db current", environment).stdout

    with served(inline_command(text, "gunicorn"), environment, tmp_path / "gunicorn.log") as port:
        # A load balancer probes each server at its own address.
        health = direct(port, "/healthz", f"127.0.0.1:{port}")
        assert (health.status, json.loads(health.body)) == (200, {"status": "ok", "database": "ok"})

        browser = BrowserBehindProxy(site, port)
        assert browser.get("/admin/").status == 302  # behind sign-in
        login = browser.get("/login")
        assert login.status == 200 and "max-age=" in login.headers["Strict-Transport-Security"]
        cookies = list(browser.cookies)
        assert cookies and all(cookie.secure and cookie.has_nonstandard_attr("HttpOnly") for cookie in cookies)
        # Over plain HTTP a browser would send none of them: Secure is honoured, not got around.
        plain = urllib.request.Request(f"http://{site}/")
        browser.cookies.add_cookie_header(plain)
        assert plain.get_header("Cookie") is None

        token = CSRF_TOKEN.search(login.body).group(1)
        mistyped = browser.post("/login", {"csrf_token": token, "next": "", "email": EMAIL, "password": "mistyped"},
                                referer="/login")
        assert mistyped.status == 422 and "not right" in mistyped.body
        # The failed sign-in was counted in the database, under the /64 of the address the proxy forwarded.
        forwarded = str(ipaddress.IPv6Network(f"{browser.address}/64", strict=False))
        counted = sqlalchemy.create_engine(postgresql.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with counted.connect() as connection:
                addresses = connection.scalars(sqlalchemy.text("select address from failed_sign_ins")).all()
        finally:
            counted.dispose()
        assert addresses == [forwarded]
        signed_in = browser.post("/login", {"csrf_token": token, "next": "", "email": EMAIL, "password": PASSWORD},
                                 referer="/login")
        assert signed_in.status == 302, signed_in.body
        assert signed_in.headers["Location"] in ("/", f"https://{site}/")
        administration = browser.get("/admin/")
        assert administration.status == 200 and NAME in administration.body
        assert administration.headers["Cache-Control"] == "no-store"

        # Another Host is refused, through the proxy and straight at gunicorn alike.
        assert browser.get("/login", site="evil.example.org").status == 400
        assert direct(port, "/login", "evil.example.org").status == 400

    # Step 5's command, which cron runs with the environment of step 1: nothing waits to be sent.
    assert "Sent 0;" in run(inline_command(text, "flask --app drafting.wsgi:app mail send"), environment).stdout


SIGNING_KEY_PASSWORD = "made-with-the-key-" + "z" * 30


@pytest.fixture(scope="module")
def signing_key_file(tmp_path_factory) -> str:
    """A PKCS#12 file of a signing key, encrypted with SIGNING_KEY_PASSWORD."""
    path = tmp_path_factory.mktemp("signing") / "signing-key.p12"
    make_self_signed(path, "drafting at declarations.example.org", SIGNING_KEY_PASSWORD, years=1)
    return str(path)


def production_check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ProductionConfig.check in a process of its own: config.py reads the environment once, when it is imported."""
    return subprocess.run([sys.executable, "-c", "from config import ProductionConfig; ProductionConfig.check()"],
                          cwd=ROOT, env={"PATH": PATH, **environment}, capture_output=True, text=True, timeout=30,
                          check=False)


def production_environment(signing_key_file: str, **changes: str | None) -> dict[str, str]:
    """Return a production environment that passes the check, with the given variables changed or (None) removed."""
    environment = {"DATABASE_URL": "postgresql://drafting@db.example.org/drafting",
                   "SERVER_NAME": "declarations.example.org", "AUDIT_KEY": "sealed-as-the-readme-says-" + "y" * 40,
                   "SECRET_KEY": "exported-as-the-readme-says-" + "x" * 40,
                   "SIGNING_KEY_FILE": signing_key_file, "SIGNING_KEY_PASSWORD": SIGNING_KEY_PASSWORD}
    environment.update(changes)
    return {name: value for name, value in environment.items() if value is not None}


@pytest.mark.parametrize("secret, accepted", [
    ("exported-as-the-readme-says-" + "x" * 40, True), (None, False), ("dev-only-not-secret", False), ("short", False),
])
def test_production_takes_the_secret_key_from_the_environment_and_refuses_the_development_one(
        secret, accepted, signing_key_file):
    checked = production_check(production_environment(signing_key_file, SECRET_KEY=secret))
    assert (checked.returncode == 0) is accepted, checked.stderr
    if not accepted:
        assert "ProductionConfig needs SECRET_KEY" in checked.stderr


@pytest.mark.parametrize("changes, refusal", [
    ({"SIGNING_KEY_FILE": None}, "ProductionConfig needs SIGNING_KEY_FILE"),
    ({"SIGNING_KEY_FILE": "/nonexistent/signing-key.p12"}, "it cannot be read (No such file or directory)"),
    ({"SIGNING_KEY_PASSWORD": "not-its-password"}, "SIGNING_KEY_PASSWORD is not its password"),
    ({"SIGNING_KEY_PASSWORD": None}, "SIGNING_KEY_PASSWORD is not its password"),
])
def test_production_refuses_to_start_without_a_key_that_signs_adopted_pdfs(changes, refusal, signing_key_file):
    # Unsigned adopted PDFs, or PDFs signed by a key made on the spot (each server its own, and
    # /verify trusting none of the others'), are what production must never publish.
    checked = production_check(production_environment(signing_key_file, **changes))
    assert checked.returncode != 0
    assert refusal in checked.stderr


def test_production_refuses_a_key_that_would_make_adopted_pdfs_pdf_2(tmp_path, signing_key_file):
    # pyHanko signs with an ECDSA key as an extension of PDF 2.0 and raises the file to 2.0: not PDF/A-3.
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "drafting at declarations.example.org")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256()))
    ecdsa_file = tmp_path / "ecdsa.p12"
    ecdsa_file.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ecdsa", key, certificate, None, serialization.BestAvailableEncryption(SIGNING_KEY_PASSWORD.encode())))
    checked = production_check(production_environment(signing_key_file, SIGNING_KEY_FILE=str(ecdsa_file)))
    assert checked.returncode != 0
    assert "its key is not an RSA key; signing with it would make adopted PDFs PDF 2.0" in checked.stderr
