"""Delegates' review of circulated versions: reading, commenting, amending, replying, withdrawing."""

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import (
    circulation, comment_targets, compilation as compilations, consultation, contribution_permissions, host_news,
    permissions, stances,
)
from drafting.domain.text import wording
from drafting.extensions import db
from drafting.models import Comment, CommentPart, Version
from drafting.rendering import compilation_pdf, notifications
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


def _on_whole_clause(thread: Comment) -> bool:
    return thread.part is CommentPart.clause and thread.paragraph is None


def threads_by_clause(threads: list[Comment], document) -> dict[int, list[Comment]]:
    """File each thread on a whole clause under the clause number it belongs to in this document, following
    clause identity."""
    number_of = {clause.clause_id: clause.number for clause in document.clauses if clause.clause_id is not None}
    filed: dict[int, list[Comment]] = {}
    for thread in threads:
        number = number_of.get(thread.clause_id) if thread.clause_id is not None else None
        if number is not None and _on_whole_clause(thread):
            filed.setdefault(number, []).append(thread)
    return filed


def threads_by_passage(threads: list[Comment], version: Version, document) -> dict[str, list[Comment]]:
    """File each thread on a paragraph or on the opening under its target's key in this document; a thread made
    on a clause since removed stays with the version it was made on."""
    filed: dict[str, list[Comment]] = {}
    for thread in threads:
        if _on_whole_clause(thread):
            continue
        target = comment_targets.located(thread, document)
        if target is None and thread.version_id == version.id:
            target = comment_targets.of_comment(thread)
        if target is not None:
            filed.setdefault(target.key, []).append(thread)
    return filed


def amendment_redline(amendment: Comment, documents: dict) -> list:
    """Compare an amendment's proposed text with its clause as circulated in the version it was made on."""
    if amendment.version_id not in documents:
        documents[amendment.version_id] = consultation.version_document(amendment.version)
    circulated = documents[amendment.version_id].clause_numbered(amendment.clause_number)
    return consultation.amendment_redline(circulated, amendment.proposed_text)


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
    passage = comment_targets.passage_words(item)
    values = dict(title=declaration.title, clause=item.clause_number, passage=passage,
                  organization=item.organization.name_in(language))
    if item.parent_id is not None and passage:
        subject = wording.gettext(language, "{title}: {organization} replied on {passage}", **values)
    elif item.parent_id is not None:
        subject = wording.gettext(language, "{title}: {organization} replied on clause {clause}", **values)
    elif item.is_amendment:
        subject = wording.gettext(language, "{title}: {organization} proposed an amendment to clause {clause}", **values)
    elif passage:
        subject = wording.gettext(language, "{title}: {organization} commented on {passage}", **values)
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
        if thread.clause_id is None and thread.version_id == version.id and _on_whole_clause(thread):
            filed.setdefault(thread.clause_number, []).append(thread)
    versions = sorted(declaration.versions, key=lambda v: v.number)
    for other in versions:
        documents.setdefault(other.id, consultation.version_document(other))
    changed_in = {thread.id: comment_targets.changed_in(thread, versions, documents) for thread in threads}
    return render_template(
        "review/version.html",
        declaration=declaration,
        version=version,
        document=document,
        threads=filed,
        passages=threads_by_passage(threads, version, document),
        changed_in=changed_in,
        target_of=comment_targets.of_comment,
        target=lambda part, clause=None, paragraph=None: comment_targets.Target(CommentPart(part), clause, paragraph),
        is_latest=version is latest,
        void=circulation.is_void(version),
        current_draft=circulation.current_draft(declaration),
        deadline_passed=circulation.deadline_passed(version),
        failed=failed or {},
        redline_of=lambda amendment: amendment_redline(amendment, documents),
        own_stances=stances.of_version(version, current_user.organization_id)
        if permissions.acts_for_participant(current_user, declaration) else {},
        prepared=consultation.prepared_items(current_user, version),
    ), status


@bp.get("/<int:declaration_id>/versions/<int:number>")
@login_required
def version(declaration_id: int, number: int):
    """Show a circulated version, every clause and paragraph numbered, with the comments the user may read."""
    declaration = _load(declaration_id)
    return _render_version(declaration, _version_or_404(declaration, number))


def _compiled_version(declaration_id: int, number: int) -> Version:
    """Load a version whose compilation the user may read; 404 otherwise, as for anything they may not see."""
    version = _version_or_404(_load(declaration_id), number)
    if not compilations.can_see_compilation(current_user, version):
        abort(404)
    return version


@bp.get("/<int:declaration_id>/versions/<int:number>/compilation")
@login_required
def compilation(declaration_id: int, number: int):
    """Show every comment and amendment made on a version, clause by clause, as a secretariat compiles them."""
    version = _compiled_version(declaration_id, number)
    return render_template("review/compilation.html", declaration=version.declaration, version=version,
                           compilation=compilations.compile_version(current_user, version))


@bp.get("/<int:declaration_id>/versions/<int:number>/compilation.pdf")
@login_required
def compilation_download(declaration_id: int, number: int):
    """Download the compilation of a version as PDF."""
    version = _compiled_version(declaration_id, number)
    content, _pages = compilation_pdf.render(compilations.compile_version(current_user, version))
    response = Response(content, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=compilation_pdf.file_name(version))
    return response


@bp.post("/<int:declaration_id>/versions/<int:number>/comments")
@login_required
@once(back=lambda declaration_id, number: url_for("review.version", declaration_id=declaration_id, number=number))
def comment(declaration_id: int, number: int):
    """Comment on a clause, or propose an amendment, as the user's own organization."""
    declaration = _load(declaration_id)
    version = _version_or_404(declaration, number)
    form = CommentForm()
    amending = form.amending
    part = form.target_part()
    target = comment_targets.Target(part, form.clause_number.data, form.paragraph.data)
    try:
        if not form.validate_on_submit():
            raise _text_refused(form, "body", "proposed_text", "quote", "justification")
        made = consultation.add_comment(
            version, form.clause_number.data, current_user, form.body.data,
            form.proposed_text.data if amending else None, form.justification.data if amending else None,
            part=part, paragraph=form.paragraph.data, quote=form.quote.data, prepare=form.preparing,
        )
    except consultation.CommentRefused as refused:
        failed = {"clause": form.clause_number.data if target.paragraph is None else None,
                  "target": target.key, "kind": "amendment" if amending else "comment",
                  "field": refused.field, "message": str(refused),
                  "at_form": refused.field in ("body", "proposed_text", "quote", "justification")
                  and permissions.may_comment(current_user, version),
                  "body": form.body.data or "", "proposed_text": form.proposed_text.data or "",
                  "quote": form.quote.data or "", "justification": form.justification.data or ""}
        return _render_version(declaration, version, failed, 422)
    what = f"Your {'amendment' if made.is_amendment else 'comment'} on {comment_targets.of_comment(made).phrase}"
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
