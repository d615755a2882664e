"""Two gunicorn servers side by side on one PostgreSQL database, as behind a load balancer.

The application keeps nothing on a server's disk and both servers sign cookies and CSRF tokens
with the same SECRET_KEY, so the sign-off journey works with each request sent to the other
server: a session begun on one, and the CSRF token of a page read on one, are good on the other.
"""

import re
from datetime import date, timedelta

import pytest

from bench.load import ANSWER, Client, declaration_in_consultation, gunicorn, seed_cast, seeding_app, signed_in
from config import database_url
from drafting.domain import audit
from drafting.extensions import db as _db
from drafting.models import Declaration, DeclarationState
from tests.databases import fresh_database

pytestmark = pytest.mark.skipif(
    not (database_url("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="Two servers share a PostgreSQL database: set TEST_DATABASE_URL (the PostgreSQL pass of `make test`).",
)


@pytest.fixture(autouse=True)
def db():
    """Leave `db.session` to Flask-SQLAlchemy: the seeding and the checks use a database of their own."""
    return _db


def test_the_signoff_journey_alternates_between_two_servers(tmp_path):
    with fresh_database(tmp_path) as url, seeding_app(url) as app:
        with app.app_context():
            cast = seed_cast(2)
            declaration_id = declaration_in_consultation(cast, "Two Servers Declaration")
        # Both write the e-mails of the final text's proposal here instead of sending them.
        mail = {"TEST_MAIL_FILE_DIRECTORY": str(tmp_path / "mail")}
        with (gunicorn(url, tmp_path / "a.log", workers=2, env=mail) as a,
              gunicorn(url, tmp_path / "b.log", workers=2, env=mail) as b):
            path = f"/declarations/{declaration_id}"
            # Each action is redirected to its own page, not to the login form: the other server's
            # session is good here.
            host = signed_in(a.url, cast.drafter)
            deadline = (date.today() + timedelta(days=7)).isoformat()
            forged = Client()  # the host's session cookie, but no token: a form posted from another site
            for cookie in host.cookies:
                forged.cookies.set_cookie(cookie)
            refused = forged.post(f"{b.url}{path}/final", {"affirmation_deadline": deadline})
            assert refused.status == 400
            proposed = host.post(f"{b.url}{path}/final", {"affirmation_deadline": deadline})
            assert (proposed.status, proposed.location) == (302, f"{path}/tracker")

            first = signed_in(b.url, cast.delegates[0].email)
            second = signed_in(a.url, cast.delegates[1].email)
            for delegate, server in ((first, a), (second, b)):
                answered = delegate.post(f"{server.url}{path}/affirmation", ANSWER)
                assert (answered.status, answered.location) == (302, f"{path}/affirmation")
            assert "3 of 3 participants have answered" in host.get(f"{b.url}{path}/tracker").body

            seen = re.search(r'name="answers_seen" type="hidden" value="([^"]*)"', host.get(f"{a.url}{path}/adopt").body)
            adopted = host.post(f"{a.url}{path}/adopt", {"answers_seen": seen.group(1)})
            assert (adopted.status, adopted.location) == (302, f"{path}/tracker")
            for server in (a, b):
                progress = host.get(f"{server.url}{path}/tracker")
                assert progress.status == 200 and "state-adopted" in progress.body
                assert Client().get(f"{server.url}/healthz").status == 200

        with app.app_context():
            assert _db.session.get(Declaration, declaration_id).state is DeclarationState.adopted
            assert audit.verify().intact
