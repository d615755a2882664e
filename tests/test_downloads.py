"""PDF downloads: who gets which PDF, under which name, and that a stored PDF is served as it is."""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from drafting.domain import signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, Declaration, DeclarationState, ParticipantRole, StoredPdf, UserRole
from drafting.rendering import pdf, stored_pdfs as pdf_files
from tests.conftest import ADOPTED_IN_SESSION


@pytest.fixture
def renders(monkeypatch):
    """Count the PDFs rendered."""
    rendered = []
    render = pdf.render

    def counting(document, options):
        rendered.append(options.kind)
        return render(document, options)

    monkeypatch.setattr(pdf, "render", counting)
    return rendered


@pytest.fixture
def consultation(make_declaration, make_organization, make_user, circulate):
    """A declaration in consultation: Draft 1 circulated to Seoul (participant) and Jakarta (observer)."""
    declaration = make_declaration(clauses=2, title="Yokohama Declaration")
    seoul, jakarta = make_organization("Seoul", "KR"), make_organization("Jakarta", "ID")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, jakarta, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    draft = circulate(declaration, by=drafter)
    return {
        "declaration": declaration, "draft": draft, "drafter": drafter,
        "delegate": make_user(role=UserRole.delegate, organization=seoul),
        "observer": make_user(role=UserRole.delegate, organization=jakarta),
    }


