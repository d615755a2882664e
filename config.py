"""Configuration classes; every value can come from the environment."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

BASE_DIR = Path(__file__).resolve().parent
# Signs the cookies of development and the demonstration only: public on purpose, ProductionConfig refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"  # nosec B105
# Seals the audit chain's head where no production key is set; production refuses it.
DEVELOPMENT_AUDIT_KEY = "dev-only-audit-key-not-secret-at-all"


def database_url(name: str) -> str | None:
    """Read a database URL from the environment; plain postgresql:// URLs use the psycopg 3 driver."""
    url = os.environ.get(name)
    for plain in ("postgresql://", "postgres://"):
        if url and url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no setting from the environment: "1", "true", "yes" and "on" mean yes."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def signing_key_problem(path: str, password: str | None) -> str | None:
    """Say why a PKCS#12 file cannot sign (missing, wrong password, no key or certificate), or None if it can."""
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        return f"it cannot be read ({error.strerror})."
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(content, password.encode() if password else None)
    except ValueError:
        return "it is not a PKCS#12 file, or SIGNING_KEY_PASSWORD is not its password."
    if key is None or certificate is None:
        return "it holds no private key with its certificate."
    # pyHanko signs with any other kind of key as an extension of PDF 2.0 (ISO/TS 32002, 32001) and
    # raises the file's version to 2.0: the adopted PDFs would no longer be PDF/A-3, which is PDF 1.7.
    if not isinstance(key, rsa.RSAPrivateKey):
        return "its key is not an RSA key; signing with it would make adopted PDFs PDF 2.0, which PDF/A-3 is not."
    return None


