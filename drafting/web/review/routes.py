"""Delegates' review of circulated versions: reading, commenting, amending, replying, withdrawing."""

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import circulation, consultation, contribution_permissions, host_news, permissions
from drafting.domain.text import markup, redline, wording
from drafting.extensions import db
from drafting.models import Comment, Version
from drafting.rendering import notifications
from drafting.web.auth.forms import EmptyForm
from drafting.web.loading import declaration_or_404
from drafting.web.notices import redirect_to_section
from drafting.web.review.forms import CommentForm, ReplyForm, RevisionForm
from drafting.web.submitted_once import once

bp = Blueprint("review", __name__, url_prefix="/declarations")


def _load(declaration_id: int):
    return declaration_or_404(declaration_id, current_user, visible=permissions.can_see_versions)


def _thread_page(declaration_id: int, comment_id: int) -> str:
    """Return the address where a thread shows: the page of the version it was made on."""
    thread = db.session.get(Comment, comment_id)
    if thread is None or thread.declaration_id != declaration_id:
        abort(404)
    return url_for("review.version", declaration_id=declaration_id, number=thread.version.number,
                   _anchor=f"comment-{comment_id}")


def _version_or_404(declaration, number: int) -> Version:
    version = next((v for v in declaration.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def _comment_or_404(declaration, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.declaration_id != declaration.id or (
        not permissions.can_read_comment(current_user, comment)
    ):
        abort(404)
    return comment


def threads_by_clause(threads: list[Comment], document) -> dict[int, list[Comment]]:
    """File each thread under the clause number it belongs to in this document, following clause identity."""
    number_of = {clause.clause_id: clause.number for clause in document.clauses if clause.clause_id is not None}
    filed: dict[int, list[Comment]] = {}
    for thread in threads:
        number = number_of.get(thread.clause_id) if thread.clause_id is not None else None
        if number is not None:
            filed.setdefault(number, []).append(thread)
    return filed


def amendment_redline(amendment: Comment, documents: dict) -> list:
    """Compare an amendment's proposed text with its clause as circulated in the version it was made on."""
    if amendment.version_id not in documents:
        documents[amendment.version_id] = consultation.version_document(amendment.version)
    circulated = documents[amendment.version_id].clause_numbered(amendment.clause_number)
    return redline.compare_paragraphs(circulated.paragraphs, markup.paragraphs(amendment.proposed_text))


def _text_refused(form, *names: str) -> consultation.CommentRefused:
    """Return the form's refusal of one of its texts, to be shown as the domain's refusals are; abort for any other."""
    for name in names:
        if form[name].errors:
            return consultation.CommentRefused(form[name].errors[0], name)
    abort(400)


def _tell_hosts(item: Comment) -> None:
    """Queue an e-mail about a new comment, amendment or reply to each host drafter who wants one for each."""
    declaration = item.declaration
    language = declaration.language
    values = dict(title=declaration.title, clause=item.clause_number, organization=item.organization.name_in(language))
    if item.parent_id is not None:
        subject = wording.gettext(language, "{title}: {organization} replied on clause {clause}", **values)
    elif item.is_amendment:
        subject = wording.gettext(language, "{title}: {organization} proposed an amendment to clause {clause}", **values)
    else:
        subject = wording.gettext(language, "{title}: {organization} commented on clause {clause}", **values)
    notifications.notify(host_news.told_at_once(item), subject, "host_news", declaration=declaration, item=item)


def _render_version(declaration, version: Version, failed: dict | None = None, status: int = 200):
    document = consultation.version_document(version)
    documents = {version.id: document}
    latest = circulation.latest_version(declaration)
    threads = consultation.visible_threads(current_user, declaration)
    filed = threads_by_clause(threads, document)
    # Threads of clauses since removed from the working draft stay with the version they were made on.
    for thread in threads:
        if thread.clause_id is None and thread.version_id == version.id:
            filed.setdefault(thread.clause_number, []).append(thread)
    return render_template(
        "review/version.html",
        declaration=declaration,
        version=version,
        document=document,
        threads=filed,
        is_latest=version is latest,
        void=circulation.is_void(version),
        current_draft=circulation.current_draft(declaration),
        deadline_passed=circulation.deadline_passed(version),
        failed=failed or {},
        redline_of=lambda amendment: amendment_redline(amendment, documents),
        prepared=consultation.prepared_items(current_user, version),
    ), status


@bp.get("/<int:declaration_id>/versions/<int:number>")
@login_required
def version(declaration_id: int, number: int):
    """Show a circulated version, every clause and paragraph numbered, with the comments the user may read."""
    declaration = _load(declaration_id)
    return _render_version(declaration, _version_or_404(declaration, number))


@bp.post("/<int:declaration_id>/versions/<int:number>/comments")
@login_required
@once(back=lambda declaration_id, number: url_for("review.version", declaration_id=declaration_id, number=number))
def comment(declaration_id: int, number: int):
    """Comment on a clause, or propose an amendment, as the user's own organization."""
    declaration = _load(declaration_id)
    version = _version_or_404(declaration, number)
    form = CommentForm()
    amending = form.amending
    try:
        if not form.validate_on_submit():
            raise _text_refused(form, "body", "proposed_text")
        made = consultation.add_comment(
            version, form.clause_number.data, current_user, form.body.data,
            form.proposed_text.data if amending else None, prepare=form.preparing,
        )
    except consultation.CommentRefused as refused:
        failed = {"clause": form.clause_number.data, "kind": "amendment" if amending else "comment",
                  "field": refused.field, "message": str(refused),
                  "at_form": refused.field in ("body", "proposed_text")
                  and permissions.may_comment(current_user, version),
                  "body": form.body.data or "", "proposed_text": form.proposed_text.data or ""}
        return _render_version(declaration, version, failed, 422)
    what = f"Your {'amendment' if made.is_amendment else 'comment'} on clause {made.clause_number}"
    if made.is_prepared:
        told = (f"{what} is prepared for {made.organization.name}. The host sees it once you or a colleague "
                "send your contribution.")
    else:
        _tell_hosts(made)
        told = f"{what} is recorded."
    db.session.commit()
    return redirect_to_section(told, f"comment-{made.id}", "review.version", declaration_id=declaration.id,
                               number=number)


@bp.post("/<int:declaration_id>/versions/<int:number>/contribution")
@login_required
@once(back=lambda declaration_id, number: url_for("review.version", declaration_id=declaration_id, number=number))
def send_contribution(declaration_id: int, number: int):
    """Send every comment and amendment prepared for the user's organization on this version to the host."""
    declaration = _load(declaration_id)
    version = _version_or_404(declaration, number)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sent = consultation.send_contribution(version, current_user)
    except consultation.CommentRefused as refused:
        return redirect_to_section(str(refused), "contribution", "review.version", "error",
                                   declaration_id=declaration.id, number=number)
    for item in sent:
        _tell_hosts(item)
    db.session.commit()
    items = "1 item" if len(sent) == 1 else f"{len(sent)} items"
    return redirect_to_section(
        f"The contribution of {current_user.organization.name} is sent to the host: {items}.", "contribution",
        "review.version", declaration_id=declaration.id, number=number,
    )


@bp.post("/<int:declaration_id>/threads/<int:comment_id>/replies")
@login_required
@once(back=_thread_page)
def reply(declaration_id: int, comment_id: int):
    """Reply in a thread of the user's own organization."""
    declaration = _load(declaration_id)
    parent = _comment_or_404(declaration, comment_id)
    form = ReplyForm()
    try:
        if not form.validate_on_submit():
            raise _text_refused(form, "body")
        answer = consultation.reply(parent, current_user, form.body.data)
    except consultation.CommentRefused as refused:
        # The message goes with the reply form when the form is offered again, above the page otherwise.
        failed = {"reply_to": parent.id, "field": refused.field, "message": str(refused), "body": form.body.data or "",
                  "at_form": refused.field is not None and permissions.may_reply(current_user, parent)}
        return _render_version(declaration, parent.version, failed, 422)
    _tell_hosts(answer)
    db.session.commit()
    return redirect_to_section("Your reply is recorded.", f"comment-{answer.id}", "review.version",
                               declaration_id=declaration.id, number=parent.version.number)


@bp.post("/<int:declaration_id>/threads/<int:comment_id>/revise")
@login_required
def revise(declaration_id: int, comment_id: int):
    """Rewrite a comment or amendment prepared for the user's organization, before it is sent."""
    declaration = _load(declaration_id)
    comment = _comment_or_404(declaration, comment_id)
    form = RevisionForm()
    try:
        if not form.validate_on_submit():
            raise _text_refused(form, "body", "proposed_text")
        consultation.revise_prepared(comment, current_user, form.body.data, form.proposed_text.data)
    except consultation.CommentRefused as refused:
        failed = {"revise": comment.id, "field": refused.field, "message": str(refused),
                  "at_form": refused.field is not None and contribution_permissions.may_revise(current_user, comment),
                  "body": form.body.data or "", "proposed_text": form.proposed_text.data or ""}
        return _render_version(declaration, comment.version, failed, 422)
    db.session.commit()
    return redirect_to_section(
        f"The prepared {'amendment' if comment.is_amendment else 'comment'} on clause {comment.clause_number} is saved. "
        "It is still not sent.", f"comment-{comment.id}", "review.version",
        declaration_id=declaration.id, number=comment.version.number,
    )


@bp.post("/<int:declaration_id>/threads/<int:comment_id>/withdraw")
@login_required
def withdraw(declaration_id: int, comment_id: int):
    """Withdraw one's own comment; it stays in the record, marked withdrawn."""
    declaration = _load(declaration_id)
    comment = _comment_or_404(declaration, comment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        consultation.withdraw(comment, current_user)
    except consultation.CommentRefused as refused:
        message, category = str(refused), "error"
    else:
        db.session.commit()
        message, category = "Your comment is withdrawn. It stays in the record, marked withdrawn.", "message"
    return redirect_to_section(message, f"comment-{comment.id}", "review.version", category,
                               declaration_id=declaration.id, number=comment.version.number)
