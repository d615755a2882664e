"""Who speaks for an organization on a declaration: hosts ask, the organization's focal points vouch.

A host drafter asks an invited organization for a delegate: a Mandate in the state `requested`,
e-mailed to the organization's focal points, possibly proposing an address. Nobody acts under it
until a focal point of that organization, or an administrator, confirms it, naming one of its
delegates or inviting a person (drafting.domain.people.delegate_invitations); or declines it.
Focal points also give their delegates mandates of their own choosing, for one declaration or
every one, and revoke them. Every step goes into the audit trail.
"""

from datetime import datetime

from sqlalchemy import select

from drafting.domain import audit, circulation, participation, permissions
from drafting.domain.people import accounts
from drafting.domain.people.accounts import AccountError
from drafting.domain.people.delegate_invitations import (
    InvitationRefused, existing_account_refusal, invite_member, refuse_unless_vouching,
)
from drafting.extensions import db
from drafting.models import (
    Declaration, DelegateInvitation, Mandate, MandateStatus, Organization, Participant, ParticipantRole, User, UserRole,
)


def invited_organizations(declaration: Declaration) -> list[Organization]:
    """Return the organizations invited as participant or observer, by name; hosts are not among them."""
    organizations = [p.organization for p in declaration.invited_participants]
    return sorted(organizations, key=lambda organization: organization.name)


def focal_points_of(organization: Organization) -> list[User]:
    """Return the active focal points of the organization, by name."""
    return list(db.session.scalars(
        select(User).where(User.organization_id == organization.id, User.focal_point, User.active).order_by(User.name)
    ))


def requests_of(declaration: Declaration) -> list[Mandate]:
    """Return the declaration's mandates (requests, confirmed, declined, revoked), the latest first."""
    return list(db.session.scalars(
        select(Mandate).where(Mandate.declaration_id == declaration.id).order_by(Mandate.id.desc())
    ))


def pending_requests(organization: Organization) -> list[Mandate]:
    """Return the hosts' requests waiting for the organization's answer, the oldest first."""
    return list(db.session.scalars(
        select(Mandate).where(Mandate.organization_id == organization.id, Mandate.status == MandateStatus.requested)
        .order_by(Mandate.id)
    ))


def mandates_of(user: User) -> list[Mandate]:
    """Return the user's confirmed mandates, every-declaration first."""
    return list(db.session.scalars(
        select(Mandate).where(Mandate.user_id == user.id, Mandate.status == MandateStatus.confirmed)
        .order_by(Mandate.declaration_id.is_not(None), Mandate.id)
    ))


def confirmed_delegates(declaration: Declaration) -> list[tuple[User, Mandate]]:
    """Return the declaration's confirmed delegates (those circulation e-mails), each with the
    mandate they act under."""
    return [(user, permissions.mandate_for(user, declaration)) for user in circulation.delegates(declaration)]


def open_declarations_of(organization: Organization) -> list[Declaration]:
    """Return the declarations the organization is invited to that are not adopted or withdrawn, by title."""
    invited = select(Participant.declaration_id).where(
        Participant.organization_id == organization.id, Participant.role != ParticipantRole.host
    )
    return list(db.session.scalars(
        select(Declaration).where(Declaration.id.in_(invited), Declaration.state.not_in(permissions.CLOSED_STATES))
        .order_by(Declaration.title)
    ))


def request_delegate(
    declaration: Declaration, organization: Organization | None, email: str | None, requested_by: User, now: datetime
) -> Mandate:
    """Ask an invited organization's focal points for a delegate for the declaration, possibly
    proposing an address; return the request.

    Raise InvitationRefused, changing nothing, when the user is not a host drafter, the declaration
    is closed, the organization is not invited, or the proposed address is bad.
    """
    refusal = permissions.why_not_request_delegate(requested_by, declaration)
    if refusal is not None:
        raise InvitationRefused(*refusal)
    if organization is None or not participation.is_invited(declaration, organization.id):
        if organization is not None and organization.id in declaration.host_organization_ids:
            message = f"{organization.name} hosts this declaration; its staff accounts are made by an administrator."
        else:
            message = "Choose an organization invited to this declaration."
        raise InvitationRefused(message, "organization_id")
    address = None
    if email:
        try:
            address = accounts.normalize_email(email)
        except AccountError as error:
            raise InvitationRefused(str(error), "email") from None
    mandate = Mandate(
        organization=organization, declaration=declaration, email=address, status=MandateStatus.requested,
        requested_by=requested_by, requested_at=now, created_at=now,
    )
    db.session.add(mandate)
    db.session.flush()
    audit.record("delegate requested", declaration, requested_by, organization=organization.name,
                 proposed_email=address)
    return mandate


def _refuse_unless_pending(mandate: Mandate, by: User) -> None:
    refuse_unless_vouching(by, mandate.organization)
    if mandate.status is not MandateStatus.requested:
        raise InvitationRefused(f"This request was {mandate.status.value} already.")
    if mandate.declaration.state in permissions.CLOSED_STATES:
        raise InvitationRefused(f"The {mandate.declaration.title} is {mandate.declaration.state.value}: "
                                "it takes no new delegates.")