@pytest.fixture
def adopted(consultation, propose_final):
    """The same declaration, adopted: Seoul affirmed its final text."""
    declaration = consultation["declaration"]
    final = propose_final(declaration, by=consultation["drafter"])
    signoff.answer(final, consultation["delegate"], Answer.affirmed, True)
    signoff.adopt(declaration, consultation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    return {**consultation, "final": final}


def stored_pdfs() -> list[StoredPdf]:
    return list(db.session.scalars(select(StoredPdf).order_by(StoredPdf.id)))


def test_adoption_renders_and_stores_the_final_pdf_in_both_page_sizes(adopted):
    a4, letter = stored_pdfs()
    assert (a4.version, a4.kind, a4.page_size) == (adopted["final"], "adopted", "A4")
    assert (letter.version, letter.kind, letter.page_size) == (adopted["final"], "adopted", "Letter")
    for stored in (a4, letter):
        assert stored.content.startswith(b"%PDF-") and stored.pages == len(PdfReader(io.BytesIO(stored.content)).pages)


def test_a_failed_rendering_adopts_nothing(consultation, propose_final, monkeypatch):
    declaration = consultation["declaration"]
    propose_final(declaration, by=consultation["drafter"])

    def failing(document, options):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render", failing)
    with pytest.raises(RuntimeError):
        signoff.adopt(declaration, consultation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.rollback()
    assert declaration.state is DeclarationState.affirmation and declaration.adopted_at is None
    assert stored_pdfs() == []


def test_anyone_downloads_the_adopted_pdf_as_stored_at_adoption(adopted, client, renders):
    stored, _ = stored_pdfs()
    response = client.get(f"/declarations/{adopted['declaration'].id}/declaration.pdf")
    assert response.status_code == 200 and renders == []
    assert response.data == stored.content
    assert response.mimetype == "application/pdf"
    disposition = f"attachment; filename=yokohama-declaration-{date.today().year}.pdf"
    assert response.headers["Content-Disposition"] == disposition
    assert response.headers["ETag"] == f'"{adopted["final"].fingerprint}"'
    assert "public" in response.headers["Cache-Control"]


def test_a_matching_etag_gets_304_without_the_file(adopted, client):
    url = f"/declarations/{adopted['declaration'].id}/declaration.pdf"
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""
    assert client.get(url, headers={"If-None-Match": '"another"'}).status_code == 200


def test_a_declaration_no_longer_adopted_has_no_pdf_nor_304_even_right_after_it_was_served(adopted, client):
    # Adoption is final in the workflow, but the database can change under a running server (an earlier backup
    # restored): the database decides on every request, whatever was served the moment before. Here the session is
    # bound to the test's connection, so nothing is kept in memory; tests/test_kept_pdfs.py holds the same for that.
    declaration = adopted["declaration"]
    for url in (f"/declarations/{declaration.id}/declaration.pdf", f"/declarations/{declaration.id}/declaration.pdf?size=letter"):
        etag = client.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    db.session.execute(update(Declaration).where(Declaration.id == declaration.id)
                       .values(state=DeclarationState.affirmation))
    db.session.commit()
    for url in (f"/declarations/{declaration.id}/declaration.pdf", f"/declarations/{declaration.id}/declaration.pdf?size=letter"):
        for headers in ({}, {"If-None-Match": etag}, {"If-None-Match": "*"}):
            response = client.get(url, headers=headers)
            assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store", (url, headers)
            assert b"%PDF" not in response.data


def test_the_public_pdf_is_read_outside_the_session_s_transaction(adopted):
    # One statement by itself: on PostgreSQL no BEGIN nor COMMIT, and no ORM object, costs a round trip each.
    db.session.rollback()
    found = pdf_files.published_pdf(adopted["declaration"].id, "Letter", with_content=False)
    assert not db.session().in_transaction()
    assert found.etag == f'{adopted["final"].fingerprint}-letter' and found.content is None
    assert pdf_files.published_content(found) == stored_pdfs()[1].content
    assert pdf_files.published_pdf(adopted["declaration"].id, "A4").content == stored_pdfs()[0].content


def test_us_letter_is_served_as_stored_at_adoption_and_tagged_apart(adopted, client, renders):
    url = f"/declarations/{adopted['declaration'].id}/declaration.pdf?size=letter"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200 and renders == []
    assert first.data == second.data == stored_pdfs()[1].content
    assert first.headers["ETag"] == f'"{adopted["final"].fingerprint}-letter"'
    disposition = f"attachment; filename=yokohama-declaration-{date.today().year}-letter.pdf"
    assert first.headers["Content-Disposition"] == disposition
    page = PdfReader(io.BytesIO(first.data)).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((612, 792), abs=0.1)
    assert [(s.kind, s.page_size) for s in stored_pdfs()] == [("adopted", "A4"), ("adopted", "Letter")]
    assert client.get(url.replace("letter", "a5")).status_code == 404


def test_a_declaration_not_adopted_has_no_final_pdf(consultation, propose_final, client, login_as):
    declaration = consultation["declaration"]
    propose_final(declaration, by=consultation["drafter"])
    login_as(consultation["drafter"])
    assert client.get(f"/declarations/{declaration.id}/declaration.pdf").status_code == 404
    assert client.get("/declarations/999999/declaration.pdf").status_code == 404


@pytest.mark.parametrize("who, status", [
    ("anonymous", 302), ("outsider", 404), ("outside drafter", 404),
    ("delegate", 200), ("observer", 200), ("drafter", 200),
])
def test_a_version_pdf_is_for_those_who_may_see_the_declaration(consultation, make_user, client, login_as, who, status):
    users = {
        "outsider": lambda: make_user(role=UserRole.delegate),
        "outside drafter": lambda: make_user(),
        "delegate": lambda: consultation["delegate"],
        "observer": lambda: consultation["observer"],
        "drafter": lambda: consultation["drafter"],
    }
    if who in users:
        login_as(users[who]())
    response = client.get(f"/declarations/{consultation['declaration'].id}/versions/1.pdf")
    assert response.status_code == status
    if status == 200:
        assert response.data.startswith(b"%PDF-")
        assert response.headers["Content-Disposition"] == "attachment; filename=yokohama-declaration-2010-draft-1.pdf"
        letter = client.get(f"/declarations/{consultation['declaration'].id}/versions/1.pdf?size=letter")
        assert letter.headers["Content-Disposition"] == (
            "attachment; filename=yokohama-declaration-2010-draft-1-letter.pdf"
        )
        assert response.headers["ETag"] == f'"{consultation["draft"].fingerprint}"'
        assert response.headers["Cache-Control"] == "no-store"


def test_a_version_pdf_is_rendered_once_then_served_as_stored(consultation, client, login_as, renders):
    login_as(consultation["delegate"])
    url = f"/declarations/{consultation['declaration'].id}/versions/1.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200 and renders == ["circulated"]
    assert first.data == second.data
    [stored] = stored_pdfs()
    assert (stored.version, stored.kind, stored.page_size, stored.content) == (
        consultation["draft"], "circulated", "A4", first.data
    )
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(f"/declarations/{consultation['declaration'].id}/versions/2.pdf").status_code == 404


def test_the_final_text_is_downloaded_as_circulated_and_as_adopted(adopted, client, login_as, make_user):
    declaration = adopted["declaration"]
    login_as(make_user(role=UserRole.delegate))
    assert client.get(f"/declarations/{declaration.id}/versions/2.pdf").status_code == 404  # drafts stay private
    login_as(adopted["delegate"])
    circulated = client.get(f"/declarations/{declaration.id}/versions/2.pdf")
    assert circulated.headers["Content-Disposition"].endswith(f"-{date.today().year}-final.pdf")
    published = client.get(f"/declarations/{declaration.id}/declaration.pdf")
    assert circulated.status_code == published.status_code == 200 and circulated.data != published.data
    assert db.session.scalar(select(func.count()).select_from(StoredPdf)) == 3  # A4 and US Letter, and the final text


def test_of_two_requests_rendering_the_same_pdf_the_first_stored_is_served(consultation, monkeypatch):
    draft = consultation["draft"]
    render = pdf.render

    def overtaken(document, options):
        rendered = render(document, options)
        # Another request stores the same PDF while this one renders.
        db.session.add(StoredPdf(version=draft, kind="circulated", page_size="A4", content=b"%PDF-first", pages=1))
        db.session.flush()
        return rendered

    monkeypatch.setattr(pdf, "render", overtaken)
    assert pdf_files.circulated_pdf(draft).content == b"%PDF-first"
    assert [stored.content for stored in stored_pdfs()] == [b"%PDF-first"]


def _reads_pdf_bytes(statements: list[str]) -> bool:
    return any("stored_pdfs.content" in statement for statement in statements)


def test_a_304_never_reads_the_pdf_from_the_database(adopted, client, login_as, count_queries):
    declaration = adopted["declaration"]
    url = f"/declarations/{declaration.id}/declaration.pdf"
    with count_queries() as sent:
        etag = client.get(url).headers["ETag"]
    assert _reads_pdf_bytes(sent)
    with count_queries() as revalidated:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert not _reads_pdf_bytes(revalidated) and len(revalidated) == 1
    login_as(adopted["delegate"])
    version = f"/declarations/{declaration.id}/versions/1.pdf"
    etag = client.get(version).headers["ETag"]
    with count_queries() as revalidated:
        assert client.get(version, headers={"If-None-Match": etag}).status_code == 304
    assert not _reads_pdf_bytes(revalidated)
