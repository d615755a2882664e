"""The editor: the parts the application writes a default for, where the date line stands, and the host's order."""

from flask import abort, redirect, request, url_for
from flask_login import login_required

from drafting.domain import draft_editing, permissions
from drafting.domain.locking import EditConflict
from drafting.domain.text.composed_document import Part
from drafting.extensions import db
from drafting.web.editor.blueprint import bp, load_declaration, refused
from drafting.web.editor.details import save_text
from drafting.web.editor.forms import PART_LABELS, PlaceForm, PlacementForm, part_form
from drafting.web.notices import redirect_to_section

# The parts in URLs: /declarations/<id>/closing-formula.
PART_SLUGS = {part.value.replace("_", "-"): part for part in Part}


@bp.post("/<int:declaration_id>/<any('header', 'opening', 'date-line', 'closing-formula', 'list-heading'):slug>")
@login_required
def part(declaration_id: int, slug: str):
    """Save the host's own text of a part, or take the part back to its default."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    which = PART_SLUGS[slug]
    form = part_form(which)
    label = PART_LABELS[which]
    section = f"part-{slug}"
    if "restore" in request.form:  # the "Go back to the default" button of the same form
        return save_text(declaration, form, which.value, label, lambda based_on, text: draft_editing.update_declaration(
            declaration, based_on, **{which.value: None}), section)
    if "leave_out" in request.form:  # the "Leave out" button of the same form
        return save_text(declaration, form, which.value, label, lambda based_on, text: draft_editing.leave_out_part(
            declaration, based_on, which), section, saved=f"The {label.lower()} is left out of the document.")
    return save_text(declaration, form, which.value, label, lambda based_on, text: draft_editing.rewrite_part(
        declaration, based_on, which, text), section)


@bp.post("/<int:declaration_id>/placement")
@login_required
def placement(declaration_id: int):
    """Save where the date line stands and whether the hosts are listed."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = PlacementForm()
    if not form.validate_on_submit():
        return refused("Choose where the date line stands and whether the hosts are listed.", declaration, "parts")
    try:
        draft_editing.update_declaration(declaration, int(form.lock_version.data or 0), **form.values())
    except EditConflict:
        return refused("Someone else saved the declaration meanwhile: look again and choose anew.", declaration, "parts")
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration, "parts")
    db.session.commit()
    return redirect_to_section("The layout of the document is saved.", "parts", "editor.show",
                               declaration_id=declaration.id)


@bp.post("/<int:declaration_id>/order/participants/<int:participant_id>")
@login_required
def place_participant(declaration_id: int, participant_id: int):
    """Move a participant in the host's order (Move up, Move down, or dragged and dropped)."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    participant = next((p for p in declaration.participants if p.id == participant_id), None)
    form = PlaceForm()
    if participant is None:
        abort(404)
    if not form.validate_on_submit():
        return refused("Say where the participant goes.", declaration, "order")
    try:
        draft_editing.place_participant(participant, form.to.data)
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration, "order")
    db.session.commit()
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="order"))


@bp.post("/<int:declaration_id>/order/countries/<country>")
@login_required
def place_country(declaration_id: int, country: str):
    """Move a country in the host's order of countries."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = PlaceForm()
    if not form.validate_on_submit():
        return refused("Say where the country goes.", declaration, "order")
    try:
        draft_editing.place_country(declaration, country, form.to.data)
    except draft_editing.CompositionError as error:
        return refused(str(error), declaration, "order")
    db.session.commit()
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="order"))