def _named_delegate(mandate: Mandate, delegate: User) -> User:
    if delegate.organization_id != mandate.organization_id or not delegate.active:
        raise InvitationRefused(f"{delegate.name} is not an active account of {mandate.organization.name}.", "delegate")
    if delegate.role is not UserRole.delegate:
        raise InvitationRefused(f"{delegate.name} is a {delegate.role.value}, who acts for "
                                f"{mandate.organization.name} without a mandate.", "delegate")
    return delegate


def confirm_request(
    mandate: Mandate, by: User, now: datetime, delegate: User | None = None, email: str | None = None,
) -> tuple[DelegateInvitation, str] | None:
    """Confirm a host's request: the organization names one of its delegates, or invites a person by
    e-mail (by default the address the host proposed). Return the new person's invitation and the
    token of its link, or None when an existing delegate was named.

    Raise InvitationRefused, changing nothing, unless `by` is a focal point of the requested
    organization or an administrator, the request is still pending and the person is right.
    """
    _refuse_unless_pending(mandate, by)
    sent = None
    if delegate is None:
        address = (email or mandate.email or "").strip()
        if not address:
            raise InvitationRefused("Name one of your delegates, or give the address of the person to invite.", "email")
        existing = accounts.find_user(address.lower())
        if existing is not None and existing.organization_id == mandate.organization_id:
            delegate = existing
        elif existing is not None:
            raise InvitationRefused(existing_account_refusal(existing, address.lower(), mandate.organization), "email")
    if delegate is not None:
        mandate.user = _named_delegate(mandate, delegate)
        mandate.email = delegate.email
    else:
        sent = invite_member(mandate.organization, address, UserRole.delegate, by, now, mandate)
        mandate.email = sent[0].email
    mandate.status, mandate.confirmed_by, mandate.confirmed_at = MandateStatus.confirmed, by, now
    db.session.flush()
    audit.record("delegate confirmed", mandate.declaration, by, organization=mandate.organization.name,
                 delegate=mandate.email, requested_by=mandate.requested_by.email if mandate.requested_by else None)
    return sent


def decline_request(mandate: Mandate, by: User, now: datetime) -> None:
    """Decline a host's request for a delegate. Raise InvitationRefused, changing nothing, if `by` may not."""
    _refuse_unless_pending(mandate, by)
    mandate.status, mandate.ended_by, mandate.ended_at = MandateStatus.declined, by, now
    db.session.flush()
    audit.record("delegate declined", mandate.declaration, by, organization=mandate.organization.name,
                 proposed_email=mandate.email)


def grant_mandate(delegate: User, declaration: Declaration | None, by: User, now: datetime) -> Mandate:
    """Give a delegate of the organization a mandate for one declaration, or for every one (None).

    Raise InvitationRefused, changing nothing, unless `by` vouches for the delegate's organization,
    the account is an active delegate, and it does not hold that mandate already.
    """
    if delegate.organization is None:
        raise InvitationRefused(f"{delegate.name} acts for no organization.")
    refuse_unless_vouching(by, delegate.organization)
    if not delegate.active or delegate.role is not UserRole.delegate:
        raise InvitationRefused(f"{delegate.name} is not an active delegate: only delegates hold mandates.")
    if declaration is not None and not participation.is_invited(declaration, delegate.organization_id):
        raise InvitationRefused(f"{delegate.organization.name} is not invited to the {declaration.title}.",
                                "declaration_id")
    scope = declaration.title if declaration else "every declaration"
    held = [m for m in mandates_of(delegate) if m.declaration_id in (None, declaration.id if declaration else None)]
    if held:
        raise InvitationRefused(f"{delegate.name} acts for {delegate.organization.name} on {held[0].scope} already.",
                                "declaration_id")
    mandate = Mandate(
        organization_id=delegate.organization_id, declaration=declaration, user=delegate, email=delegate.email,
        status=MandateStatus.confirmed, confirmed_by=by, confirmed_at=now, created_at=now,
    )
    db.session.add(mandate)
    db.session.flush()
    audit.record("mandate given", declaration, by, organization=delegate.organization.name,
                 delegate=delegate.email, scope=scope)
    return mandate


def mandate_from_the_operator(delegate: User, now: datetime) -> Mandate:
    """Give a delegate made on the server's command line a mandate for every declaration, confirmed by
    "an administrator": whoever runs the commands administers the platform, like the administrators
    whose delegates the migration to mandates kept acting."""
    mandate = Mandate(
        organization_id=delegate.organization_id, user=delegate, email=delegate.email,
        status=MandateStatus.confirmed, confirmed_at=now, created_at=now,
    )
    db.session.add(mandate)
    db.session.flush()
    audit.record("mandate given", None, None, organization=delegate.organization.name, delegate=delegate.email,
                 scope="every declaration")
    return mandate


def revoke_mandate(mandate: Mandate, by: User, now: datetime) -> None:
    """Revoke a confirmed mandate: the delegate no longer acts under it. Raise InvitationRefused,
    changing nothing, unless `by` vouches for the organization and the mandate is confirmed."""
    refuse_unless_vouching(by, mandate.organization)
    if mandate.status is not MandateStatus.confirmed:
        raise InvitationRefused(f"This mandate is {mandate.status.value}: there is nothing to revoke.")
    mandate.status, mandate.ended_by, mandate.ended_at = MandateStatus.revoked, by, now
    db.session.flush()
    audit.record("mandate revoked", mandate.declaration, by, organization=mandate.organization.name,
                 delegate=mandate.email, scope=mandate.scope)
