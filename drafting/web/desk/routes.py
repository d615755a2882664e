"""The host's desk of comments: every comment by clause, replies, and decisions on amendments."""

from collections import Counter
from dataclasses import dataclass, field, replace

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from drafting.domain import comment_targets, consultation, host_news, permissions
from drafting.domain.text import redline, wording
from drafting.domain.text.composed_document import DocumentClause
from drafting.extensions import db
from drafting.models import Clause, Comment, CommentStatus, Declaration, Version
from drafting.rendering import notifications, stored_pdfs
from drafting.web.auth.forms import EmptyForm
from drafting.web.submitted_once import once
from drafting.web.desk.forms import CommentFilterForm, DecisionForm, ReplyForm
from drafting.web.loading import declaration_or_404
from drafting.web.notices import redirect_to_section

bp = Blueprint("desk", __name__, url_prefix="/declarations")

# What the desk reads of the declaration besides its comments, loaded in a fixed number of queries.
DESK = (selectinload(Declaration.participants), selectinload(Declaration.clauses))


@dataclass(frozen=True)
class ClauseGroup:
    """The threads on one target (a clause, a paragraph, the opening...) of one version, headed as that version
    circulated it."""

    version: Version
    target: comment_targets.Target
    # The clause as the version circulated it; None when the target is not in a clause.
    clause: DocumentClause | None
    # The same clause in the working draft today; None once it was removed from it, or when not in a clause.
    working: Clause | None
    threads: list[Comment] = field(default_factory=list)
    # The first later version in which a thread's passage changed, by thread id.
    changed_in: dict[int, Version] = field(default_factory=dict)

    @property
    def on_whole_clause(self) -> bool:
        return self.clause is not None and self.target.paragraph is None

    @property
    def key(self) -> str:
        if self.on_whole_clause:
            return f"{self.version.number}-{self.clause.number}"
        return f"{self.version.number}-{self.target.key}"

    @property
    def label(self) -> str:
        return f"{self.version.label}, {self.target.phrase}"

    @property
    def title(self) -> str:
        return f"{self.label}: {self.clause.heading}" if self.clause and self.clause.heading else self.label

    @property
    def working_changed(self) -> bool:
        """Tell whether the working draft's clause reads otherwise than the version circulated it."""
        return self.working is not None and consultation.changed_since_circulated(self.clause, self.working)

    def redline_of(self, amendment: Comment) -> list[list[redline.Segment]]:
        """Compare an amendment's proposed text with the clause as circulated, paragraph by paragraph."""
        return consultation.amendment_redline(self.clause, amendment.proposed_text)


@dataclass(frozen=True)
class Failed:
    """A form posted for one thread that was refused, shown again at that thread with its messages."""

    thread_id: int
    form: FlaskForm


def group_by_clause(threads: list[Comment], declaration: Declaration) -> list[ClauseGroup]:
    """File the threads under the version and target they were made on, in order of version, then of the document."""
    working = {clause.id: clause for clause in declaration.clauses}
    versions = sorted(declaration.versions, key=lambda v: v.number)
    documents = {version.id: consultation.version_document(version) for version in versions}
    groups: dict[tuple, ClauseGroup] = {}
    for thread in threads:
        target = comment_targets.of_comment(thread)
        key = (thread.version.number, target.order())
        if key not in groups:
            circulated = documents[thread.version_id].clause_numbered(target.clause_number or 0)
            groups[key] = ClauseGroup(thread.version, target, circulated, working.get(thread.clause_id))
        groups[key].threads.append(thread)
        changed = comment_targets.changed_in(thread, versions, documents)
        if changed is not None:
            groups[key].changed_in[thread.id] = changed
    return [groups[key] for key in sorted(groups)]


def _load(declaration_id: int, require) -> Declaration:
    # After adoption the text is public, but its comments stay with those who took part.
    return declaration_or_404(
        declaration_id, current_user, require, options=DESK, visible=permissions.can_see_versions
    )


