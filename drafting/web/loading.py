"""Loading what a request names: the declaration in the URL, or the answer 404 or 403."""

from collections.abc import Callable

from flask import abort

from drafting.domain.permissions import can_view
from drafting.extensions import db
from drafting.models import Declaration


def declaration_or_404(
    declaration_id: int, user, require: Callable[..., bool] = can_view, *, options=(),
    visible: Callable[..., bool] = can_view,
) -> Declaration:
    """Load a declaration the user may see (`visible`), or answer 404; answer 403 if seen but `require` fails."""
    declaration = db.session.get(Declaration, declaration_id, options=list(options))
    if declaration is None or not visible(user, declaration):
        abort(404)
    if not require(user, declaration):
        abort(403)
    return declaration
