"""The editor: inviting organizations, or a network's members, to take part; removing them."""

from datetime import date

from flask import abort, flash, redirect, url_for
from flask_login import login_required
from sqlalchemy import select

from drafting.domain import permissions
from drafting.domain.people import participants
from drafting.extensions import db
from drafting.models import Network, Organization, ParticipantRole
from drafting.web.auth.forms import EmptyForm
from drafting.web.editor.blueprint import all_networks, bp, load_declaration, refused
from drafting.web.editor.forms import InviteNetworkForm, InviteOrganizationForm


@bp.post("/<int:declaration_id>/participants")
@login_required
def invite(declaration_id: int):
    """Invite one organization."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form = InviteOrganizationForm(organizations=organizations)
    if not form.validate_on_submit():
        return refused("Choose an organization to invite.", declaration)
    organization = db.session.get(Organization, form.organization_id.data)
    try:
        participants.invite(declaration, organization, ParticipantRole(form.role.data))
    except participants.InvitationError as error:
        return refused(str(error), declaration)
    db.session.commit()
    flash(f"{organization.name} is invited.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="participants"))


@bp.post("/<int:declaration_id>/participants/network")
@login_required
def invite_network(declaration_id: int):
    """Invite every current member of a network."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = InviteNetworkForm(networks=all_networks())
    if not form.validate_on_submit():
        return refused("Choose a network.", declaration)
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
    declaration = load_declaration(declaration_id, permissions.can_edit)
    participant = next((p for p in declaration.participants if p.id == participant_id), None)
    if participant is None or not EmptyForm().validate_on_submit():
        abort(404 if participant is None else 400)
    name = participant.organization.name
    try:
        participants.uninvite(participant)
    except participants.InvitationError as error:
        return refused(str(error), declaration)
    db.session.commit()
    flash(f"{name} is no longer invited.")
    return redirect(url_for("editor.show", declaration_id=declaration.id, _anchor="participants"))
