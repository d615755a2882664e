"""The host's editor: create a declaration, compose its clauses, invite participants, preview."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.domain import circulation, clause_library, draft_editing, permissions, workflow
from drafting.domain.locking import EditConflict
from drafting.domain.people import participants
from drafting.domain.text import composed_document, placeholders
from drafting.extensions import db
from drafting.models import (
    Clause,
    ClauseTemplate,
    Declaration,
    DeclarationLayout,
    Network,
    Organization,
    Participant,
    ParticipantRole,
    TemplateCategory,
)
from drafting.rendering import notifications
from drafting.web.auth.forms import EmptyForm
from drafting.web.editor.forms import (
    CirculateForm,
    ClauseForm,
    ClosingFormulaForm,
    DeclarationForm,
    InviteNetworkForm,
    InviteOrganizationForm,
    MoveClauseForm,
    PreambleForm,
    placeholder_form,
)
from drafting.web.signoff.forms import ProposeFinalForm, ReasonForm

bp = Blueprint("editor", __name__, url_prefix="/declarations")

# Everything the editor and the preview print, loaded in a fixed number of queries.
WHOLE_DECLARATION = (
    joinedload(Declaration.host),
    joinedload(Declaration.network),
    selectinload(Declaration.clauses).joinedload(Clause.template),
    selectinload(Declaration.participants).joinedload(Participant.organization),
    selectinload(Declaration.versions),
)


def _load(declaration_id: int, require=permissions.can_view) -> Declaration:
    return permissions.declaration_or_404(declaration_id, current_user, require, options=WHOLE_DECLARATION)


def _clause_of(declaration: Declaration, clause_id: int) -> Clause:
    for clause in declaration.clauses:
        if clause.id == clause_id:
            return clause
    abort(404)


def _networks() -> list[Network]:
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def _refused(message: str, declaration: Declaration):
    flash(message, "error")
    return redirect(url_for("editor.show", declaration_id=declaration.id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Start a declaration hosted by the drafter's organization."""
    if not permissions.can_create_declaration(current_user):
        abort(403)
    form = DeclarationForm(networks=_networks())
    if form.validate_on_submit():
        try:
            declaration = draft_editing.create_declaration(current_user.organization, current_user, **form.metadata())
        except draft_editing.CompositionError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash("The declaration is created. Compose its text below.")
            return redirect(url_for("editor.show", declaration_id=declaration.id))
    return render_template("editor/new.html", form=form), 422 if form.errors else 200


@bp.get("/<int:declaration_id>")
@login_required
def show(declaration_id: int):
    """Show the working draft, with the editing tools when the user may edit; delegates see the circulated text."""
    declaration = _load(declaration_id)
    if not permissions.can_see_working_draft(current_user, declaration):
        latest = circulation.latest_version(declaration)
        return redirect(url_for("review.version", declaration_id=declaration.id, number=latest.number))
    editable = permissions.can_edit(current_user, declaration)
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)) if editable else []
    return render_template(
        "editor/show.html",
        declaration=declaration,
        editable=editable,
        document=composed_document.compose(declaration),
        preamble_form=PreambleForm(preamble=declaration.preamble, lock_version=declaration.lock_version),
        closing_form=ClosingFormulaForm(
            closing_formula=declaration.closing_formula, lock_version=declaration.lock_version
        ),
        clause_form=ClauseForm(formdata=None),
        invite_form=InviteOrganizationForm(formdata=None, organizations=organizations),
        network_form=InviteNetworkForm(
            formdata=None, networks=_networks() if editable else [], network_id=declaration.network_id or 0
        ),
        participants_by_country=composed_document.group_participants(declaration.participants),
        circulate_form=CirculateForm(formdata=None),
        may_circulate=_may(workflow.Action.circulate, declaration),
        final_form=ProposeFinalForm(formdata=None),
        may_propose_final=_may(workflow.Action.propose_final, declaration),
        withdraw_form=ReasonForm(formdata=None),
        may_withdraw=_may(workflow.Action.withdraw, declaration),
    )


def _may(action: workflow.Action, declaration: Declaration) -> bool:
    try:
        workflow.check(current_user, declaration, action)
    except workflow.TransitionRefused:
        return False
    return True


@bp.post("/<int:declaration_id>/circulate")
@login_required
def circulate(declaration_id: int):
    """Circulate the working draft to the participants as the next draft."""
    declaration = _load(declaration_id, permissions.can_see_working_draft)
    form = CirculateForm()
    if not form.validate_on_submit():
        return _refused(form.comment_deadline.errors[0], declaration)
    try:
        version = circulation.circulate(declaration, current_user, form.comment_deadline.data, date.today())
    except (circulation.CirculationError, workflow.TransitionRefused) as error:
        return _refused(str(error), declaration)
    sent = notifications.notify(
        circulation.delegates(declaration),
        f"{declaration.title}: {version.label} for your comments",
        "draft_circulated",
        declaration=declaration,
        version=version,
        deadline=circulation.deadline_day(version),
    )
    db.session.commit()
    flash(f"{version.label} is circulated; {sent} delegates are told by e-mail.")
    return redirect(url_for("review.version", declaration_id=declaration.id, number=version.number))


