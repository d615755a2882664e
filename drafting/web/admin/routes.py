"""Administration of organizations, networks and accounts."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from drafting.domain import audit, permissions
from drafting.domain.clock import utcnow
from drafting.domain.people import accounts, focal_points, mandates, organizations as directory
from drafting.domain.people.delegate_invitations import InvitationRefused
from drafting.domain.text import phrasing
from drafting.extensions import db, login_manager
from drafting.models import Network, NetworkMembership, Organization, User
from drafting.web import paging
from drafting.web.admin.forms import (
    EditUserForm,
    EndMembershipForm,
    FocalPointForm,
    MembershipForm,
    NetworkForm,
    NewUserForm,
    organization_form,
)
from drafting.web.auth.routes import begin_session
from drafting.web.submitted_once import once

bp = Blueprint("admin", __name__, url_prefix="/admin")

# A network's memberships with their organizations, loaded in a fixed number of queries.
MEMBERS = selectinload(Network.memberships).joinedload(NetworkMembership.organization)


@bp.before_request
def require_administrator():
    """Send anonymous visitors to sign in, and refuse everyone but administrators."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not permissions.can_administer(current_user):
        abort(403)


def _by_name(statement) -> list:
    # Sorted here rather than in SQL: SQLite and PostgreSQL collate names differently.
    return sorted(db.session.scalars(statement), key=lambda row: row.name.casefold())


def _organizations() -> list[Organization]:
    return _by_name(select(Organization))


def _organization(organization_id: int) -> Organization | None:
    # The forms only accept ids of listed organizations, 0 standing for none.
    return db.session.get(Organization, organization_id) if organization_id else None


def _refuse(form, error: directory.DirectoryError | accounts.AccountError) -> None:
    form[error.field].errors.append(str(error))


@bp.get("/")
def index():
    """Show the sections of the administration."""
    return render_template("admin/index.html")


@bp.get("/audit")
def audit_trail():
    """List one page of the events that belong to no declaration, newest first."""
    try:
        number = paging.requested_page(request.args, ("page",), "the audit trail")
    except paging.PageRefused as refused:
        return render_template("admin/audit.html", refusal=refused.message), refused.status
    page = audit.platform_events(number)
    if not page.exists:
        refused = paging.missing_page(number, page.pages)
        return render_template("admin/audit.html", refusal=refused.message, last=_trail_page(page.pages)), refused.status
    return render_template("admin/audit.html", page=page, previous=_trail_page(page.previous), next=_trail_page(page.next))


def _trail_page(number: int | None) -> str | None:
    """Return the address of a page of the platform's audit trail, the first without a number."""
    if number is None:
        return None
    return url_for("admin.audit_trail", **({"page": number} if number > 1 else {}))


@bp.get("/organizations")
def organizations():
    """List the organizations by name."""
    return render_template("admin/organizations.html", organizations=_organizations())


@bp.route("/organizations/new", methods=["GET", "POST"])
@once(back=lambda: url_for("admin.organizations"))
def new_organization():
    """Add an organization."""
    form = organization_form()
    if form.validate_on_submit():
        try:
            organization = directory.create_organization(
                form.name.data, form.kind.data, form.country.data, form.local_name.data, form.names()
            )
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"{organization.name} is added.")
            return redirect(url_for("admin.organizations"))
    return render_template("admin/organization_form.html", form=form, organization=None), 422 if form.errors else 200


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
def edit_organization(organization_id: int):
    """Change an organization's name, kind, country, local name or names in other languages."""
    organization = db.get_or_404(Organization, organization_id)
    form = organization_form(organization)
    if form.validate_on_submit():
        try:
            directory.update_organization(
                organization, form.name.data, form.kind.data, form.country.data, form.local_name.data, form.names()
            )
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"{organization.name} is saved.")
            return redirect(url_for("admin.organizations"))
    return (
        render_template("admin/organization_form.html", form=form, organization=organization),
        422 if form.errors else 200,
    )


@bp.get("/networks")
def networks():
    """List the networks with their number of members today."""
    listed = _by_name(select(Network).options(MEMBERS))
    return render_template("admin/networks.html", networks=listed, today=date.today())


@bp.route("/networks/new", methods=["GET", "POST"])
@once(back=lambda: url_for("admin.networks"))
def new_network():
    """Add a network."""
    form = NetworkForm()
    if form.validate_on_submit():
        try:
            network = directory.create_network(form.name.data, form.acronym.data)
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"{network.name} is added. Add its members below.")
            return redirect(url_for("admin.network", network_id=network.id))
    return render_template("admin/network_form.html", form=form, network=None), 422 if form.errors else 200


