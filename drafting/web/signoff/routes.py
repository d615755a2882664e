"""The host's sign-off: proposing the final text, following the answers, reminding, reopening,
adopting, withdrawing, and the audit trail."""

from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from drafting.domain import (
    audit, circulation, completion, evidence, final_text, participation, permissions, published_record,
    recorded_answer_permissions, recorded_answers, signoff, time_zones, workflow,
)
from drafting.domain.text import composed_document, phrasing, wording
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.extensions import csrf
from drafting.models import Affirmation, Answer, ParticipantRole, User
from drafting.rendering import notifications
from drafting.web.auth.forms import EmptyForm
from drafting.web.loading import declaration_or_404
from drafting.web.signoff.forms import AdoptForm, ProposeFinalForm, ReasonForm, RecordedAnswerForm
from drafting.web.submitted_once import once

bp = Blueprint("signoff", __name__, url_prefix="/declarations")

# Room for the multipart headers and the other fields around a scan of the largest size kept.
UPLOAD_MARGIN = 64 * 1024
REFUSALS = (signoff.SignoffRefused, circulation.CirculationError, workflow.TransitionRefused)
NOT_ADOPTABLE = "Nothing is adopted: only a drafter of a host adopts, and only a final text under affirmation."


def _load(declaration_id: int):
    # Host staff and administrators see the sign-off; whether they may act is the domain's to say.
    return declaration_or_404(declaration_id, current_user, permissions.can_see_working_draft)


def _refused(message: str, declaration, endpoint: str = "editor.show"):
    flash(message, "error")
    return redirect(url_for(endpoint, declaration_id=declaration.id))


def _delegates_of(declaration, organization_ids: set[int]) -> list[User]:
    return [user for user in circulation.delegates(declaration) if user.organization_id in organization_ids]


@bp.post("/<int:declaration_id>/final")
@login_required
def propose_final(declaration_id: int):
    """Propose the working draft as the final text and ask every participant to answer."""
    declaration = _load(declaration_id)
    form = ProposeFinalForm()
    if not form.validate_on_submit():
        return _refused(form.affirmation_deadline.errors[0], declaration)
    try:
        final = signoff.propose_final(declaration, current_user, form.affirmation_deadline.data,
                                      time_zones.today_in(time_zones.zone_of(current_user)))
    except REFUSALS as refused:
        return _refused(str(refused), declaration)
    sent = notifications.notify(
        circulation.delegates(declaration),
        wording.gettext(declaration.language, "{title}: the final text, for your answer", title=declaration.title),
        "final_proposed",
        declaration=declaration, version=final,
    )
    db.session.commit()
    flash(f"The final text is proposed; {sent} delegates are asked for their answer by e-mail.")
    return redirect(url_for("signoff.progress", declaration_id=declaration.id))


@bp.get("/<int:declaration_id>/tracker")
@login_required
def progress(declaration_id: int):
    """Show every participant's answer to the final text, grouped by country, with counts."""
    declaration = _load(declaration_id)
    final = final_text.final_version(declaration)
    if final is None:
        return _refused("There is no final text under affirmation.", declaration)
    answers = final_text.live_answers(final)
    participation.load_organizations(declaration)
    participants = declaration.listed_participants
    counts = {"affirmed": 0, "affirmed with statement": 0, "declined": 0, "no answer yet": 0}
    for participant in participants:
        given = answers.get(participant.organization_id)
        counts[given.answer.value if given else "no answer yet"] += 1
    return render_template(
        "signoff/progress.html",
        declaration=declaration,
        final=final,
        answers=answers,
        by_country=composed_document.group_participants(participants, declaration.country_order),
        counts=counts,
        answered=len(participants) - counts["no answer yet"],
        total=len(participants),
        reason_form=ReasonForm(formdata=None),
        record=published_record.of(declaration),
    )


