"""PDF downloads: the adopted declaration for anyone, and each circulated version for those who may see it."""

from flask import Blueprint, Response, abort, request
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from drafting.domain import permissions
from drafting.extensions import db
from drafting.models import Declaration, DeclarationState, StoredPdf
from drafting.rendering import pdf, stored_pdfs
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


def _served(stored: StoredPdf, fingerprint: str, file_name: str, public: bool):
    """Answer with a stored PDF as it is, with an ETag (its text's fingerprint) to revalidate with.

    A request that names the same ETag is answered 304 before the PDF's bytes are read from the database.
    """
    response = Response(mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=file_name)
    # The two page sizes are two files of the same text, and so is a voided final text's notice: their tags must differ.
    etag = (fingerprint + ("" if stored.page_size == "A4" else "-letter")
            + ("" if stored.kind in (pdf.ADOPTED, pdf.CIRCULATED) else f"-{stored.kind}"))
    response.set_etag(etag)
    # A draft's PDF is sent with no-store, as every confidential response (drafting.web.security).
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = ADOPTED_MAX_AGE
    if is_resource_modified(request.environ, etag=etag):
        response.set_data(stored.content)
    return response.make_conditional(request)


@bp.get("/<int:declaration_id>/declaration.pdf")
def adopted(declaration_id: int):
    """Download the PDF of an adopted declaration; ?size=letter for US Letter.

    It is the same for everyone: it reads neither the session nor who is signed in, so that shared caches keep it.
    """
    page_size = _page_size()
    # A request that names the ETag it holds is most likely answered 304: its bytes are read only if need be.
    found = stored_pdfs.published_pdf(declaration_id, page_size, with_content=not request.if_none_match)
    if found is None:
        declaration = db.session.get(Declaration, declaration_id)
        # Whoever asks, a declaration not adopted has no final PDF (nor does one that does not exist).
        if declaration is None or declaration.state is not DeclarationState.adopted:
            abort(404)
        # Adopted before its PDFs were stored at adoption: render and keep it now.
        stored = stored_pdfs.adopted_pdf(declaration, page_size)
        found = stored_pdfs.PublishedPdf(declaration, stored, stored.version.fingerprint)
    declaration, stored, fingerprint = found
    response = _served(stored, fingerprint, stored_pdfs.file_name(declaration, page_size=page_size), public=True)
    db.session.commit()  # keep a PDF rendered for this request
    return response


@bp.get("/<int:declaration_id>/versions/<int:number>.pdf")
@login_required
def version(declaration_id: int, number: int):
    """Download a circulated version as it was sent, every paragraph numbered; ?size=letter for US Letter."""
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    found = next((v for v in declaration.versions if v.number == number), None)
    if found is None:
        abort(404)
    stored = stored_pdfs.circulated_pdf(found, _page_size())
    response = _served(stored, found.fingerprint, stored_pdfs.file_name(declaration, found, stored.page_size),
                       public=False)
    db.session.commit()  # keep a PDF rendered for this request
    return response
