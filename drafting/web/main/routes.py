"""The home page: the declarations a signed-in user works on."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import or_, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from drafting import pooled_connections
from drafting.domain import circulation, host_news, permissions
from drafting.domain.people import participants
from drafting.extensions import db
from drafting.models import Declaration, Participant
from drafting.web.editor.forms import CoHostAnswerForm

bp = Blueprint("main", __name__)


def visible_declarations(user) -> list[Declaration]:
    """Return the declarations the user may see, newest meeting first."""
    query = select(Declaration).options(
        selectinload(Declaration.participants), selectinload(Declaration.host), selectinload(Declaration.versions)
    ).order_by(Declaration.starts_on.desc(), Declaration.id.desc())
    if not user.is_admin:
        involved = select(Participant.declaration_id).where(Participant.organization_id == user.organization_id)
        query = query.where(or_(Declaration.host_id == user.organization_id, Declaration.id.in_(involved)))
    return [d for d in db.session.scalars(query) if permissions.can_view(user, d)]


@bp.get("/healthz")
def healthz():
    """Tell a load balancer whether this server can reach its database."""
    try:
        # By itself, outside a transaction: one round trip to PostgreSQL, not three.
        with pooled_connections.by_itself() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        return {"status": "unavailable", "database": "not answering"}, 503
    return {"status": "ok", "database": "ok"}


@bp.route("/")
def home():
    """Show the signed-in user's declarations, or the welcome page."""
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    declarations = visible_declarations(current_user)
    return render_template(
        "main/home.html", declarations=declarations,
        unread=host_news.unread_counts(current_user, declarations),
        is_void=circulation.is_void,
        latest_version=circulation.latest_version,
        co_host_proposals=participants.pending_co_host_proposals(current_user),
        co_host_form=CoHostAnswerForm(formdata=None),
    )
