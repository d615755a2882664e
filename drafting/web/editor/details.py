"""The editor: the declaration's details (title, meeting, place, dates, layout) and preamble."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from drafting.domain import draft_editing, permissions
from drafting.domain.locking import EditConflict
from drafting.extensions import db
from drafting.models import Declaration
from drafting.web.editor.blueprint import all_networks, bp, load_declaration, refused
from drafting.web.editor.forms import DeclarationForm, PreambleForm
from drafting.web.notices import redirect_to_section


@bp.route("/<int:declaration_id>/details", methods=["GET", "POST"])
@login_required
def details(declaration_id: int):
    """Edit the declaration's title block and meeting."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = DeclarationForm(obj=declaration, networks=all_networks())
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
    return render_template(
        "editor/details.html", declaration=declaration, form=form, conflict=conflict,
        differences=form.differences_from(conflict) if conflict else [],
    ), status


def save_text(declaration: Declaration, form, field: str, label: str, save=None, section: str | None = None,
              saved: str | None = None):
    """Save the preamble or a part, refusing a save based on an older version.

    `save(based_on, text)` stores the text; by default as the declaration's column `field`. The
    editor opens again at `section`, by default the element of id `field`, saying `saved`.
    """
    action = url_for(request.endpoint, **request.view_args)
    if not form.validate_on_submit():
        return render_template(
            "editor/text.html", declaration=declaration, form=form, text_field=field, label=label, action=action
        ), 422
    save = save or (lambda based_on, text: draft_editing.update_declaration(declaration, based_on, **{field: text}))
    try:
        save(int(form.lock_version.data or 0), form[field].data)
    except EditConflict as edit_conflict:
        form.lock_version.data = edit_conflict.current.lock_version
        return render_template(
            "editor/text.html", declaration=declaration, form=form, text_field=field, label=label, action=action,
            conflict_text=getattr(edit_conflict.current, field),
        ), 409
    except draft_editing.CompositionError as error:
        if error.field != field:
            return refused(str(error), declaration)
        form[field].errors.append(str(error))
        return render_template(
            "editor/text.html", declaration=declaration, form=form, text_field=field, label=label, action=action
        ), 422
    db.session.commit()
    return redirect_to_section(saved or f"The {label.lower()} is saved.", section or field, "editor.show",
                               declaration_id=declaration.id)


@bp.post("/<int:declaration_id>/preamble")
@login_required
def preamble(declaration_id: int):
    """Save the preamble."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    return save_text(declaration, PreambleForm(), "preamble", "Preamble")
