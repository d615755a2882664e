"""Asking the invited organizations for delegates, and an invitee's first visit where they set their password."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from drafting.domain import permissions
from drafting.domain.clock import utcnow
from drafting.domain.people import delegate_invitations, mandates
from drafting.domain.people.accounts import AccountError
from drafting.domain.people.delegate_invitations import InvitationLinkError, InvitationRefused
from drafting.extensions import db
from drafting.models import Declaration, Organization, Participant
from drafting.rendering import notifications
from drafting.web.auth.routes import begin_session
from drafting.web.delegates.forms import AcceptInvitationForm, DelegateRequestForm
from drafting.web.loading import declaration_or_404

bp = Blueprint("delegates", __name__)

WITH_PARTICIPANTS = (
    joinedload(Declaration.host),
    selectinload(Declaration.participants).joinedload(Participant.organization),
)


@bp.route("/declarations/<int:declaration_id>/delegates", methods=["GET", "POST"])
@login_required
def invite(declaration_id: int):
    """List the declaration's confirmed delegates and requests, and ask an invited organization for a delegate."""
    declaration = declaration_or_404(
        declaration_id, current_user, permissions.is_host_drafter, options=WITH_PARTICIPANTS
    )
    form = DelegateRequestForm(organizations=mandates.invited_organizations(declaration))
    if form.validate_on_submit():
        try:
            request = mandates.request_delegate(
                declaration, form.organization_id.data and db.session.get(Organization, form.organization_id.data),
                form.email.data,
                current_user._get_current_object(), utcnow(),
            )
        except InvitationRefused as error:
            (form[error.field].errors if error.field else form.form_errors).append(str(error))
        else:
            _send_request(request)
            db.session.commit()
            return redirect(url_for("delegates.invite", declaration_id=declaration.id))
    # A refusal without a field is about the declaration's state, not the input.
    status = 409 if form.form_errors else 422 if form.errors else 200
    return render_template(
        "delegates/invite.html",
        declaration=declaration,
        form=form,
        delegates=mandates.confirmed_delegates(declaration),
        requests=mandates.requests_of(declaration),
    ), status


def _send_request(request) -> None:
    """Queue the request's e-mail to the organization's focal points, in the request's transaction, and say so."""
    organization = request.organization
    focal_points = mandates.focal_points_of(organization)
    notifications.notify(
        focal_points,
        f"{request.declaration.title}: {request.declaration.host.name} asks {organization.name} for a delegate",
        "delegate_request",
        request=request,
        link=url_for("people.index", organization_id=organization.id, _external=True),
    )
    if focal_points:
        flash(f"Request sent to the focal points of {organization.name}.")
    else:
        flash(f"{organization.name} has no focal point yet: the request waits for one, or for an administrator.",
              "warning")


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """Accept an invitation: the invitee chooses a name and password, and is signed in."""
    try:
        invitation = delegate_invitations.find_invitation(token, utcnow())
    except InvitationLinkError as error:
        return _unusable_link(error)
    if current_user.is_authenticated:
        # Signing the current user out would surprise them; an account acts for one organization.
        return render_template("delegates/signed_in.html", invitation=invitation), 409
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = delegate_invitations.accept_invitation(invitation, form.name.data, form.password.data, utcnow())
        except InvitationLinkError as error:
            return _unusable_link(error)
        except AccountError as error:
            # The address is not a field here: an account made for it meanwhile is said above the form.
            (form[error.field].errors if error.field in form else form.form_errors).append(str(error))
        else:
            begin_session(user)
            db.session.commit()
            flash(f"Welcome, {user.name}: you act for {invitation.organization.name}.")
            return redirect(url_for("main.home"))
    return render_template("delegates/accept.html", invitation=invitation, form=form), 422 if form.errors else 200


def _unusable_link(error: InvitationLinkError):
    return render_template("delegates/link.html", kind=error.kind), 404 if error.kind == "invalid" else 410
