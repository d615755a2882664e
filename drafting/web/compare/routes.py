"""Comparing two versions of a declaration as a redline."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from drafting.domain import permissions
from drafting.domain.consultation import version_document
from drafting.domain.text import redline
from drafting.models import Declaration, Version
from drafting.web.loading import declaration_or_404

bp = Blueprint("compare", __name__, url_prefix="/declarations")


def _version_asked(declaration: Declaration, name: str, default: Version) -> Version:
    """Return the version whose number the query string gives under `name`, or the default; 404 for an unknown one."""
    asked = request.args.get(name)
    if asked is None:
        return default
    version = next((v for v in declaration.versions if str(v.number) == asked), None)
    if version is None:
        abort(404)
    return version


@bp.get("/<int:declaration_id>/compare")
@login_required
def versions(declaration_id: int):
    """Show the word-level redline between two circulated versions, by default the two latest."""
    declaration = declaration_or_404(
        declaration_id, current_user, options=[selectinload(Declaration.versions)],
        visible=permissions.can_see_versions,
    )
    if len(declaration.versions) < 2:
        return render_template("compare/too_few.html", declaration=declaration)
    older = _version_asked(declaration, "from", declaration.versions[-2])
    newer = _version_asked(declaration, "to", declaration.versions[-1])
    newer_document = version_document(newer)
    parts = redline.redline(version_document(older), newer_document)
    return render_template(
        "compare/versions.html",
        declaration=declaration,
        older=older,
        newer=newer,
        parts=parts,
        language=newer_document.language,
        summary=redline.summary(redline.tally(parts)),
    )
