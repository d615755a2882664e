"""Public read-only JSON of adopted declarations.

Countries: `country` is always an ISO 3166 alpha-2 code and `country_name` its English name.
Moments are ISO 8601 in UTC; days are ISO 8601 dates. Paragraphs are the clause text as
written, with its small markup (*emphasis*, lines starting with "- " for lists).
"""

from flask import Blueprint, request, url_for

from drafting.domain import archive_search, publication
from drafting.domain.archive_search import ListedHost
from drafting.domain.interchange.export import heading
from drafting.domain.publication import Publication
from drafting.domain.published_record import PublishedNetwork, PublishedOrganization
from drafting.models import Declaration
from drafting.web import paging

bp = Blueprint("api", __name__, url_prefix="/api")


def _summary(declaration: Declaration, fingerprint: str, host: ListedHost | PublishedOrganization,
             network: PublishedNetwork | None) -> dict:
    return {
        "id": declaration.id,
        **heading(declaration),
        "place": declaration.place,
        "dates": {"start": declaration.starts_on.isoformat(), "end": declaration.ends_on.isoformat()},
        "host": {
            "name": host.name,
            "country": host.country,
            "country_name": host.country_name,
        },
        "network": {"name": network.name, "acronym": network.acronym} if network else None,
        "language": declaration.language,
        "adopted_at": publication.adopted_moment(declaration).isoformat(timespec="seconds"),
        "fingerprint": fingerprint,
        "urls": {
            "page": url_for("archive.declaration", declaration_id=declaration.id, _external=True),
            "pdf": url_for("downloads.adopted", declaration_id=declaration.id, _external=True),
            "verify": url_for("archive.verify", fingerprint=fingerprint, _external=True),
        },
    }


def _detail(published: Publication) -> dict:
    text = published.document
    return {
        **_summary(published.declaration, published.version.fingerprint, published.record.host,
                   published.record.network),
        "text": {
            "header": text.header,
            "title": text.title,
            "subtitle": text.subtitle,
            "dated": text.dated,
            "opening": text.opening,
            "preamble": text.preamble,
            "clauses": [
                {"number": clause.number, "heading": clause.heading, "paragraphs": clause.paragraphs}
                for clause in text.clauses
            ],
            "closing_formula": text.closing_formula,
            "place_and_date": text.place_and_date,
        },
        # The exact text whose SHA-256 is the fingerprint: anyone can check it without us.
        "canonical_text": published.version.canonical_text,
        "affirmed_by": [
            {"country_name": group.country, "organizations": group.organizations} for group in published.affirmed_by
        ],
        "statements": [
            {"organization": s.organization, "country_name": s.country_name, "statement": s.text}
            for s in published.statements
        ],
    }


@bp.get("/declarations")
def declarations():
    """List one page of the adopted declarations, newest adoption first, with the addresses of the pages around it."""
    try:
        number = paging.requested_page(request.args, ("page",), "/api/declarations")
        page = archive_search.search(page=number)
        if not page.exists:
            raise paging.missing_page(number, page.pages)
    except paging.PageRefused as refused:
        return {"error": refused.message}, refused.status
    return {
        "declarations": [
            _summary(entry.declaration, entry.fingerprint, entry.host, entry.network) for entry in page.entries
        ],
        "page": page.number,
        "pages": page.pages,
        "total": page.total,
        "previous": _page_url(page.previous),
        "next": _page_url(page.next),
    }


def _page_url(number: int | None) -> str | None:
    if number is None:
        return None
    return url_for("api.declarations", **({"page": number} if number > 1 else {}), _external=True)


@bp.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    """Give one adopted declaration with its text, who affirmed it and their statements."""
    published = publication.published(declaration_id)
    if published is None:
        return {"error": f"There is no adopted declaration {declaration_id}."}, 404
    return _detail(published)
