"""The public archive of adopted declarations, and the verification of a text or a PDF."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from drafting.domain import archive_search, publication, verification
from drafting.domain.text import composed_document
from drafting.extensions import csrf, limiter
from drafting.web import paging
from drafting.web.archive.forms import ArchiveSearchForm, FingerprintForm, UploadForm

bp = Blueprint("archive", __name__)

# Room for the multipart headers and the CSRF token around a PDF of the largest size verified.
UPLOAD_MARGIN = 64 * 1024


# The parameters of /archive, as README documents them.
ARCHIVE_PARAMETERS = ("words", "network", "year", "country", "page")
FILTERS = ARCHIVE_PARAMETERS[:-1]


@bp.get("/archive")
def index():
    """List one page of the adopted declarations, filtered by network, year of adoption, host country and words."""
    form = ArchiveSearchForm(request.args, choices=archive_search.choices())
    filtered = any(request.args.get(name) for name in FILTERS)
    try:
        number = paging.requested_page(request.args, ARCHIVE_PARAMETERS, "the archive")
    except paging.PageRefused as refused:
        return _index(form, filtered, refusal=refused.message), refused.status
    if not form.validate():
        return _index(form, filtered), 422
    page = archive_search.search(**form.filters(), page=number)
    if not page.exists:
        refused = paging.missing_page(number, page.pages)
        return _index(form, filtered, refusal=refused.message, last=_page_url(page.pages)), refused.status
    return _index(form, filtered, page=page), 200


def _index(form: ArchiveSearchForm, filtered: bool, page=None, refusal: str | None = None, last: str | None = None):
    return render_template(
        "archive/index.html", form=form, filtered=filtered, page=page, refusal=refusal, last=last,
        previous=_page_url(page.previous) if page and page.previous else None,
        next=_page_url(page.next) if page and page.next else None,
    )


def _page_url(number: int) -> str:
    """Return the address of another page of the same search."""
    kept = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    return url_for("archive.index", **kept, **({"page": number} if number > 1 else {}))


@bp.get("/archive/<int:declaration_id>")
def declaration(declaration_id: int):
    """Show an adopted declaration: its text, who affirmed it, their statements, its fingerprint and PDFs."""
    published = publication.published(declaration_id)
    if published is None:
        abort(404)
    return render_template(
        "archive/declaration.html", publication=published,
        meeting_phrase=composed_document.meeting_phrase, dates_phrase=composed_document.dates_phrase,
    )


def _verify_page(lookup: FingerprintForm, upload: UploadForm, status: int = 200):
    return render_template(
        "archive/verify.html", lookup=lookup, upload=upload, max_megabytes=verification.MAX_PDF_BYTES // (1024 * 1024)
    ), status


@bp.get("/verify")
def verify_form():
    """Offer to verify a fingerprint or a PDF; a fingerprint typed in goes to its own address."""
    lookup = FingerprintForm(request.args)
    if "fingerprint" not in request.args:
        return _verify_page(lookup, UploadForm(formdata=None))
    if not lookup.validate():
        return _verify_page(lookup, UploadForm(formdata=None), 422)
    return redirect(url_for("archive.verify", fingerprint=lookup.fingerprint.data))


@bp.get("/verify/<fingerprint>")
def verify(fingerprint: str):
    """Tell whether a fingerprint is that of an adopted text: the address our PDFs print."""
    verdict = verification.verify_fingerprint(fingerprint)
    if verdict.refused:
        lookup = FingerprintForm(data={"fingerprint": fingerprint})
        lookup.fingerprint.errors = [verdict.message]
        return _verify_page(lookup, UploadForm(formdata=None), 422)
    return render_template("archive/verdict.html", verdict=verdict)


def _upload_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# CSRFProtect reads the form before any view runs, under the application's 2 MB limit; exempt from
# it, this view raises the limit first, and UploadForm then checks the CSRF token itself.
@bp.post("/verify")
@csrf.exempt
@limiter.limit(_upload_limit)
def verify_upload():
    """Tell whether an uploaded PDF carries an adopted text, and whether it is the very file we published."""
    request.max_content_length = verification.MAX_PDF_BYTES + UPLOAD_MARGIN
    try:
        upload = UploadForm()
    except RequestEntityTooLarge:
        upload = UploadForm(formdata=None)
        upload.pdf.errors = [verification.TOO_LARGE]
        return _verify_page(FingerprintForm(), upload, 413)
    if not upload.validate():
        return _verify_page(FingerprintForm(), upload, 422)
    verdict = verification.verify_pdf(upload.pdf.data.read())
    if verdict.refused:
        upload.pdf.errors = [verdict.message]
        status = 413 if verdict.outcome is verification.Outcome.too_large else 422
        return _verify_page(FingerprintForm(), upload, status)
    return render_template("archive/verdict.html", verdict=verdict)
