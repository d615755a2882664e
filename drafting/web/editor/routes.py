"""The host's editor: create a declaration, show its working draft, circulate it, preview it.

The editor's other routes are in the modules imported below, by what the host is doing.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting.domain import circulation, clause_library, draft_editing, host_news, permissions, time_zones, workflow
from drafting.domain.text import composed_document, wording
from drafting.extensions import db
from drafting.models import DeclarationLayout, Organization
from drafting.rendering import notifications, stored_pdfs
# Each of these modules adds its routes to the blueprint: importing them here registers them with it.
from drafting.web.editor import clauses, details, library_insert, participants, parts  # noqa: F401
from drafting.web.editor.blueprint import all_networks, bp, load_declaration, refused
from drafting.web.editor.forms import (
    CirculateForm,
    ClauseForm,
    DeclarationForm,
    InviteNetworkForm,
    InviteOrganizationForm,
    ParticipantRoleForm,
    PlaceForm,
    PlacementForm,
    PreambleForm,
    part_form,
)
from drafting.web.signoff.forms import ProposeFinalForm, ReasonForm
from drafting.web.submitted_once import once


@bp.route("/new", methods=["GET", "POST"])
@login_required
@once(back=lambda: url_for("main.home"))
def new():
    """Start a declaration hosted by the drafter's organization."""
    if not permissions.can_create_declaration(current_user):
        abort(403)
    form = DeclarationForm(networks=all_networks())
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
    declaration = load_declaration(declaration_id)
    if not permissions.can_see_working_draft(current_user, declaration):
        latest = circulation.latest_version(declaration)
        return redirect(url_for("review.version", declaration_id=declaration.id, number=latest.number))
    editable = permissions.can_edit(current_user, declaration)
    open_draft = circulation.open_for_comments(declaration)
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)) if editable else []
    return render_template(
        "editor/show.html",
        declaration=declaration,
        editable=editable,
        document=composed_document.compose(declaration),
        preamble_form=PreambleForm(preamble=declaration.preamble, lock_version=declaration.lock_version),
        part_forms=[
            (part_form(part, formdata=None, lock_version=declaration.lock_version,
                       **{part.value: composed_document.part_text(declaration, part)}),
             composed_document.is_default(declaration, part))
            for part in composed_document.Part
        ],
        placement_form=PlacementForm(
            formdata=None, lock_version=declaration.lock_version,
            date_position=declaration.date_position.value if declaration.date_position else "",
            hosts_listed={True: "yes", False: "no"}.get(declaration.hosts_listed, ""),
        ),
        place_form=PlaceForm(formdata=None),
        opening_names=composed_document.participants_in_document(declaration, declaration.layout),
        clause_form=ClauseForm(formdata=None),
        invite_form=InviteOrganizationForm(formdata=None, organizations=organizations),
        role_form=ParticipantRoleForm(formdata=None),
        network_form=InviteNetworkForm(
            formdata=None, networks=all_networks() if editable else [], network_id=declaration.network_id or 0
        ),
        participants_by_country=composed_document.group_participants(declaration.participants, declaration.country_order),
        unnamed=composed_document.unnamed_in_language(declaration),
        language_name=clause_library.language_name(declaration.language),
        circulate_form=CirculateForm(formdata=None),
        final_form=ProposeFinalForm(formdata=None),
        open_draft=open_draft,
        withdraw_form=ReasonForm(formdata=None),
        unread=host_news.unread_count(current_user, declaration),
    )


@bp.post("/<int:declaration_id>/circulate")
@login_required
@once(back=lambda declaration_id: url_for("editor.show", declaration_id=declaration_id))
def circulate(declaration_id: int):
    """Circulate the working draft to the participants as the next draft."""
    declaration = load_declaration(declaration_id, permissions.can_see_working_draft)
    form = CirculateForm()
    if not form.validate_on_submit():
        return refused(form.comment_deadline.errors[0], declaration)
    try:
        version = circulation.circulate(declaration, current_user, form.comment_deadline.data,
                                        time_zones.today_in(time_zones.zone_of(current_user)),
                                        open_consultation=form.open_consultation.data)
    except (circulation.CirculationError, workflow.TransitionRefused) as error:
        return refused(str(error), declaration)
    sent = notifications.notify(
        circulation.delegates(declaration),
        wording.gettext(
            declaration.language, "{title}: {label} for your comments",
            title=declaration.title, label=stored_pdfs.version_label(version),
        ),
        "draft_circulated",
        declaration=declaration,
        version=version,
    )
    db.session.commit()
    flash(f"{version.label} is circulated; {sent} delegates are told by e-mail.")
    return redirect(url_for("review.version", declaration_id=declaration.id, number=version.number))


@bp.get("/<int:declaration_id>/preview")
@login_required
def preview(declaration_id: int):
    """Show the working draft as it will read, in the declaration's layout or the one asked for."""
    declaration = load_declaration(declaration_id, permissions.can_see_working_draft)
    layout_name = request.args.get("layout", declaration.layout.value)
    if layout_name not in DeclarationLayout.__members__:
        abort(404)
    return render_template(
        "editor/preview.html",
        declaration=declaration,
        document=composed_document.compose(declaration, layout=DeclarationLayout[layout_name]),
        layouts=list(DeclarationLayout),
    )
