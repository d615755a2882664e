"""No cache keeps a confidential page: everything but the public record is sent with `Cache-Control: no-store`.

The public record (the archive, the pages and final PDFs of adopted declarations, /verify, the
API, static files) keeps its own caching, unless a page of it is rendered for someone signed in.
"""

import io

import pytest

from drafting.domain import consultation, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, ParticipantRole, UserRole
from tests.conftest import PASSWORD

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


# Public pages, but rendered for whoever is signed in: the layout names them and holds the CSRF
# token of their sign-out form. A cache must not keep that copy and hand it to someone else.
PERSONAL_WHEN_SIGNED_IN = ["/archive", "/archive/{a}", "/verify", "/verify/{fingerprint}"]


@pytest.mark.parametrize("who, path, caching", [
    (who, path, caching) for who in (None, "delegate") for path, caching in PUBLIC
    if not (who and path in PERSONAL_WHEN_SIGNED_IN)
])
def test_the_public_record_keeps_its_own_caching(client, login_as, site, path, caching, who):
    if who:
        login_as(site[who])
    response = client.get(path.format(**site))
    response.close()  # a static file is sent from the open file
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") == caching


@pytest.mark.parametrize("path", PERSONAL_WHEN_SIGNED_IN)
def test_a_public_page_rendered_for_someone_signed_in_is_not_stored(client, login_as, site, path):
    delegate = login_as(site["delegate"])
    response = client.get(path.format(**site))
    assert response.status_code == 200 and delegate.name in response.get_data(as_text=True)
    assert response.headers.get("Cache-Control") == "no-store"


def test_the_verdict_on_an_uploaded_pdf_and_the_redirects_of_signing_in_and_out_are_not_stored(client, site):
    pdf = client.get(f"/declarations/{site['a']}/declaration.pdf").data
    verdict = client.post("/verify", data={"pdf": (io.BytesIO(pdf), "declaration.pdf")},
                          content_type="multipart/form-data")
    assert verdict.status_code == 200 and "very file we published" in verdict.get_data(as_text=True)
    assert verdict.headers.get("Cache-Control") == "no-store"  # about this person's file
    signed_in = client.post("/login", data={"email": site["delegate"].email, "password": PASSWORD})
    signed_out = client.post("/logout")
    assert signed_in.status_code == signed_out.status_code == 302
    assert signed_in.headers.get("Cache-Control") == signed_out.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize("who", [None, "delegate"])
def test_the_adopted_pdf_is_one_copy_for_everyone_that_shared_caches_keep(client, login_as, site, who):
    if who:
        login_as(site[who])
    url = f"/declarations/{site['a']}/declaration.pdf"
    sent = client.get(url)
    revalidated = client.get(url, headers={"If-None-Match": sent.headers["ETag"]})
    assert (sent.status_code, revalidated.status_code) == (200, 304)
    for response in (sent, revalidated):
        assert response.headers.get("Cache-Control") == ADOPTED_PDF
        assert response.headers["ETag"] == f'"{site["fingerprint"]}"'
        # Whoever asked, no cookie is read or set: a cache may hand this copy to anyone.
        assert "Vary" not in response.headers and "Set-Cookie" not in response.headers


def test_a_draft_pdf_and_its_304_are_never_stored_by_a_cache(client, login_as, site):
    login_as(site["delegate"])
    url = f"/declarations/{site['d']}/versions/2.pdf"
    sent = client.get(url)
    revalidated = client.get(url, headers={"If-None-Match": sent.headers["ETag"]})
    assert (sent.status_code, revalidated.status_code) == (200, 304)
    for response in (sent, revalidated):
        assert response.headers.get("Cache-Control") == "no-store"
        assert "Cookie" in response.headers.get("Vary", "")


@pytest.mark.parametrize("who", [None, "adopted's host drafter"])
def test_knowing_a_draft_pdf_s_etag_gets_no_304_from_those_who_may_not_see_it(client, login_as, site, who):
    delegate = login_as(site["delegate"])
    etag = client.get(f"/declarations/{site['d']}/versions/2.pdf").headers["ETag"]
    client.post("/logout")
    if who:
        login_as(site[who])
    for url in (f"/declarations/{site['d']}/versions/2.pdf", f"/declarations/{site['d']}/declaration.pdf"):
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code in (302, 404), url
        assert response.headers.get("Cache-Control") == "no-store"
        assert b"%PDF" not in response.data and delegate.name.encode() not in response.data