@bp.route("/<int:declaration_id>/details", methods=["GET", "POST"])
@login_required
def details(declaration_id: int):
    """Edit the declaration's title block and meeting."""
    declaration = _load(declaration_id, permissions.can_edit)
    form = DeclarationForm(obj=declaration, networks=_networks())
    if request.method == "GET":
        form.layout.data = declaration.layout.value
        form.network_id.data = declaration.network_id or 0
    conflict = None
    if form.validate_on_submit():
        try:
            draft_editing.update_declaration(declaration, int(form.lock_version.data or 0), **form.metadata())
        except draft_editing.CompositionError as error:
            getattr(form, error.field or "title").errors.append(str(error))
        except EditConflict as edit_conflict:
            conflict = edit_conflict.current
            form.lock_version.data = conflict.lock_version
        else:
            db.session.commit()
            flash("The details are saved.")
            return redirect(url_for("editor.show", declaration_id=declaration.id))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template("editor/details.html", declaration=declaration, form=form, conflict=conflict), status


def _save_text(declaration: Declaration, form, field: str, label: str):
    """Save the preamble or the closing formula, refusing a save based on an older version."""
    if not form.validate_on_submit():
        return render_template(
            "editor/text.html", declaration=declaration, form=form, text_field=field, label=label
        ), 422
    try:
        draft_editing.update_declaration(declaration, int(form.lock_version.data or 0), **{field: form[field].data})
    except EditConflict as edit_conflict:
        form.lock_version.data = edit_conflict.current.lock_version
        return render_template(
            "editor/text.html", declaration=declaration, form=form, text_field=field, label=label,
            conflict_text=getattr(edit_conflict.current, field),
        ), 409
    except draft_editing.CompositionError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    flash(f"The {label.lower()} is saved.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=field))


@bp.post("/<int:declaration_id>/preamble")
@login_required
def preamble(declaration_id: int):
    """Save the preamble."""
    declaration = _load(declaration_id, permissions.can_edit)
    return _save_text(declaration, PreambleForm(), "preamble", "Preamble")


@bp.post("/<int:declaration_id>/closing-formula")
@login_required
def closing_formula(declaration_id: int):
    """Save the closing formula."""
    declaration = _load(declaration_id, permissions.can_edit)
    return _save_text(declaration, ClosingFormulaForm(), "closing_formula", "Closing formula")


@bp.post("/<int:declaration_id>/clauses")
@login_required
def add_clause(declaration_id: int):
    """Append a clause written by hand."""
    declaration = _load(declaration_id, permissions.can_edit)
    form = ClauseForm()
    if not form.validate_on_submit():
        return render_template("editor/clause.html", declaration=declaration, form=form, clause=None), 422
    try:
        clause = draft_editing.add_clause(declaration, form.heading.data, form.body.data)
    except draft_editing.CompositionError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    flash(f"Clause {clause.position} is added.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=f"clause-{clause.id}"))


@bp.route("/<int:declaration_id>/clauses/<int:clause_id>/edit", methods=["GET", "POST"])
@login_required
def edit_clause(declaration_id: int, clause_id: int):
    """Edit one clause; a save based on an older text is refused and shows the newer one."""
    declaration = _load(declaration_id, permissions.can_edit)
    clause = _clause_of(declaration, clause_id)
    form = ClauseForm(obj=clause)
    conflict = None
    if form.validate_on_submit():
        try:
            draft_editing.update_clause(clause, int(form.lock_version.data or 0), form.heading.data, form.body.data)
        except EditConflict as edit_conflict:
            conflict = edit_conflict.current
            form.lock_version.data = conflict.lock_version
        except draft_editing.CompositionError as error:
            return _refused(str(error), declaration)
        else:
            db.session.commit()
            flash(f"Clause {clause.position} is saved.")
            return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=f"clause-{clause.id}"))
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "editor/clause.html", declaration=declaration, form=form, clause=clause, conflict=conflict
    ), status


@bp.post("/<int:declaration_id>/clauses/<int:clause_id>/move")
@login_required
def move_clause(declaration_id: int, clause_id: int):
    """Move a clause one place up or down."""
    declaration = _load(declaration_id, permissions.can_edit)
    clause = _clause_of(declaration, clause_id)
    form = MoveClauseForm()
    if not form.validate_on_submit():
        return _refused("Move a clause up or down.", declaration)
    try:
        draft_editing.move_clause(clause, -1 if form.direction.data == "up" else 1)
    except draft_editing.CompositionError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=f"clause-{clause.id}"))


