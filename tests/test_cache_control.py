"""No cache keeps a confidential page: everything but the public record is sent with `Cache-Control: no-store`.

The public record (the archive, the pages and final PDFs of adopted declarations, /verify, the
API, static files) keeps its own caching.
"""

import pytest

from drafting.domain import consultation, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, ParticipantRole, UserRole

ADOPTED_PDF = "public, max-age=86400"


@pytest.fixture
def site(make_declaration, make_organization, make_user, circulate, propose_final):
    """A declaration in consultation with a comment on it, and an adopted one, with their people."""
    seoul = make_organization("Seoul", "KR")
    drafting = make_declaration(title="Confidential Declaration", clauses=2)
    invite(drafting, seoul, ParticipantRole.participant)
    drafter = make_user(organization=drafting.host)
    delegate = make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org")
    first = circulate(drafting, by=drafter)
    consultation.add_comment(first, 1, delegate, "Please name the heat shelters.")
    circulate(drafting, by=drafter)

    adopted = make_declaration(title="Adopted Declaration", clauses=1)
    invite(adopted, seoul, ParticipantRole.participant)
    adopted_drafter = make_user(organization=adopted.host)
    circulate(adopted, by=adopted_drafter)
    final = propose_final(adopted, by=adopted_drafter)
    signoff.answer(final, delegate, Answer.affirmed, True, None, None)
    signoff.adopt(adopted, adopted_drafter)
    db.session.commit()
    return {"d": drafting.id, "a": adopted.id, "fingerprint": final.fingerprint,
            "host drafter": drafter, "delegate": delegate, "adopted's host drafter": adopted_drafter,
            "administrator": make_user(role=UserRole.administrator)}


CONFIDENTIAL = [
    ("host drafter", "/"),
    ("host drafter", "/declarations/{d}"),
    ("host drafter", "/declarations/{d}/preview"),
    ("host drafter", "/declarations/{d}/details"),
    ("host drafter", "/declarations/{d}/comments"),
    ("host drafter", "/declarations/{d}/audit"),
    ("host drafter", "/declarations/{d}/delegates"),
    ("adopted's host drafter", "/declarations/{a}/tracker"),
    ("host drafter", "/library/"),
    ("delegate", "/"),
    ("delegate", "/declarations/{d}/versions/1"),
    ("delegate", "/declarations/{d}/versions/2.pdf"),
    ("delegate", "/declarations/{d}/compare"),
    ("delegate", "/declarations/{a}/affirmation"),
    ("adopted's host drafter", "/declarations/{a}"),
    ("adopted's host drafter", "/declarations/{a}/audit"),
    ("administrator", "/admin/users"),
    (None, "/login"),
    (None, "/password/forgotten"),
]


@pytest.mark.parametrize("who, path", CONFIDENTIAL)
def test_a_confidential_page_is_never_stored(client, login_as, site, who, path):
    if who:
        login_as(site[who])
    response = client.get(path.format(**site))
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == "no-store"


def test_a_refusal_is_not_stored_either(client, login_as, make_user, site):
    login_as(make_user())
    response = client.get(f"/declarations/{site['d']}")
    assert response.status_code == 404 and response.headers.get("Cache-Control") == "no-store"


PUBLIC = [
    ("/archive", None),
    ("/archive/{a}", None),
    ("/declarations/{a}/declaration.pdf", ADOPTED_PDF),
    ("/declarations/{a}/declaration.pdf?size=letter", ADOPTED_PDF),
    ("/verify", None),
    ("/verify/{fingerprint}", None),
    ("/api/declarations", None),
    ("/api/declarations/{a}", None),
    ("/static/style.css", "no-cache"),
]


@pytest.mark.parametrize("who", [None, "delegate"])
@pytest.mark.parametrize("path, caching", PUBLIC)
def test_the_public_record_keeps_its_own_caching(client, login_as, site, path, caching, who):
    if who:
        login_as(site[who])
    response = client.get(path.format(**site))
    response.close()  # a static file is sent from the open file
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == caching
