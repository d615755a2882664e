"""The delegate's affirmation page: the final text, its fingerprint, and the organization's answer."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import consultation, final_text, permissions, recorded_answers, signoff
from drafting.domain.text import wording
from drafting.extensions import db
from drafting.models import Affirmation, Answer
from drafting.rendering import notifications
from drafting.web.affirmation.forms import AnswerForm, ContestForm
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
    current = final_text.live_answer(final, current_user.organization_id)
    document = consultation.version_document(final)
    form = AnswerForm(answer=current.answer.value if current else None,
                      statement=current.statement if current else None, reason=current.reason if current else None,
                      clauses=(current.statement_clauses or []) if current else [],
                      clause_numbers=[clause.number for clause in document.clauses])
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                signoff.answer(final, current_user, Answer(form.answer.data), form.authorised.data,
                               form.statement.data, form.reason.data, form.clauses.data)
            except signoff.SignoffRefused as refused:
                target = form[refused.field] if refused.field in form else None
                (target.errors if target is not None else form.form_errors).append(str(refused))
            else:
                db.session.commit()
                flash(f"The answer of {current_user.organization.name} is recorded: {form.answer.data}.")
                return redirect(url_for("affirmation.answer", declaration_id=declaration.id))
        status = 422
    return _answer_page(declaration, final, document, current, form, ContestForm(formdata=None), status)


def _answer_page(declaration, final, document, current, form, contest_form, status=200):
    return render_template(
        "affirmation/answer.html",
        declaration=declaration,
        final=final,
        document=document,
        current=current,
        mandate=permissions.mandate_for(current_user, declaration),
        form=form,
        contest_form=contest_form,
    ), status


@bp.post("/<int:declaration_id>/answers/<int:answer_id>/contest")
@login_required
def contest(declaration_id: int, answer_id: int):
    """Contest the answer the host recorded for the user's organization: it stops counting, and the host is told."""
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    recorded = db.session.get(Affirmation, answer_id)
    if recorded is None or recorded.declaration_id != declaration.id:
        abort(404)
    form = ContestForm()
    if not form.validate_on_submit():
        if not form.reason.errors:
            abort(400)
        return _contest_refused(declaration, form, 422)
    try:
        recorded_answers.contest(recorded, current_user, form.reason.data)
    except signoff.SignoffRefused as refused:
        (form.reason.errors if refused.field == "reason" else form.form_errors).append(str(refused))
        return _contest_refused(declaration, form, 409)
    notifications.notify(
        recorded_answers.host_drafters(recorded),
        wording.gettext(declaration.language, "{title}: {organization} contests the answer recorded for it",
                        title=declaration.title, organization=recorded.organization.name_in(declaration.language)),
        "answer_contested",
        declaration=declaration, affirmation=recorded, reason=form.reason.data,
    )
    db.session.commit()
    flash(f"The answer recorded for {recorded.organization.name} no longer counts; the host is told. "
          "Give your organization's answer here.")
    return redirect(url_for("affirmation.answer", declaration_id=declaration.id))



def _contest_refused(declaration, form: ContestForm, status: int):
    final = final_text.final_version(declaration)
    if final is None:
        flash(form.form_errors[0] if form.form_errors else "There is no final text under affirmation.", "error")
        return redirect(url_for("editor.show", declaration_id=declaration.id))
    document = consultation.version_document(final)
    current = final_text.live_answer(final, current_user.organization_id)
    answer_form = AnswerForm(formdata=None, clause_numbers=[clause.number for clause in document.clauses])
    return _answer_page(declaration, final, document, current, answer_form, form, status)
