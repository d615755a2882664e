"""The editor: adding, editing, moving and removing the clauses of the working draft."""

from flask import abort, redirect, render_template, url_for
from flask_login import login_required

from drafting.domain import draft_editing, permissions
from drafting.domain.locking import EditConflict
from drafting.extensions import db
from drafting.web.auth.forms import EmptyForm
from drafting.web.editor.blueprint import bp, clause_of, load_declaration, refused
from drafting.web.editor.forms import ClauseForm, MoveClauseForm
from drafting.web.notices import redirect_to_section
from drafting.web.submitted_once import once


@bp.post("/<int:declaration_id>/clauses")
@login_required
@once(back=lambda declaration_id: url_for("editor.show", declaration_id=declaration_id))
def add_clause(declaration_id: int):
    """Append a clause written by hand."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = ClauseForm()
    if not form.validate_on_submit():
        return render_template("editor/clause.html", declaration=declaration, form=form, clause=None), 422
    try:
        clause = draft_editing.add_clause(declaration, form.heading.data, form.body.data)
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration)
    db.session.commit()
    return redirect_to_section(f"Clause {clause.position} is added.", f"clause-{clause.id}", "editor.show",
                               declaration_id=declaration.id)


@bp.route("/<int:declaration_id>/clauses/<int:clause_id>/edit", methods=["GET", "POST"])
@login_required
def edit_clause(declaration_id: int, clause_id: int):
    """Edit one clause; a save based on an older text is refused and shows the newer one."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    clause = clause_of(declaration, clause_id)
    form = ClauseForm(obj=clause)
    conflict = None
    if form.validate_on_submit():
        try:
            draft_editing.update_clause(clause, int(form.lock_version.data or 0), form.heading.data, form.body.data)
        except EditConflict as edit_conflict:
            conflict = edit_conflict.current
            form.lock_version.data = conflict.lock_version
        except draft_editing.CompositionError as error:
            return refused(str(error), declaration)
        else:
            db.session.commit()
            return redirect_to_section(f"Clause {clause.position} is saved.", f"clause-{clause.id}", "editor.show",
                                       declaration_id=declaration.id)
    status = 409 if conflict else (422 if form.errors else 200)
    return render_template(
        "editor/clause.html", declaration=declaration, form=form, clause=clause, conflict=conflict
    ), status


@bp.post("/<int:declaration_id>/clauses/<int:clause_id>/move")
@login_required
def move_clause(declaration_id: int, clause_id: int):
    """Move a clause one place up or down."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    clause = clause_of(declaration, clause_id)
    form = MoveClauseForm()
    if not form.validate_on_submit():
        return refused("Move a clause up or down.", declaration, f"clause-{clause.id}")
    try:
        draft_editing.move_clause(clause, -1 if form.direction.data == "up" else 1)
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration, f"clause-{clause.id}")
    db.session.commit()
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor=f"clause-{clause.id}"))


@bp.post("/<int:declaration_id>/clauses/<int:clause_id>/remove")
@login_required
def remove_clause(declaration_id: int, clause_id: int):
    """Remove a clause from the working draft."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    clause = clause_of(declaration, clause_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    number = clause.position
    try:
        draft_editing.remove_clause(clause)
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration, f"clause-{clause.id}")
    db.session.commit()
    return redirect_to_section(f"Clause {number} is removed; the clauses after it are renumbered.", "clauses",
                               "editor.show", declaration_id=declaration.id)
