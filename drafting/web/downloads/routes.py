"""PDF downloads: the adopted declaration for anyone, and each circulated version for those who may see it."""

from collections.abc import Callable

from flask import Blueprint, Response, abort, request
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from drafting.domain import final_text, permissions
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState
from drafting.rendering import kept_pdfs, stored_pdfs
from drafting.web.loading import declaration_or_404

bp = Blueprint("downloads", __name__, url_prefix="/declarations")

# ?size=... as asked in the address, and the page size it names.
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
# An adopted declaration's PDF never changes: caches may keep it a day before asking again.
ADOPTED_MAX_AGE = 24 * 60 * 60


def _page_size() -> str:
    size = PAGE_SIZES.get(request.args.get("size", "a4").lower())
    if size is None:
        abort(404)
    return size


def _served(etag: str, content: Callable[[], bytes], file_name: str, public: bool):
    """Answer with a stored PDF as it is, with an ETag to revalidate with (stored_pdfs.etag).

    A request that names the same ETag is answered 304 before the PDF's bytes are read from the database.
    """
    response = Response(mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=file_name)
    response.set_etag(etag)
    # A draft's PDF is sent with no-store, as every confidential response (drafting.web.security).
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = ADOPTED_MAX_AGE
    if is_resource_modified(request.environ, etag=etag):
        response.set_data(content())
    return response.make_conditional(request)


def _stored_now(declaration_id: int, page_size: str) -> stored_pdfs.PublishedPdf:
    """Render and keep the PDF of a declaration adopted before its PDFs were stored at adoption; 404 if it is not adopted."""
    declaration = db.session.get(Declaration, declaration_id)
    # Whoever asks, a declaration not adopted has no final PDF (nor does one that does not exist, nor one whose
    # final text was taken from it by hand).
    if declaration is None or declaration.state is not DeclarationState.adopted or final_text.final_version(declaration) is None:
        abort(404)
    stored = stored_pdfs.adopted_pdf(declaration, page_size)
    db.session.commit()  # keep the PDF rendered for this request
    return stored_pdfs.PublishedPdf(declaration, stored.id, stored_pdfs.etag(stored.version.fingerprint, stored.kind,
                                                                            stored.page_size), stored.content)


@bp.get("/<int:declaration_id>/declaration.pdf")
def adopted(declaration_id: int):
    """Download the PDF of an adopted declaration; ?size=letter for US Letter.

    It is the same for everyone: it reads neither the session nor who is signed in, so that shared caches keep it.
    A PDF served once is kept in memory, which the database empties on any change (kept_pdfs); otherwise the
    database is asked, and on a request that names the ETag it holds, most likely answered 304, the PDF's bytes
    are read only if need be.
    """
    page_size = _page_size()
    found = (kept_pdfs.published_pdf(declaration_id, page_size, with_content=not request.if_none_match)
             or _stored_now(declaration_id, page_size))

    def content() -> bytes:
        return found.content if found.content is not None else stored_pdfs.published_content(found)

    return _served(found.etag, content, stored_pdfs.file_name(found.declaration, page_size=page_size), public=True)


@bp.get("/<int:declaration_id>/versions/<int:number>.pdf")
@login_required
def version(declaration_id: int, number: int):
    """Download a circulated version as it was sent, every paragraph numbered; ?size=letter for US Letter."""
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    found = next((v for v in declaration.versions if v.number == number), None)
    if found is None:
        abort(404)
    stored = stored_pdfs.circulated_pdf(found, _page_size())
    response = _served(stored_pdfs.etag(found.fingerprint, stored.kind, stored.page_size), lambda: stored.content,
                       stored_pdfs.file_name(declaration, found, stored.page_size), public=False)
    db.session.commit()  # keep a PDF rendered for this request
    return response