@bp.post("/<int:declaration_id>/remind")
@login_required
def remind(declaration_id: int):
    """Remind the participants without an answer, each at most once a day."""
    declaration = _load(declaration_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        reminded = signoff.remind(declaration, current_user)
    except signoff.SignoffRefused as refused:
        return _refused(str(refused), declaration, "signoff.progress")
    final = final_text.final_version(declaration)
    recipients = _delegates_of(declaration, {p.organization_id for p in reminded})
    notifications.notify(
        recipients, wording.gettext(declaration.language, "Reminder: {title} awaits your answer", title=declaration.title),
        "answer_reminder",
        declaration=declaration, version=final,
    )
    db.session.commit()
    flash(f"Reminded: {', '.join(sorted(p.organization.name for p in reminded))}.")
    reached = {recipient.organization_id for recipient in recipients}
    unreachable = sorted(p.organization.name for p in reminded if p.organization_id not in reached)
    if unreachable:
        flash(f"No confirmed delegate of {phrasing.join_names(unreachable)} to e-mail: ask for one.", "warning")
    return redirect(url_for("signoff.progress", declaration_id=declaration.id))


@bp.post("/<int:declaration_id>/reopen")
@login_required
def reopen(declaration_id: int):
    """Reopen for consultation: every answer becomes void, and every delegate is told why."""
    declaration = _load(declaration_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        if not form.reason.errors:
            abort(400)
        return _refused(form.reason.errors[0], declaration, "signoff.progress")
    try:
        voided = signoff.reopen(declaration, current_user, form.reason.data)
    except REFUSALS as refused:
        return _refused(str(refused), declaration, "signoff.progress")
    notifications.notify(
        circulation.delegates(declaration),
        wording.gettext(declaration.language, "{title} is reopened for consultation", title=declaration.title),
        "reopened",
        declaration=declaration, reason=form.reason.data,
    )
    db.session.commit()
    flash(f"The declaration is open for consultation again; {voided} answers are void.")
    return redirect(url_for("editor.show", declaration_id=declaration.id))


def _adoption_page(declaration, form: AdoptForm, status: int = 200):
    outlook = signoff.adoption_outlook(declaration)
    # The confirmation answers for the answers this page shows, and none other.
    form.answers_seen.data = outlook.answers_seen
    return render_template("signoff/adopt.html", declaration=declaration, outlook=outlook, form=form), status


@bp.get("/<int:declaration_id>/adopt")
@login_required
def confirm_adoption(declaration_id: int):
    """Show what adoption would publish (the answers, the organizations named, the text) and ask the host to confirm."""
    declaration = _load(declaration_id)
    if not permissions.may_adopt(current_user, declaration):
        return _refused(NOT_ADOPTABLE, declaration)
    return _adoption_page(declaration, AdoptForm(formdata=None))


@bp.post("/<int:declaration_id>/adopt")
@login_required
def adopt(declaration_id: int):
    """Adopt the final text as confirmed on its page: it becomes public, and every delegate and co-host is told."""
    declaration = _load(declaration_id)
    if not permissions.may_adopt(current_user, declaration):
        return _refused(NOT_ADOPTABLE, declaration)
    form = AdoptForm()
    if not form.validate_on_submit():
        if not form.reason.errors:
            abort(400)
        return _adoption_page(declaration, form, 422)
    if not form.answers_seen.data:
        # Only the confirmation page sends what the host saw: a bare POST publishes nothing.
        form.form_errors.append("Confirm the adoption on this page, which shows what will be published: "
                                "nothing is adopted yet.")
        return _adoption_page(declaration, form, 409)
    try:
        signoff.adopt(declaration, current_user,
                      form.reason.data if form.without_missing_answers.data else None, form.answers_seen.data)
    except REFUSALS as refused:
        (form.reason.errors if getattr(refused, "field", None) == "reason" else form.form_errors).append(str(refused))
        return _adoption_page(declaration, form, 409)
    notifications.notify(
        signoff.told_of_adoption(declaration),
        wording.gettext(declaration.language, "{title} is adopted", title=declaration.title),
        "adopted",
        declaration=declaration, version=final_text.final_version(declaration),
    )
    db.session.commit()
    flash(f"The {declaration.title} is adopted.")
    return redirect(url_for("signoff.progress", declaration_id=declaration.id))


@bp.post("/<int:declaration_id>/withdraw")
@login_required
def withdraw(declaration_id: int):
    """Withdraw a declaration that is not adopted; it is kept, marked withdrawn."""
    declaration = _load(declaration_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        if not form.reason.errors:
            abort(400)
        return _refused(form.reason.errors[0], declaration)
    try:
        signoff.withdraw(declaration, current_user, form.reason.data)
    except REFUSALS as refused:
        return _refused(str(refused), declaration)
    db.session.commit()
    flash(f"The {declaration.title} is withdrawn.")
    return redirect(url_for("editor.show", declaration_id=declaration.id))


@bp.get("/<int:declaration_id>/audit")
@login_required
def trail(declaration_id: int):
    """Show the declaration's audit trail: every transition and decision, who, when, from and to."""
    declaration = declaration_or_404(declaration_id, current_user, permissions.can_read_audit)
    return render_template("signoff/audit.html", declaration=declaration, events=audit.trail(declaration))


@bp.get("/<int:declaration_id>/certificate")
@login_required
def certificate(declaration_id: int):
    """Show the certificate of completion: who answered for each participant, under whose confirmation."""
    declaration = _load(declaration_id)
    if final_text.final_version(declaration) is None:
        return _refused("There is no final text: nobody has answered yet.", declaration)
    return render_template("signoff/certificate.html", declaration=declaration, entries=completion.entries(declaration),
                           record=published_record.of(declaration))


def _recording_form(declaration, **kwargs) -> RecordedAnswerForm:
    participants = [p for p in declaration.participants if p.role is ParticipantRole.participant]
    final = final_text.final_version(declaration)
    numbers = [clause.number for clause in Document.from_json(final.document).clauses] if final else []
    return RecordedAnswerForm(participants=participants, clause_numbers=numbers, **kwargs)


def _recording_page(declaration, form: RecordedAnswerForm, status: int = 200):
    return render_template("signoff/record_answer.html", declaration=declaration,
                           final=final_text.final_version(declaration), form=form,
                           max_megabytes=evidence.MAX_BYTES // (1024 * 1024)), status


def _within_upload_limit(view):
    # CSRFProtect and @once read the form before the view, under the application's 2 MB limit: this
    # raises the limit to a scan's first, and answers a larger upload with the page and its message,
    # never a bare 413. The form then checks its CSRF token itself.
    @wraps(view)
    def wrapped(declaration_id: int):
        request.max_content_length = evidence.MAX_BYTES + UPLOAD_MARGIN
        try:
            request.form  # noqa: B018 - parse the body now, under this limit
        except RequestEntityTooLarge:
            # What was sent is left unread: the page's other forms (the sign-out in its header) see none of it.
            request.form = request.files = ImmutableMultiDict()
            declaration = _load(declaration_id)
            form = _recording_form(declaration, formdata=None)
            form.evidence.errors = [evidence.TOO_LARGE]
            return _recording_page(declaration, form, 413)
        return view(declaration_id=declaration_id)

    return wrapped


@bp.route("/<int:declaration_id>/answers/record", methods=["GET", "POST"])
@login_required
@csrf.exempt
@_within_upload_limit
@once(back=lambda declaration_id: url_for("signoff.progress", declaration_id=declaration_id))
def record_answer(declaration_id: int):
    """Record a participant's answer given outside the application, with the scan that proves it."""
    declaration = _load(declaration_id)
    refusal = recorded_answer_permissions.why_not_record_answer(current_user, declaration)
    if refusal is not None:
        return _refused(refusal.message, declaration, "signoff.progress" if final_text.final_version(declaration)
                        else "editor.show")
    form = _recording_form(declaration)
    if not form.is_submitted():
        return _recording_page(declaration, form)
    if not form.validate():
        return _recording_page(declaration, form, 422)
    paper = recorded_answers.PaperAnswer(form.organization.data, Answer(form.answer.data), form.statement.data,
                                         form.reason.data, form.clauses.data)
    try:
        recorded = recorded_answers.record(
            final_text.final_version(declaration), current_user, paper, form.evidence.data.read(),
            form.description.data, form.contestable_until.data, time_zones.today_in(time_zones.zone_of(current_user)),
        )
    except signoff.SignoffRefused as refused:
        (form[refused.field].errors if refused.field in form else form.form_errors).append(str(refused))
        return _recording_page(declaration, form, 422)
    notifications.notify(
        recorded_answers.own_people(recorded),
        wording.gettext(declaration.language, "{title}: the host recorded your organization's answer",
                        title=declaration.title),
        "answer_recorded",
        declaration=declaration, affirmation=recorded,
    )
    db.session.commit()
    flash(f"The answer of {recorded.organization.name} is recorded: {recorded.answer.value}, on the strength of "
          f"{recorded.evidence.description}. Its people are told by e-mail.")
    return redirect(url_for("signoff.progress", declaration_id=declaration.id))


@bp.get("/<int:declaration_id>/answers/<int:answer_id>/evidence")
@login_required
def evidence_file(declaration_id: int, answer_id: int):
    """Download the scan a recorded answer stands on: for host staff and the organization's own people only."""
    declaration = declaration_or_404(declaration_id, current_user, permissions.can_see_versions)
    recorded = db.session.get(Affirmation, answer_id)
    if recorded is None or recorded.declaration_id != declaration.id or not recorded_answer_permissions.may_read_evidence(
            current_user, recorded):
        abort(404)
    scan = recorded.evidence
    response = Response(scan.content, mimetype=scan.media_type)
    # Served as a download of the type its content was found to be, so that no browser runs it as a page.
    response.headers["Content-Disposition"] = f"attachment; filename=evidence-{answer_id}.{scan.extension}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
