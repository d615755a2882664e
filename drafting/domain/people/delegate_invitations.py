"""Inviting delegates by e-mail: a host drafter invites a person to act for an invited organization.

The invitee gets a single-use link that expires (DELEGATE_INVITATION_DAYS) and chooses their own
password through it. The link is made and read by drafting.domain.people.single_use_links: signed with the
SECRET_KEY, with only the SHA-256 of its secret stored.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from drafting.domain import permissions
from drafting.domain.clock import as_utc
from drafting.domain.people import accounts
from drafting.domain.people.accounts import AccountError
from drafting.domain.people.single_use_links import make_token, new_secret, read_token, secret_matches
from drafting.extensions import db
from drafting.models import (
    Declaration,
    DelegateInvitation,
    Organization,
    User,
    UserRole,
)

LINK_PURPOSE = "delegate invitation"

class InvitationRefused(ValueError):
    """An invitation that cannot be made; `field` names the form field at fault, if one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvitationLinkError(Exception):
    """An invitation link that cannot be used; `kind` is "invalid", "expired" or "used"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def invited_organizations(declaration: Declaration) -> list[Organization]:
    """Return the organizations invited as participant or observer, by name; hosts are not among them."""
    organizations = [p.organization for p in declaration.invited_participants]
    return sorted(organizations, key=lambda organization: organization.name)


def delegates_by_organization(declaration: Declaration) -> list[tuple[Organization, list[User]]]:
    """Return each invited organization with the active accounts that act for it, by name."""
    organizations = invited_organizations(declaration)
    users = db.session.scalars(
        select(User)
        .where(User.organization_id.in_([organization.id for organization in organizations]), User.active)
        .order_by(User.name)
    )
    by_organization: dict[int, list[User]] = {organization.id: [] for organization in organizations}
    for user in users:
        by_organization[user.organization_id].append(user)
    return [(organization, by_organization[organization.id]) for organization in organizations]


def invitations_of(declaration: Declaration) -> list[DelegateInvitation]:
    """Return the declaration's delegate invitations, the latest first."""
    return list(db.session.scalars(
        select(DelegateInvitation)
        .where(DelegateInvitation.declaration_id == declaration.id)
        .order_by(DelegateInvitation.created_at.desc(), DelegateInvitation.id.desc())
    ))


def invitation_status(invitation: DelegateInvitation, now: datetime) -> str:
    """Return "used", "expired" or "pending"."""
    if invitation.used_at is not None:
        return "used"
    if now >= as_utc(invitation.expires_at):
        return "expired"
    return "pending"


def _existing_account_refusal(user: User, address: str, organization: Organization) -> str:
    if user.organization_id == organization.id:
        article = "an" if user.role is UserRole.administrator else "a"
        return f"{address} is {article} {user.role.value} of {organization.name} already."
    acts_for = user.organization.name if user.organization else "the network secretariat"
    return f"{address} acts for {acts_for}; one account acts for one organization."


def invite_delegate(
    declaration: Declaration, organization: Organization | None, email: str, invited_by: User, now: datetime
) -> tuple[DelegateInvitation, str]:
    """Invite a person by e-mail to act for an invited organization; return the invitation and the
    token to put in its link.

    Raise InvitationRefused, changing nothing, when the inviter is not a host drafter, the
    declaration is closed, the organization is not an invited one, or the address is bad or has an
    account already.
    """
    refusal = permissions.why_not_invite_delegate(invited_by, declaration)
    if refusal is not None:
        raise InvitationRefused(*refusal)
    if organization is None or organization.id not in permissions.invited_organization_ids(declaration):
        if organization is not None and organization.id in declaration.host_organization_ids:
            message = f"{organization.name} hosts this declaration; its staff accounts are made by an administrator."
        else:
            message = "Choose an organization invited to this declaration."
        raise InvitationRefused(message, "organization_id")
    try:
        address = accounts.normalize_email(email)
    except AccountError as error:
        raise InvitationRefused(str(error), "email") from None
    existing = accounts.find_user(address)
    if existing is not None:
        raise InvitationRefused(_existing_account_refusal(existing, address, organization), "email")
    secret, stored = new_secret()
    invitation = DelegateInvitation(
        declaration=declaration,
        organization=organization,
        email=address,
        secret_hash=stored,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["DELEGATE_INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, make_token(LINK_PURPOSE, invitation.id, secret)


def _check_usable(invitation: DelegateInvitation, now: datetime) -> None:
    if invitation.used_at is not None:
        raise InvitationLinkError("used")
    if now >= as_utc(invitation.expires_at):
        raise InvitationLinkError("expired")


def find_invitation(token: str, now: datetime) -> DelegateInvitation:
    """Return the invitation a link stands for, or raise InvitationLinkError saying why it cannot be used."""
    read = read_token(LINK_PURPOSE, token)
    invitation = db.session.get(DelegateInvitation, read[0]) if read else None
    if invitation is None or not secret_matches(read[1], invitation.secret_hash):
        raise InvitationLinkError("invalid")
    _check_usable(invitation, now)
    return invitation


def _lock(invitation: DelegateInvitation) -> DelegateInvitation:
    """Take the invitation's row lock and read it afresh (on SQLite every writing transaction is
    serialized already), so that of two submissions of one link the second finds it used."""
    return db.session.scalars(
        select(DelegateInvitation).where(DelegateInvitation.id == invitation.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def accept_invitation(invitation: DelegateInvitation, name: str, password: str, now: datetime) -> User:
    """Create the invitee's delegate account through the invitation, which is then used up.

    Raise InvitationLinkError if the link was used or expired meanwhile, and AccountError,
    changing nothing, for a bad name or password or an address that has an account by now.
    """
    invitation = _lock(invitation)
    _check_usable(invitation, now)
    if accounts.find_user(invitation.email) is not None:
        raise AccountError(
            "email", f"An account with the address {invitation.email} exists already: sign in with it instead."
        )
    user = accounts.create_user(invitation.email, name, password, UserRole.delegate, invitation.organization)
    invitation.used_at = now
    invitation.user = user
    db.session.flush()
    return user
