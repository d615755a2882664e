"""The silence procedure: the host puts the current draft under silence; a participant breaks it."""

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user, login_required

from drafting.domain import circulation, host_news, permissions, silence, time_zones
from drafting.domain.clock import as_utc
from drafting.domain.text import phrasing, wording
from drafting.extensions import db
from drafting.rendering import notifications, stored_pdfs
from drafting.web.loading import declaration_or_404
from drafting.web.notices import redirect_to_section
from drafting.web.silence.forms import BreakSilenceForm, StartSilenceForm
from drafting.web.submitted_once import once

bp = Blueprint("silence", __name__, url_prefix="/declarations")

# The session keys of a start and a break refused at one of their fields, read once by the page that shows the form.
REFUSED_START = "_refused_silence_start"
REFUSED_BREAK = "_refused_silence_break"


@bp.app_context_processor
def silence_forms() -> dict:
    """Give the editor and the review pages the procedure's rules and its empty forms."""
    return {"silences": silence,
            "silence_start_form": lambda: StartSilenceForm.again(session.pop(REFUSED_START, None)),
            "silence_break_form": lambda: BreakSilenceForm.again(session.pop(REFUSED_BREAK, None))}


def _editor(message: str, declaration_id: int, category: str = "message"):
    return redirect_to_section(message, "silence", "editor.show", category, declaration_id=declaration_id)


def _review(message: str, declaration, category: str = "message"):
    latest = circulation.latest_version(declaration)
    if latest is None:  # nothing circulated: the host's staff, who alone see the declaration, are told in the editor
        return _editor(message, declaration.id, category)
    return redirect_to_section(message, "silence", "review.version", category,
                               declaration_id=declaration.id, number=latest.number)


@bp.post("/<int:declaration_id>/silence")
@login_required
@once(back=lambda declaration_id: url_for("editor.show", declaration_id=declaration_id, _anchor="silence"))
def start(declaration_id: int):
    """Put the current draft under silence until a moment the host gives in their time zone."""
    declaration = declaration_or_404(declaration_id, current_user, permissions.can_see_working_draft)
    form = StartSilenceForm(prefix="silence")
    try:
        if not form.validate_on_submit():
            missing = form.first_error()
            if missing is None:
                abort(400)
            raise silence.SilenceRefused(missing[1], missing[0])
        started = silence.start(declaration, current_user, form.ends.data, form.answer_deadline.data)
    except silence.SilenceRefused as refused:
        if refused.field is None:
            return _editor(str(refused), declaration.id, "error")
        # The editor shows the form again as it was sent, the message at the field (StartSilenceForm.again).
        session[REFUSED_START] = {"field": refused.field, "message": str(refused),
                                  "ends": request.form.get("silence-ends", ""),
                                  "answer_deadline": request.form.get("silence-answer_deadline", "")}
        return redirect(url_for("editor.show", declaration_id=declaration.id))
    db.session.commit()
    ends = phrasing.format_moment(as_utc(started.ends_at), time_zones.zone_of(current_user))
    return _editor(f"{started.version.label} is under silence until {ends}.", declaration.id)


@bp.post("/<int:declaration_id>/silence/break")
@login_required
@once(back=lambda declaration_id: url_for("editor.show", declaration_id=declaration_id))
def break_silence(declaration_id: int):
    """Break the silence for the user's organization, naming the clauses and the reason; the host is told at once."""
    declaration = declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)
    form = BreakSilenceForm(prefix="silence")
    try:
        if not form.validate_on_submit():
            if not form.reason.errors:
                abort(400)
            raise silence.SilenceRefused(form.reason.errors[0], "reason")
        broken = silence.break_silence(declaration, current_user, form.clauses.data or [], form.reason.data)
    except silence.SilenceRefused as refused:
        if refused.field is None:
            return _review(str(refused), declaration, "error")
        # The review page shows the form again as it was sent, the message at the field (BreakSilenceForm.again).
        session[REFUSED_BREAK] = {"field": refused.field, "message": str(refused),
                                  "clauses": form.clauses.data or [], "reason": form.reason.data or ""}
        return redirect(url_for("review.version", declaration_id=declaration.id,
                                number=circulation.latest_version(declaration).number))
    language = declaration.language
    notifications.notify(
        host_news.host_drafters(declaration),
        wording.gettext(language, "{title}: {organization} broke the silence on {label}", title=declaration.title,
                        organization=broken.broken_for.name_in(language),
                        label=stored_pdfs.version_label(broken.version)),
        "silence_broken",
        declaration=declaration, silence=broken,
    )
    db.session.commit()
    return _review(f"You broke the silence for {current_user.organization.name}; the host is told.", declaration)
