"""Account invitations: a focal point (or an administrator) invites a person of its own organization.

The person gets a single-use link that expires (DELEGATE_INVITATION_DAYS) and chooses their own
password through it; the account is made for the inviting organization only, as a delegate or a
drafter. An invitation sent to confirm a host's request carries the confirmed mandate, which the
new account then holds. The link is made and read by drafting.domain.people.single_use_links:
signed with the SECRET_KEY, with only the SHA-256 of its secret stored.

A host never sends one: it asks the organization for a delegate (drafting.domain.people.mandates).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from drafting.domain import audit, organization_permissions
from drafting.domain.clock import as_utc
from drafting.domain.people import accounts
from drafting.domain.people.accounts import AccountError
from drafting.domain.people.single_use_links import make_token, new_secret, read_token, secret_matches
from drafting.extensions import db
from drafting.models import DelegateInvitation, Mandate, MandateStatus, Organization, User, UserRole

LINK_PURPOSE = "delegate invitation"
INVITED_ROLES = (UserRole.delegate, UserRole.drafter)


class InvitationRefused(ValueError):
    """An invitation or a change of people that cannot be made; `field` names the form field at fault, if one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvitationLinkError(Exception):
    """An invitation link that cannot be used; `kind` is "invalid", "expired" or "used"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def refuse_unless_vouching(user: User, organization: Organization) -> None:
    """Raise InvitationRefused unless the user is a focal point of the organization or an administrator."""
    refusal = organization_permissions.why_not_vouch(user, organization)
    if refusal is not None:
        raise InvitationRefused(*refusal)


def members_of(organization: Organization) -> list[User]:
    """Return the organization's accounts, active first, by name."""
    return list(db.session.scalars(
        select(User).where(User.organization_id == organization.id).order_by(User.active.desc(), User.name)
    ))


def invitations_of(organization: Organization) -> list[DelegateInvitation]:
    """Return the organization's account invitations, the latest first."""
    return list(db.session.scalars(
        select(DelegateInvitation)
        .where(DelegateInvitation.organization_id == organization.id)
        .order_by(DelegateInvitation.created_at.desc(), DelegateInvitation.id.desc())
    ))


def invitation_status(invitation: DelegateInvitation, now: datetime) -> str:
    """Return "used", "expired" or "pending"."""
    if invitation.used_at is not None:
        return "used"
    if now >= as_utc(invitation.expires_at):
        return "expired"
    return "pending"


def existing_account_refusal(user: User, address: str, organization: Organization) -> str:
    """Say why an address that has an account already is not invited again."""
    if user.organization_id == organization.id:
        article = "an" if user.role is UserRole.administrator else "a"
        return f"{address} is {article} {user.role.value} of {organization.name} already."
    acts_for = user.organization.name if user.organization else "the network secretariat"
    return f"{address} acts for {acts_for}; one account acts for one organization."


def invite_member(
    organization: Organization, email: str, role: UserRole, invited_by: User, now: datetime,
    mandate: Mandate | None = None,
) -> tuple[DelegateInvitation, str]:
    """Invite a person by e-mail to make an account of the organization; return the invitation and
    the token to put in its link.

    Raise InvitationRefused, changing nothing, unless the inviter vouches for the organization, or
    when the role is not delegate or drafter, or the address is bad or has an account already.
    """
    refuse_unless_vouching(invited_by, organization)
    if role not in INVITED_ROLES:
        raise InvitationRefused("Invite a delegate or a drafter; administrators are made by administrators.", "role")
    try:
        address = accounts.normalize_email(email)
    except AccountError as error:
        raise InvitationRefused(str(error), "email") from None
    existing = accounts.find_user(address)
    if existing is not None:
        raise InvitationRefused(existing_account_refusal(existing, address, organization), "email")
    secret, stored = new_secret()
    invitation = DelegateInvitation(
        declaration=mandate.declaration if mandate else None,
        organization=organization,
        email=address,
        role=role,
        mandate=mandate,
        secret_hash=stored,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["DELEGATE_INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(f"{role.value} invited", invitation.declaration, invited_by,
                 organization=organization.name, email=address)
    return invitation, make_token(LINK_PURPOSE, invitation.id, secret)


def deactivate_member(user: User, by: User, now: datetime) -> int:
    """Close the account of a delegate or drafter of the organization and revoke its mandates; return
    how many mandates were revoked. Raise InvitationRefused, changing nothing, if `by` may not."""
    if user.organization is None or user.is_admin:
        raise InvitationRefused("Administrators' accounts are closed by an administrator.")
    refuse_unless_vouching(by, user.organization)
    if user.id == by.id:
        raise InvitationRefused("Your own account is closed by another focal point or an administrator.")
    if not user.active:
        raise InvitationRefused(f"{user.name}'s account is closed already.")
    user.active = False
    revoked = 0
    for mandate in db.session.scalars(
        select(Mandate).where(Mandate.user_id == user.id, Mandate.status == MandateStatus.confirmed)
    ):
        mandate.status, mandate.ended_by, mandate.ended_at = MandateStatus.revoked, by, now
        revoked += 1
    db.session.flush()
    audit.record(f"{user.role.value} removed", None, by, organization=user.organization.name,
                 user=user.email, mandates_revoked=revoked)
    return revoked


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
    """Create the invitee's account through the invitation, which is then used up; the account
    holds the invitation's mandate, if it carries one.

    Raise InvitationLinkError if the link was used or expired meanwhile, and AccountError,
    changing nothing, for a bad name or password or an address that has an account by now.
    """
    invitation = _lock(invitation)
    _check_usable(invitation, now)
    if accounts.find_user(invitation.email) is not None:
        raise AccountError(
            "email", f"An account with the address {invitation.email} exists already: sign in with it instead."
        )
    user = accounts.create_user(invitation.email, name, password, invitation.role, invitation.organization)
    invitation.used_at = now
    invitation.user = user
    if invitation.mandate is not None:
        invitation.mandate.user = user
    db.session.flush()
    return user
