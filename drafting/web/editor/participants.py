"""The editor: inviting organizations, or a network's members, to take part; giving them another role;
removing them; an organization's answer to a proposal that it co-host."""

from datetime import date

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from drafting.domain import permissions
from drafting.domain.people import participants
from drafting.extensions import db
from drafting.models import Network, Organization, Participant, ParticipantRole
from drafting.rendering import notifications
from drafting.web.auth.forms import EmptyForm
from drafting.web.editor.blueprint import all_networks, bp, load_declaration, refused
from drafting.web.editor.forms import CoHostAnswerForm, InviteNetworkForm, InviteOrganizationForm, ParticipantRoleForm
from drafting.web.notices import redirect_to_section


def _ask_to_co_host(participant: Participant) -> int:
    # In the transaction of the proposal: the e-mails go with it or not at all.
    declaration = participant.declaration
    return notifications.notify(
        participants.who_answers_co_host_proposal(participant),
        f"{declaration.title}: {declaration.host.name} proposes that {participant.organization.name} co-host it",
        "co_host_proposed", declaration=declaration, participant=participant,
    )


def _to_participants(declaration, message: str):
    return redirect_to_section(message, "participants", "editor.show", declaration_id=declaration.id)


def _participant_of(declaration, participant_id: int) -> Participant:
    participant = next((p for p in declaration.participants if p.id == participant_id), None)
    if participant is None:
        abort(404)
    return participant


@bp.post("/<int:declaration_id>/participants")
@login_required
def invite(declaration_id: int):
    """Invite one organization, or propose it co-host."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form = InviteOrganizationForm(organizations=organizations)
    if not form.validate_on_submit():
        return refused("Choose an organization to invite.", declaration, "participants")
    organization = db.session.get(Organization, form.organization_id.data)
    role = ParticipantRole(form.role.data)
    try:
        participant = participants.invite(declaration, organization, role, by=current_user)
    except participants.InvitationError as error:
        return refused(str(error), declaration, "participants")
    if participant.co_host_proposed:
        _ask_to_co_host(participant)
    db.session.commit()
    return _to_participants(declaration, (
        f"{organization.name} is invited as an observer and asked to accept to co-host: until its drafters "
        "accept, it has no host's rights and is named nowhere." if role is ParticipantRole.host
        else f"{organization.name} is invited."))


@bp.post("/<int:declaration_id>/participants/network")
@login_required
def invite_network(declaration_id: int):
    """Invite every current member of a network."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    form = InviteNetworkForm(networks=all_networks())
    if not form.validate_on_submit():
        return refused("Choose a network.", declaration, "participants")
    network = db.session.get(Network, form.network_id.data)
    invited = participants.invite_network_members(
        declaration, network, ParticipantRole(form.role.data), date.today(), by=current_user
    )
    db.session.commit()
    return _to_participants(declaration, f"{len(invited)} members of {network.name} are invited." if invited
                            else f"Every current member of {network.name} takes part already.")


@bp.post("/<int:declaration_id>/participants/<int:participant_id>/role")
@login_required
def change_role(declaration_id: int, participant_id: int):
    """Give a participant another role, or propose it co-host."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    participant = _participant_of(declaration, participant_id)
    form = ParticipantRoleForm()
    if not form.validate_on_submit():
        return refused("Choose a role among those offered.", declaration, "participants")
    role = ParticipantRole(form.role.data)
    try:
        participants.change_role(participant, role, by=current_user)
    except participants.InvitationError as error:
        return refused(str(error), declaration, "participants")
    if participant.co_host_proposed:
        _ask_to_co_host(participant)
    db.session.commit()
    return _to_participants(declaration, (
        f"{participant.organization.name} is asked to accept to co-host." if role is ParticipantRole.host
        else f"{participant.organization.name} takes part as {role.value}."))


@bp.post("/<int:declaration_id>/participants/<int:participant_id>/remove")
@login_required
def uninvite(declaration_id: int, participant_id: int):
    """Withdraw an organization's invitation."""
    declaration = load_declaration(declaration_id, permissions.can_edit)
    participant = _participant_of(declaration, participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = participant.organization.name
    try:
        participants.uninvite(participant, by=current_user)
    except participants.InvitationError as error:
        return refused(str(error), declaration, "participants")
    db.session.commit()
    return _to_participants(declaration, f"{name} is no longer invited.")


@bp.post("/<int:declaration_id>/participants/<int:participant_id>/co-host-answer")
@login_required
def answer_co_host_proposal(declaration_id: int, participant_id: int):
    """Accept or decline, for the user's organization, the proposal that it co-host the declaration."""
    participant = db.session.get(Participant, participant_id)
    # The proposal exists only for the organization it names (and administrators): 404 for anyone else.
    if (participant is None or participant.declaration_id != declaration_id
            or not (current_user.is_admin or participant.organization_id == current_user.organization_id)):
        abort(404)
    form = CoHostAnswerForm()
    if not form.validate_on_submit():
        flash("Accept or decline the proposal.", "error")
        return redirect(url_for("main.home"))
    accept = form.answer.data == "accept"
    try:
        participants.answer_co_host_proposal(participant, current_user, accept)
    except participants.InvitationError as error:
        flash(str(error), "error")
        return redirect(url_for("main.home"))
    db.session.commit()
    title = participant.declaration.title
    name = participant.organization.name
    flash(f"{name} co-hosts the {title}." if accept
          else f"{name} declined to co-host the {title}; it takes part as {participant.role.value}.")
    return redirect(url_for("main.home"))
