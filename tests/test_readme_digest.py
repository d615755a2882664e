"""The host drafters' daily digest, sent exactly as README.md's "E-mail" section writes the command.

It runs in bash from the checkout on a database of its own holding the demonstration, whose
Kenji Mori chose the digest: his first lists Seoul's comment and Bangkok's amendment, and a
second run, with nothing new, sends nothing.
"""

import email
import email.policy
import re

import pytest

from drafting.extensions import db as _db
from tests.test_production import PATH, README, run, section


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: these commands run in processes of their own."""
    return _db


def digest_command() -> str:
    text = " ".join(section(README.read_text(encoding="utf-8"), "### E-mail").split())
    [command] = re.findall(r"`(flask --app drafting notifications [^`]*)`", text)
    return command


def test_the_daily_digest_is_sent_once_as_the_readme_writes_it(tmp_path):
    mail = tmp_path / "mail"
    environment = {"PATH": PATH, "DATABASE_URL": f"sqlite:///{tmp_path / 'drafting.sqlite'}",
                   "SERVER_NAME": "declarations.example.org", "MAIL_FILE_DIRECTORY": str(mail)}
    run("flask --app drafting db upgrade", environment)
    run("flask --app drafting demo", environment)

    run(digest_command(), environment)
    [sent] = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in mail.glob("*.eml")]
    assert sent["To"] == "kenji.mori@tokyo.example.org"
    text = sent.get_body(("plain",)).get_content()
    assert "Tokyo Declaration on Cities and Extreme Heat" in text
    assert "a comment by Seoul" in text and "an amendment by Bangkok" in text
    assert re.search(r"http://declarations\.example\.org/declarations/\d+/comments", text)

    run(digest_command(), environment)
    assert len(list(mail.glob("*.eml"))) == 1
