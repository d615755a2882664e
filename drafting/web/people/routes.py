"""An organization's people, for its focal points and administrators: its accounts, their mandates,
and the hosts' requests for a delegate."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from drafting.domain import organization_permissions, permissions
from drafting.domain.clock import utcnow
from drafting.domain.people import delegate_invitations, mandates
from drafting.domain.people.delegate_invitations import InvitationRefused
from drafting.extensions import db
from drafting.models import Declaration, Mandate, Organization, User, UserRole
from drafting.rendering import notifications
from drafting.web.auth.forms import EmptyForm
from drafting.web.people.forms import ConfirmRequestForm, MandateForm, MemberInvitationForm

bp = Blueprint("people", __name__)


def _organization_or_404(organization_id: int) -> Organization:
    # Another organization's people are none of the user's business: they do not exist for them.
    organization = db.session.get(Organization, organization_id)
    if organization is None or not organization_permissions.may_vouch(current_user, organization):
        abort(404)
    return organization


def _refused(error: InvitationRefused | permissions.Refusal, organization: Organization):
    """Show a refusal with its reason; nothing was changed."""
    db.session.rollback()
    code = 409 if organization_permissions.may_vouch(current_user, organization) else 403
    message = error.message if isinstance(error, permissions.Refusal) else str(error)
    return render_template("errors/error.html", code=code, title="Refused", message=message), code


def _checked(organization: Organization, form) -> permissions.Refusal | None:
    """Say why the request is refused before its form is read: who vouches first, then a valid form."""
    refusal = organization_permissions.why_not_vouch(current_user, organization)
    if refusal is None and not form.validate_on_submit():
        abort(400)
    return refusal


def _back(organization: Organization):
    return redirect(url_for("people.index", organization_id=organization.id))


def _send_invitation(invitation, token: str) -> None:
    """Queue the e-mail with the invitation's link, in the invitation's transaction, and say so."""
    notifications.notify(
        [invitation],
        f"Invitation to act for {invitation.organization.name}",
        "delegate_invitation",
        invitation=invitation,
        link=url_for("delegates.accept", token=token, _external=True),
    )
    flash(f"Invitation sent to {invitation.email}.")


@bp.route("/organizations/<int:organization_id>/people", methods=["GET", "POST"])
@login_required
def index(organization_id: int):
    """Show the organization's people, mandates and pending requests; invite a delegate or drafter."""
    organization = _organization_or_404(organization_id)
    form = MemberInvitationForm()
    if form.validate_on_submit():
        try:
            invitation, token = delegate_invitations.invite_member(
                organization, form.email.data, UserRole(form.role.data), current_user._get_current_object(), utcnow(),
            )
        except InvitationRefused as error:
            (form[error.field].errors if error.field else form.form_errors).append(str(error))
        else:
            _send_invitation(invitation, token)
            db.session.commit()
            return _back(organization)
    members = delegate_invitations.members_of(organization)
    delegates = [m for m in members if m.active and m.role is UserRole.delegate]
    declarations = mandates.open_declarations_of(organization)
    now = utcnow()
    return render_template(
        "people/index.html",
        organization=organization,
        form=form,
        members=[(member, mandates.mandates_of(member)) for member in members],
        requests=[(request, ConfirmRequestForm(formdata=None, prefix=f"request-{request.id}", delegates=delegates,
                                               email=request.email))
                  for request in mandates.pending_requests(organization)],
        mandate_form=MandateForm(formdata=None, declarations=declarations),
        invitations=[(i, delegate_invitations.invitation_status(i, now))
                     for i in delegate_invitations.invitations_of(organization)],
    ), 422 if form.errors else 200


@bp.post("/mandates/<int:mandate_id>/confirm")
@login_required
def confirm(mandate_id: int):
    """Confirm a host's request for a delegate: name one of the organization's delegates, or invite a person."""
    mandate = db.get_or_404(Mandate, mandate_id)
    delegates = delegate_invitations.members_of(mandate.organization)
    form = ConfirmRequestForm(prefix=f"request-{mandate.id}", delegates=delegates)
    if refusal := _checked(mandate.organization, form):
        return _refused(refusal, mandate.organization)
    delegate = db.session.get(User, form.delegate_id.data) if form.delegate_id.data else None
    try:
        sent = mandates.confirm_request(
            mandate, current_user._get_current_object(), utcnow(), delegate=delegate, email=form.email.data,
        )
    except InvitationRefused as error:
        return _refused(error, mandate.organization)
    if sent is not None:
        _send_invitation(*sent)
    flash(f"{mandate.email} is confirmed as delegate of {mandate.organization.name} for the {mandate.declaration.title}.")
    db.session.commit()
    return _back(mandate.organization)


@bp.post("/mandates/<int:mandate_id>/decline")
@login_required
def decline(mandate_id: int):
    """Decline a host's request for a delegate."""
    return _close_mandate(mandate_id, mandates.decline_request,
                          lambda mandate: f"The request of {mandate.declaration.host.name} is declined.")


@bp.post("/mandates/<int:mandate_id>/revoke")
@login_required
def revoke(mandate_id: int):
    """Revoke a delegate's mandate."""
    return _close_mandate(mandate_id, mandates.revoke_mandate,
                          lambda mandate: f"{mandate.email} no longer acts on {mandate.scope}.")


def _close_mandate(mandate_id: int, close: Callable[..., object], done: Callable[[Mandate], str]):
    """Decline a request or revoke a mandate, as a focal point of the mandate's organization."""
    mandate = db.get_or_404(Mandate, mandate_id)
    if refusal := _checked(mandate.organization, EmptyForm()):
        return _refused(refusal, mandate.organization)
    try:
        close(mandate, current_user._get_current_object(), utcnow())
    except InvitationRefused as error:
        return _refused(error, mandate.organization)
    db.session.commit()
    flash(done(mandate))
    return _back(mandate.organization)


@bp.post("/people/<int:user_id>/mandates")
@login_required
def grant(user_id: int):
    """Give a delegate a mandate for one declaration or every one."""
    user = db.get_or_404(User, user_id)
    if user.organization is None:
        abort(404)
    if refusal := _checked(user.organization, MandateForm()):
        return _refused(refusal, user.organization)
    form = MandateForm()
    declaration = None
    if form.declaration_id.data:
        declaration = db.get_or_404(Declaration, form.declaration_id.data)
    try:
        mandates.grant_mandate(user, declaration, current_user._get_current_object(), utcnow())
    except InvitationRefused as error:
        return _refused(error, user.organization)
    db.session.commit()
    flash(f"{user.name} acts for {user.organization.name} on {declaration.title if declaration else 'every declaration'}.")
    return _back(user.organization)


@bp.post("/people/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    """Close the account of one of the organization's delegates or drafters."""
    user = db.get_or_404(User, user_id)
    if user.organization is None:
        abort(404)
    if refusal := _checked(user.organization, EmptyForm()):
        return _refused(refusal, user.organization)
    try:
        delegate_invitations.deactivate_member(user, current_user._get_current_object(), utcnow())
    except InvitationRefused as error:
        return _refused(error, user.organization)
    db.session.commit()
    flash(f"The account of {user.name} is closed.")
    return _back(user.organization)