def _comment_of(declaration: Declaration, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.declaration_id != declaration.id or (
        not permissions.can_read_comment(current_user, comment)
    ):
        abort(404)
    return comment


def _selected(groups: list[ClauseGroup], chosen: dict[str, str]) -> tuple[list[ClauseGroup], Counter]:
    """Keep the threads the filters ask for; count them by status before the status filter applies."""
    organization, status, clause = chosen.get("organization"), chosen.get("status"), chosen.get("clause")
    counts: Counter = Counter()
    selected = []
    for group in groups:
        if clause and group.key != clause:
            continue
        threads = [t for t in group.threads if not organization or str(t.organization_id) == organization]
        counts.update(thread.status for thread in threads)
        threads = [t for t in threads if not status or t.status.value == status]
        if threads:
            selected.append(replace(group, threads=threads))
    return selected, counts


def _render_desk(declaration: Declaration, failed: Failed | None = None, status: int = 200, visit: bool = False):
    threads = consultation.visible_threads(current_user, declaration)
    # Only the host drafters' desk marks what is new: the count on their links is their to-do.
    seen = host_news.seen_up_to(current_user, declaration)
    marking = permissions.is_host_drafter(current_user, declaration)
    every = [comment for thread in threads for comment in (thread, *thread.replies)]
    if visit:
        host_news.mark_seen(current_user, declaration, every)
    groups = group_by_clause(threads, declaration)
    organizations = sorted({thread.organization for thread in threads}, key=lambda o: o.name.casefold())
    filters = CommentFilterForm(request.args, organizations, [(group.key, group.title) for group in groups])
    chosen = filters.selection()
    selected, counts = _selected(groups, chosen)

    def forms_for(thread: Comment, group: ClauseGroup) -> tuple[ReplyForm, DecisionForm]:
        """Return the reply and decision forms of a thread: as posted if refused there, else blank."""
        reply_form = ReplyForm(formdata=None, comment=thread)
        decision_form = DecisionForm(
            formdata=None, amendment=thread, changed_text=thread.proposed_text,
            clause_lock_version=group.working.lock_version if group.working else None,
        )
        if failed and failed.thread_id == thread.id:
            if isinstance(failed.form, ReplyForm):
                reply_form = failed.form
            elif isinstance(failed.form, DecisionForm):
                decision_form = failed.form
        return reply_form, decision_form

    return render_template(
        "desk/index.html",
        declaration=declaration,
        groups=selected,
        total=len(threads),
        counts=counts,
        statuses=list(CommentStatus),
        chosen=chosen,
        filters=filters,
        forms_for=forms_for,
        failed=failed,
        is_new=lambda comment: marking and host_news.is_new(comment, seen),
        new_count=sum(host_news.is_new(comment, seen) for comment in every) if marking else 0,
    ), status


def _refused(declaration: Declaration, comment: Comment, form: FlaskForm, refused: consultation.CommentRefused):
    """Show the desk again with the refusal at the field it concerns (422), or at the thread (409)."""
    if refused.field and refused.field in form:
        form[refused.field].errors.append(str(refused))
        status = 422
    else:
        form.form_errors.append(str(refused))
        status = 409
    return _render_desk(declaration, Failed(comment.parent_id or comment.id, form), status)


def _decision_words(amendment: Comment) -> str:
    """Return the host's decision on an amendment as its author's e-mail says it, in the declaration's language."""
    language = amendment.declaration.language
    return {
        "accepted": wording.pgettext(language, "an amendment has been ...", "accepted"),
        "accepted_with_changes": wording.pgettext(language, "an amendment has been ...", "accepted with changes"),
        "rejected": wording.pgettext(language, "an amendment has been ...", "rejected"),
    }[amendment.decision.value]


def _tell_author(thread: Comment, subject: str, template: str, **context) -> str:
    """Queue an e-mail to the author of a thread about the host's reply or decision; return what to tell the host about it."""
    author = thread.author
    if not author.active:
        return f"{author.name}'s account is deactivated: no e-mail was sent."
    notifications.notify([author], subject, template, declaration=thread.declaration, comment=thread, **context)
    return f"{author.name} is told by e-mail."


@bp.get("/<int:declaration_id>/comments")
@login_required
def index(declaration_id: int):
    """List every comment by clause, with its replies, redline and decision, as the filters select;
    mark what is new to a host drafter, and remember that it was shown to them."""
    declaration = _load(declaration_id, permissions.can_see_working_draft)
    page = _render_desk(declaration, visit=True)
    db.session.commit()
    return page


@bp.post("/<int:declaration_id>/comments/<int:comment_id>/reply")
@login_required
@once(back=lambda declaration_id, comment_id: url_for("desk.index", declaration_id=declaration_id))
def reply(declaration_id: int, comment_id: int):
    """Reply to a comment in its thread and tell the comment's author."""
    declaration = _load(declaration_id, permissions.is_host_drafter)
    comment = _comment_of(declaration, comment_id)
    form = ReplyForm(comment=comment)
    if not form.validate_on_submit():
        return _render_desk(declaration, Failed(comment.parent_id or comment.id, form), 422)
    try:
        posted = consultation.reply(comment, current_user, form.body.data)
    except consultation.CommentRefused as refused:
        return _refused(declaration, comment, form, refused)
    thread = posted.parent
    language, passage = declaration.language, comment_targets.passage_words(thread)
    values = dict(title=declaration.title, organization=posted.organization.name_in(declaration.language),
                  clause=thread.clause_number, passage=passage)
    if passage:
        subject = wording.gettext(language, "{title}: {organization} answered your comment on {passage}", **values)
    else:
        subject = wording.gettext(language, "{title}: {organization} answered your comment on clause {clause}", **values)
    told = _tell_author(
        thread,
        subject,
        "comment_answered",
        reply=posted,
    )
    db.session.commit()
    return redirect_to_section(f"Your reply is recorded. {told}", f"comment-{posted.id}", "desk.index",
                               declaration_id=declaration.id)


@bp.post("/<int:declaration_id>/comments/<int:comment_id>/addressed")
@login_required
def addressed(declaration_id: int, comment_id: int):
    """Mark a comment addressed."""
    declaration = _load(declaration_id, permissions.is_host_drafter)
    comment = _comment_of(declaration, comment_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        consultation.mark_addressed(comment, current_user)
    except consultation.CommentRefused as refused:
        return _refused(declaration, comment, form, refused)
    db.session.commit()
    return redirect_to_section(
        f"The comment of {comment.organization.name} on {comment_targets.of_comment(comment).phrase} "
        "is marked addressed.",
        f"comment-{comment.id}", "desk.index", declaration_id=declaration.id,
    )


@bp.post("/<int:declaration_id>/comments/<int:comment_id>/decision")
@login_required
def decide(declaration_id: int, comment_id: int):
    """Accept an amendment, accept it with changes or reject it, and tell its author."""
    declaration = _load(declaration_id, permissions.is_host_drafter)
    amendment = _comment_of(declaration, comment_id)
    form = DecisionForm(amendment=amendment)
    if not form.validate_on_submit():
        return _render_desk(declaration, Failed(amendment.parent_id or amendment.id, form), 422)
    try:
        consultation.decide_amendment(
            amendment, current_user, form.choice, form.reason.data, form.changed_text.data,
            form.clause_lock_version.data,
        )
    except consultation.CommentRefused as refused:
        return _refused(declaration, amendment, form, refused)
    decided = amendment.decision.value.replace("_", " ")
    told_decided = _decision_words(amendment)
    told = _tell_author(
        amendment,
        wording.gettext(
            declaration.language, "{title}: your amendment to clause {clause} of {label} is {decided}",
            title=declaration.title, clause=amendment.clause_number, label=stored_pdfs.version_label(amendment.version),
            decided=told_decided,
        ),
        "amendment_decided",
        decided=told_decided,
    )
    db.session.commit()
    return redirect_to_section(
        f"The amendment of {amendment.organization.name} to clause {amendment.clause_number} is {decided}. {told}",
        f"comment-{amendment.id}", "desk.index", declaration_id=declaration.id,
    )
