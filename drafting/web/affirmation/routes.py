"""The delegate's affirmation page: the final text, its fingerprint, and the organization's answer."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import consultation, final_text, permissions, signoff
from drafting.extensions import db
from drafting.models import Answer
from drafting.web.affirmation.forms import AnswerForm
from drafting.web.loading import declaration_or_404

bp = Blueprint("affirmation", __name__, url_prefix="/declarations")


@bp.route("/<int:declaration_id>/affirmation", methods=["GET", "POST"])
@login_required
def answer(declaration_id: int):
    """Show the final text and take the answer of the delegate's organization."""
    # After adoption the final text as proposed lists every participant, answered or not: only the
    # archive's record is public, this page stays with those who took part.
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    final = final_text.final_version(declaration)
    if final is None:
        flash(f"The declaration is in {declaration.state.value}: it takes no answers now.", "error")
        return redirect(url_for("editor.show", declaration_id=declaration.id))
    current = final_text.live_answers(final).get(current_user.organization_id)
    form = AnswerForm(answer=current.answer.value if current else None,
                      statement=current.statement if current else None, reason=current.reason if current else None)
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                signoff.answer(final, current_user, Answer(form.answer.data), form.authorised.data,
                               form.statement.data, form.reason.data)
            except signoff.SignoffRefused as refused:
                target = form[refused.field] if refused.field in form else None
                (target.errors if target is not None else form.form_errors).append(str(refused))
            else:
                db.session.commit()
                flash(f"The answer of {current_user.organization.name} is recorded: {form.answer.data}.")
                return redirect(url_for("affirmation.answer", declaration_id=declaration.id))
        status = 422
    return render_template(
        "affirmation/answer.html",
        declaration=declaration,
        final=final,
        document=consultation.version_document(final),
        current=current,
        mandate=permissions.mandate_for(current_user, declaration),
        form=form,
    ), status