@bp.route("/networks/<int:network_id>/edit", methods=["GET", "POST"])
def edit_network(network_id: int):
    """Rename a network or change its acronym."""
    network = db.get_or_404(Network, network_id)
    form = NetworkForm(obj=network)
    if form.validate_on_submit():
        try:
            directory.update_network(network, form.name.data, form.acronym.data)
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"{network.name} is saved.")
            return redirect(url_for("admin.network", network_id=network.id))
    return render_template("admin/network_form.html", form=form, network=network), 422 if form.errors else 200


def _network_or_404(network_id: int) -> Network:
    return db.get_or_404(Network, network_id, options=[MEMBERS])


def _network_page(network: Network, form: MembershipForm):
    return (
        render_template("admin/network.html", network=network, form=form),
        422 if form.errors else 200,
    )


@bp.get("/networks/<int:network_id>")
def network(network_id: int):
    """Show a network's memberships, past and present, and a form to add one."""
    network = _network_or_404(network_id)
    return _network_page(network, MembershipForm(organizations=_organizations()))


@bp.post("/networks/<int:network_id>/memberships")
@once(back=lambda network_id: url_for("admin.network", network_id=network_id))
def add_membership(network_id: int):
    """Record that an organization joined the network, and when it left if it did."""
    network = _network_or_404(network_id)
    form = MembershipForm(organizations=_organizations())
    if form.validate_on_submit():
        try:
            membership = directory.add_membership(
                network, _organization(form.organization.data), form.joined_on.data, form.left_on.data
            )
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            joined = phrasing.format_date(membership.joined_on)
            flash(f"{membership.organization.name} is a member of {network.name} from {joined}.")
            return redirect(url_for("admin.network", network_id=network.id))
    return _network_page(network, form)


@bp.route("/memberships/<int:membership_id>/end", methods=["GET", "POST"])
def end_membership(membership_id: int):
    """Record the day an organization left a network."""
    membership = db.get_or_404(NetworkMembership, membership_id)
    form = EndMembershipForm()
    if form.validate_on_submit():
        try:
            directory.end_membership(membership, form.left_on.data)
        except directory.DirectoryError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            left = phrasing.format_date(membership.left_on)
            flash(f"{membership.organization.name} left {membership.network.name} on {left}.")
            return redirect(url_for("admin.network", network_id=membership.network_id))
    return render_template("admin/end_membership.html", form=form, membership=membership), 422 if form.errors else 200


@bp.get("/users")
def users():
    """List the accounts by name."""
    return render_template("admin/users.html", users=_by_name(select(User).options(joinedload(User.organization))))


@bp.route("/users/new", methods=["GET", "POST"])
@once(back=lambda: url_for("admin.users"))
def new_user():
    """Open an account."""
    form = NewUserForm(organizations=_organizations())
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data, form.name.data, form.password.data, form.role.data,
                _organization(form.organization.data),
            )
            if user.is_delegate and user.organization is not None:
                # An administrator opening a delegate's account vouches for them, as before mandates.
                mandates.grant_mandate(user, None, current_user._get_current_object(), utcnow())
        except accounts.AccountError as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"The account of {user.name} ({user.email}) is open.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.errors else 200


@bp.post("/users/<int:user_id>/focal-point")
def focal_point(user_id: int):
    """Name an account a focal point of its organization, or unname it."""
    user = db.get_or_404(User, user_id)
    form = FocalPointForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        focal_points.name_focal_point(user, form.named.data == "yes", current_user._get_current_object())
    except InvitationRefused as error:
        flash(str(error), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id), 303)
    db.session.commit()
    flash(f"{user.name} is {'now' if user.focal_point else 'no longer'} a focal point of {user.organization.name}.")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change an account's name, role, organization or state, or set a new password."""
    user = db.get_or_404(User, user_id)
    # Not obj=user: the form's organization field holds an id, the user's attribute an Organization.
    form = EditUserForm(
        organizations=_organizations(),
        name=user.name, role=user.role, organization=user.organization_id or 0, active=user.active,
    )
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user, form.name.data, form.role.data, _organization(form.organization.data), form.active.data,
                form.password.data,
            )
        except accounts.AccountError as error:
            _refuse(form, error)
        else:
            # A new password ends every session of the account: an administrator who set their own
            # goes on under a new one, as after the change-password form.
            if form.password.data and user.id == current_user.id and user.is_active:
                begin_session(user)
            db.session.commit()
            flash(f"The account of {user.name} is saved.")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, focal_point_form=FocalPointForm(formdata=None)
    ), 422 if form.errors else 200