@bp.post("/<int:declaration_id>/clauses/<int:clause_id>/remove")
@login_required
def remove_clause(declaration_id: int, clause_id: int):
    """Remove a clause from the working draft."""
    declaration = _load(declaration_id, permissions.can_edit)
    clause = _clause_of(declaration, clause_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    number = clause.position
    try:
        draft_editing.remove_clause(clause)
    except draft_editing.CompositionError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    flash(f"Clause {number} is removed; the clauses after it are renumbered.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="clauses"))


@bp.get("/<int:declaration_id>/insert")
@login_required
def choose_template(declaration_id: int):
    """List the library's templates to insert one into the declaration."""
    declaration = _load(declaration_id, permissions.can_edit)
    category = request.args.get("category", "")
    language = request.args.get("language", declaration.language)
    words = request.args.get("q", "")
    templates = clause_library.search_templates(
        words, TemplateCategory[category] if category in TemplateCategory.__members__ else None, language
    )
    return render_template(
        "editor/choose_template.html", declaration=declaration, templates=templates,
        categories=list(TemplateCategory), category=category, language=language, words=words,
    )


@bp.route("/<int:declaration_id>/insert/<int:template_id>", methods=["GET", "POST"])
@login_required
def insert_template(declaration_id: int, template_id: int):
    """Fill a template's placeholders and append it as a clause."""
    declaration = _load(declaration_id, permissions.can_edit)
    template = db.get_or_404(ClauseTemplate, template_id)
    try:
        found = placeholders.parse(template.heading or "", template.body)
    except placeholders.TemplateSyntaxError as error:
        return _refused(f"The template “{template.name}” cannot be used: {error}", declaration)
    form = placeholder_form(found, placeholders.known_values(declaration))
    if form.validate_on_submit():
        try:
            clause = draft_editing.insert_template(declaration, template, form.raw_values())
        except draft_editing.UnfilledPlaceholders as unfilled:
            for name, message in unfilled.errors.items():
                form.field_of(name).errors = [message]
        except draft_editing.CompositionError as error:
            return _refused(str(error), declaration)
        else:
            db.session.commit()
            flash(f"“{template.name}” is inserted as clause {clause.position}.")
            return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=f"clause-{clause.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "editor/insert_template.html", declaration=declaration, template=template, form=form, found=found
    ), status


@bp.post("/<int:declaration_id>/participants")
@login_required
def invite(declaration_id: int):
    """Invite one organization."""
    declaration = _load(declaration_id, permissions.can_edit)
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form = InviteOrganizationForm(organizations=organizations)
    if not form.validate_on_submit():
        return _refused("Choose an organization to invite.", declaration)
    organization = db.session.get(Organization, form.organization_id.data)
    try:
        participants.invite(declaration, organization, ParticipantRole(form.role.data))
    except participants.InvitationError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    flash(f"{organization.name} is invited.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="participants"))


@bp.post("/<int:declaration_id>/participants/network")
@login_required
def invite_network(declaration_id: int):
    """Invite every current member of a network."""
    declaration = _load(declaration_id, permissions.can_edit)
    form = InviteNetworkForm(networks=_networks())
    if not form.validate_on_submit():
        return _refused("Choose a network.", declaration)
    network = db.session.get(Network, form.network_id.data)
    invited = participants.invite_network_members(declaration, network, ParticipantRole(form.role.data), date.today())
    db.session.commit()
    flash(f"{len(invited)} members of {network.name} are invited." if invited
          else f"Every current member of {network.name} takes part already.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="participants"))


@bp.post("/<int:declaration_id>/participants/<int:participant_id>/remove")
@login_required
def uninvite(declaration_id: int, participant_id: int):
    """Withdraw an organization's invitation."""
    declaration = _load(declaration_id, permissions.can_edit)
    participant = next((p for p in declaration.participants if p.id == participant_id), None)
    if participant is None or not EmptyForm().validate_on_submit():
        abort(404 if participant is None else 400)
    name = participant.organization.name
    try:
        participants.uninvite(participant)
    except participants.InvitationError as error:
        return _refused(str(error), declaration)
    db.session.commit()
    flash(f"{name} is no longer invited.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="participants"))


@bp.get("/<int:declaration_id>/preview")
@login_required
def preview(declaration_id: int):
    """Show the working draft as it will read, in the declaration's layout or the one asked for."""
    declaration = _load(declaration_id, permissions.can_see_working_draft)
    layout_name = request.args.get("layout", declaration.layout.value)
    if layout_name not in DeclarationLayout.__members__:
        abort(404)
    return render_template(
        "editor/preview.html",
        declaration=declaration,
        document=composed_document.compose(declaration, layout=DeclarationLayout[layout_name]),
        layouts=list(DeclarationLayout),
    )