class Config:
    """Default configuration: SQLite in the instance folder, for development and the demonstration."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # Seals the head of the audit chain (drafting.domain.audit). It is kept out of the database, so that
    # whoever can write the tables cannot cut the chain's end or rebuild it unnoticed.
    AUDIT_KEY = os.environ.get("AUDIT_KEY", DEVELOPMENT_AUDIT_KEY)
    # None means "SQLite in the instance folder"; create_app fills it in once it knows that folder.
    SQLALCHEMY_DATABASE_URI = database_url("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A PostgreSQL connection idle in the pool longer than this is pinged before use; one used more recently is
    # checked without a round trip (drafting.pooled_connections). Well under the idle timeout of any firewall or
    # proxy between the application and the database, which may drop a connection silently.
    POOL_PING_AFTER = timedelta(seconds=float(os.environ.get("POOL_PING_AFTER_SECONDS", "30")))
    # The adopted PDFs each process keeps in memory on PostgreSQL, at most this many bytes (drafting.rendering.kept_pdfs);
    # 0 keeps none. An adopted declaration's PDFs weigh 50 to 100 KB apiece.
    KEPT_PDF_BYTES = int(os.environ.get("KEPT_PDF_MEGABYTES", "32")) * 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a drafter may keep an editor open all afternoon
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB
    # E-mail (drafting.rendering.mail): "file" writes each message as an .eml file, so the demonstration
    # needs no mail server; "smtp" sends it through MAIL_SERVER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    # Where the "file" backend writes; None means mail/ in the instance folder.
    MAIL_FILE_DIRECTORY = os.environ.get("MAIL_FILE_DIRECTORY")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS")  # STARTTLS on a plain connection (usually port 587)
    MAIL_USE_SSL = env_flag("MAIL_USE_SSL")  # TLS from the first byte (usually port 465)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    # The site's name, as its pages' titles and its e-mails' senders and signatures give it.
    SITE_NAME = os.environ.get("SITE_NAME", "drafting")
    # The address every e-mail comes from; named SITE_NAME unless it gives a name ("Declarations <...>").
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@localhost")
    # Whom a "Reply" reaches when no person's action is behind a message (a password reset): the
    # secretariat's address, say. A message about what a person did replies to that person.
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO")
    # The IANA time zone in which deadlines are shown to users who have not chosen theirs, and to visitors.
    DEFAULT_TIME_ZONE = os.environ.get("DEFAULT_TIME_ZONE", "UTC")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))  # seconds, for each SMTP operation
    # A message that could not be sent is tried again after MAIL_RETRY_SECONDS, then twice as long
    # after each further failure; after MAIL_MAX_ATTEMPTS failures it is failed for good (drafting.rendering.outbox).
    # The first delay must exceed the time one attempt can take (a few MAIL_TIMEOUTs).
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "300"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))
    # How long a request may go on sending its messages after its response; `flask mail send`
    # sends the rest. Keep it well under gunicorn's timeout (30 s), which counts this time too.
    MAIL_AFTER_RESPONSE_SECONDS = float(os.environ.get("MAIL_AFTER_RESPONSE_SECONDS", "10"))
    # A session ends on the server (drafting.domain.people.sign_ins) after this long without a request: an editor
    # left open over lunch and a long meeting stays signed in, one left open overnight does not.
    SESSION_IDLE_TIMEOUT = timedelta(hours=float(os.environ.get("SESSION_IDLE_HOURS", "8")))
    # ...and this long after signing in, however busy: so a stolen cookie kept alive stops working
    # within a day. The idle timeout already asks for a sign-in about once a day.
    SESSION_LIFETIME = timedelta(hours=float(os.environ.get("SESSION_LIFETIME_HOURS", "24")))
    # The signed session cookie itself is refused after the same time (Flask's default is 31 days).
    PERMANENT_SESSION_LIFETIME = SESSION_LIFETIME
    # Failed sign-ins per e-mail address (an account's, or an unknown one alike), counted in the
    # database that every worker and server shares: the eleventh within 15 minutes is refused
    # without trying the password, whatever Redis does.
    SIGN_IN_FAILURES_PER_ACCOUNT = int(os.environ.get("SIGN_IN_FAILURES_PER_ACCOUNT", "10"))
    SIGN_IN_FAILURE_WINDOW = timedelta(minutes=float(os.environ.get("SIGN_IN_FAILURE_MINUTES", "15")))
    # Failed sign-ins per client address (an IPv6 one by its /64) within the same window, counted
    # in the same database: far more than per account, since a conference venue or a ministry signs
    # many people in from one address, yet one guess at each of many accounts stops there.
    SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "150"))
    # Per client address, limits on requests for a password-reset link. Counted in memory, or in
    # Redis when RATELIMIT_STORAGE_URI says so (redis://host:6379), which several servers then share.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per minute; 100 per hour")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    # While Redis is down, each process counts per address in its own memory (the same limits, not
    # shared, so up to one limit per worker) and goes back to Redis once it answers again. The
    # sign-in limits, in the database, hold exactly all the while.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # A Redis host that is down without refusing connections must not hold a sign-in for minutes.
    RATELIMIT_STORAGE_OPTIONS = (
        {"socket_connect_timeout": 1, "socket_timeout": 1} if RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")) else {}
    )
    # PDFs uploaded to /verify per client address: anyone may upload, and each costs a process.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "10 per minute; 100 per hour")
    # The public name of the site ("declarations.example.org", "127.0.0.1:5000"): the verification
    # addresses printed in PDFs use it, never the Host header of whichever request made the PDF.
    SERVER_NAME = os.environ.get("SERVER_NAME")
    # The Host names served; None serves any (ProductionConfig allows only SERVER_NAME).
    ALLOWED_HOSTS: list[str] | None = None
    # How many reverse proxies in front set X-Forwarded-* headers; 0 trusts none of them.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    HSTS = False
    # How long the link in a delegate's invitation works.
    DELEGATE_INVITATION_DAYS = int(os.environ.get("DELEGATE_INVITATION_DAYS", "7"))
    # The platform's key and certificate, a PKCS#12 file, that signs every adopted PDF (drafting.rendering.signing).
    # Without one, development and the demonstration sign with a self-signed key made in
    # SELF_SIGNED_KEY_FILE (None: self-signed-signing-key.p12 in the instance folder); production refuses to start.
    SIGNING_KEY_FILE = os.environ.get("SIGNING_KEY_FILE")
    SIGNING_KEY_PASSWORD = os.environ.get("SIGNING_KEY_PASSWORD")
    SELF_SIGNED_KEY_FILE: str | None = None
    # The URL of an RFC 3161 timestamp server (a qualified trust service's, say): each signature then carries
    # a timestamp token of that authority, proof of its time that does not rest on the platform's clock.
    TIMESTAMP_URL = os.environ.get("TIMESTAMP_URL")


class TestConfig(Config):
    """Configuration for the test suite: its own database, cheap password hashing."""

    TESTING = True
    # Signs only the test suite's cookies.
    SECRET_KEY = "test-only"  # nosec B105
    AUDIT_KEY = "test-only-audit-key-for-the-suite"
    # Most tests post forms directly; the tests of CSRF protection switch it back on.
    WTF_CSRF_ENABLED = False
    # The suite signs in hundreds of times from one address; the tests of rate limiting switch it on.
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    SQLALCHEMY_DATABASE_URI = database_url("TEST_DATABASE_URL") or "sqlite://"
    # Still memory-hard, just small enough that hundreds of logins in tests stay fast.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    # A test run never sends real mail, whatever the environment says (the tests of the SMTP
    # backend switch it on against a server of their own), nor writes it into the instance folder.
    MAIL_BACKEND = "file"
    MAIL_FILE_DIRECTORY = os.environ.get("TEST_MAIL_FILE_DIRECTORY", str(Path(tempfile.gettempdir()) / "drafting-test-mail"))
    MAIL_DEFAULT_SENDER = "drafting <no-reply@drafting.test>"
    # Tests sign with a self-signed key of their own, never the configured one, nor in the instance folder.
    SIGNING_KEY_FILE = None
    SIGNING_KEY_PASSWORD = None
    SELF_SIGNED_KEY_FILE = os.environ.get(
        "TEST_SELF_SIGNED_KEY_FILE", str(Path(tempfile.gettempdir()) / "drafting-test-signing-key.p12"))
    TIMESTAMP_URL = None


class ServedTestConfig(TestConfig):
    """The test configuration that gunicorn serves to real HTTP clients (bench/load.py, the two-server
    test): forms need their CSRF token, as in production, so a token got from one server must be
    good on another; sign-in is rate limited per address, as in production (only failures count,
    so the bench's hundreds of sign-ins from one address pass)."""

    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = True


class ProductionConfig(Config):
    """Production: a real secret key and a real database are mandatory."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    AUDIT_KEY = os.environ.get("AUDIT_KEY")
    SQLALCHEMY_DATABASE_URI = database_url("DATABASE_URL")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True
    # Files on the application server would be lost and split between servers: send for real.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    # Requests for any other host name than SERVER_NAME are refused, except the health check's
    # (drafting.web.security). Not Flask's TRUSTED_HOSTS: it refuses before routing, so a load balancer
    # probing /healthz at the server's own address (10.0.0.5:8000) would get 400.
    ALLOWED_HOSTS = [Config.SERVER_NAME] if Config.SERVER_NAME else None
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot do without."""
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("ProductionConfig needs SECRET_KEY: at least 32 random characters.")
        # A key of its own: changing SECRET_KEY (which signs everyone out) must not unseal the audit chain.
        if (not cls.AUDIT_KEY or cls.AUDIT_KEY in (DEVELOPMENT_AUDIT_KEY, cls.SECRET_KEY)
                or len(cls.AUDIT_KEY) < 32):
            raise RuntimeError("ProductionConfig needs AUDIT_KEY: at least 32 random characters, other than SECRET_KEY.")
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("ProductionConfig needs DATABASE_URL pointing at the production database.")
        if not cls.SERVER_NAME:
            raise RuntimeError("ProductionConfig needs SERVER_NAME, the site's public host name, e.g. declarations.example.org.")
        # Adopted PDFs are signed: a production that signed with a key made on the spot would sign
        # each server's PDFs differently, and /verify would trust none of the others'.
        if not cls.SIGNING_KEY_FILE:
            raise RuntimeError("ProductionConfig needs SIGNING_KEY_FILE, the PKCS#12 file of the key that signs adopted "
                               "PDFs, and SIGNING_KEY_PASSWORD, its password.")
        problem = signing_key_problem(cls.SIGNING_KEY_FILE, cls.SIGNING_KEY_PASSWORD)
        if problem:
            raise RuntimeError(f"ProductionConfig cannot use SIGNING_KEY_FILE {cls.SIGNING_KEY_FILE}: {problem}")
