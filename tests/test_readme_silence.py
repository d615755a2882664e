"""The silence procedures closed exactly as README.md's "Running in production" writes the command.

It runs in bash from the checkout on a database of its own holding the demonstration, whose
clean-air statement is under silence for a week: nothing closes before its end; once the end is
past, its Draft 1 becomes the final text and the delegates are asked to answer; a second run
changes nothing.
"""

import email
import email.policy
import sqlite3

import pytest

from drafting.extensions import db as _db
from tests.test_production import PATH, README, inline_command, run, section


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: these commands run in processes of their own."""
    return _db


def test_an_unbroken_silence_is_closed_once_as_the_readme_writes_it(tmp_path):
    command = inline_command(section(README.read_text(encoding="utf-8"), "## Running in production"),
                             "flask --app drafting silence close")
    database, mail = tmp_path / "drafting.sqlite", tmp_path / "mail"
    environment = {"PATH": PATH, "DATABASE_URL": f"sqlite:///{database}",
                   "SERVER_NAME": "declarations.example.org", "MAIL_FILE_DIRECTORY": str(mail)}
    run("flask --app drafting db upgrade", environment)
    run("flask --app drafting demo", environment)

    assert "Silences ended without objection: 0." in run(command, environment).stdout
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE silences SET ends_at = datetime('now', '-1 minute')")

    assert "Silences ended without objection: 1." in run(command, environment).stdout
    sent = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in mail.glob("*.eml")]
    assert sent and {message["Subject"] for message in sent} == {"Tokyo Statement on Clean Air: the final text, for your answer"}
    with sqlite3.connect(database) as connection:
        state, = connection.execute("SELECT state FROM declarations WHERE title = 'Tokyo Statement on Clean Air'").fetchone()
        labels = [label for label, in connection.execute(
            "SELECT label FROM versions JOIN declarations ON declarations.id = versions.declaration_id "
            "WHERE title = 'Tokyo Statement on Clean Air' ORDER BY number")]
    assert (state, labels) == ("affirmation", ["Draft 1", "Final"])

    assert "Silences ended without objection: 0." in run(command, environment).stdout
    assert len(list(mail.glob("*.eml"))) == len(sent)
