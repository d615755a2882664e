"""The editor's blueprint, and what its routes share: loading the declaration, a clause, the networks."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.domain import permissions
from drafting.extensions import db
from drafting.models import Clause, Declaration, Network, Organization, Participant
from drafting.web.loading import declaration_or_404
from drafting.web.notices import redirect_to_section

bp = Blueprint("editor", __name__, url_prefix="/declarations")

# Everything the editor and the preview print, loaded in a fixed number of queries.
WHOLE_DECLARATION = (
    joinedload(Declaration.host).selectinload(Organization.names),
    joinedload(Declaration.network),
    selectinload(Declaration.clauses).joinedload(Clause.template),
    selectinload(Declaration.participants).joinedload(Participant.organization).selectinload(Organization.names),
    selectinload(Declaration.versions),
)


def load_declaration(declaration_id: int, require=permissions.can_view) -> Declaration:
    """Load the declaration of the URL with everything the editor prints, or answer 404 or 403."""
    return declaration_or_404(declaration_id, current_user, require, options=WHOLE_DECLARATION)


def clause_of(declaration: Declaration, clause_id: int) -> Clause:
    """Return the declaration's clause of that id, or answer 404."""
    for clause in declaration.clauses:
        if clause.id == clause_id:
            return clause
    abort(404)


def all_networks() -> list[Network]:
    """Return every network by name, for the forms that choose one."""
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def refused(message: str, declaration: Declaration, section: str | None = None):
    """Go back to the editor with the message of what was refused: in the section of the form, if given."""
    if section:
        return redirect_to_section(message, section, "editor.show", "error", declaration_id=declaration.id)
    flash(message, "error")
    return redirect(url_for("editor.show", declaration_id=declaration.id))
