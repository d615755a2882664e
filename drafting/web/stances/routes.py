"""Stances per clause: a participant gives its own on the review page; the host reads the board."""

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import permissions, stance_permissions, stances
from drafting.extensions import db
from drafting.web.loading import declaration_or_404
from drafting.web.notices import redirect_to_section
# The stance forms stand on the review page: a refused stance shows that page again, as a refused comment does.
from drafting.web.review.routes import _render_version as render_review, _version_or_404 as version_or_404
from drafting.web.stances.forms import StanceForm
from drafting.web.submitted_once import once

bp = Blueprint("stances", __name__, url_prefix="/declarations")


@bp.app_context_processor
def stance_words() -> dict:
    """Give every template the words of each position, as the review page's stance forms print them."""
    return {"stance_words": stances.POSITIONS}


@bp.get("/<int:declaration_id>/versions/<int:number>/stances")
@login_required
def board(declaration_id: int, number: int):
    """Show the host every participant's stance on each clause of a version, objections first."""
    declaration = declaration_or_404(declaration_id, current_user, require=stance_permissions.can_see_stance_board,
                                     visible=permissions.can_see_versions)
    version = version_or_404(declaration, number)
    return render_template(
        "stances/board.html", declaration=declaration, version=version,
        organizations=stances.board_organizations(version), rows=stances.board(version),
    )


@bp.post("/<int:declaration_id>/versions/<int:number>/stances")
@login_required
@once(back=lambda declaration_id, number: url_for("review.version", declaration_id=declaration_id, number=number))
def give(declaration_id: int, number: int):
    """Give, or change, the user's organization's stance on a clause of the latest draft."""
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    version = version_or_404(declaration, number)
    form = StanceForm()
    try:
        if not form.validate_on_submit():
            field = next((name for name in ("reason", "proposed_text", "position") if form[name].errors), None)
            if field is None:
                abort(400)
            raise stances.StanceRefused(form[field].errors[0], field)
        stance = stances.give(version, form.clause_number.data, current_user, form.position.data,
                              form.reason.data, form.proposed_text.data)
    except stances.StanceRefused as refused:
        failed = {"stance": {"clause": form.clause_number.data, "field": refused.field, "position": form.position.data,
                             "reason": form.reason.data or "", "proposed_text": form.proposed_text.data or ""},
                  "message": str(refused),
                  "at_form": refused.field in ("position", "reason", "proposed_text")
                  and stance_permissions.may_take_stance(current_user, version)}
        return render_review(declaration, version, failed, 422)
    db.session.commit()
    return redirect_to_section(
        f"Your stance on clause {stance.clause_number} is recorded: {stances.POSITIONS[stance.position]}.",
        f"stance-{stance.clause_number}", "review.version", declaration_id=declaration.id, number=number,
    )
