"""User accounts: creation with checked e-mail addresses, changes by administrators, and authentication."""

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select

from drafting.domain.clock import as_utc, utcnow
from drafting.domain.people import sign_ins
from drafting.domain.people.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password
from drafting.domain.people.single_use_links import make_token, new_secret, read_token, secret_matches
from drafting.extensions import db
from drafting.models import Organization, PasswordReset, User, UserRole, limits

RESET_VALIDITY = timedelta(hours=2)

# Verifies against a throw-away hash when the address is unknown, so timing does not reveal accounts.
_UNKNOWN_USER_HASH = None


class AccountError(ValueError):
    """Bad input for an account; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    """Return the canonical, lower-cased form of an e-mail address, or raise AccountError."""
    try:
        checked = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError("email", str(error)) from None
    return checked.normalized.lower()


def lookup_form(email: str) -> str:
    """Return an address as typed the way accounts are looked up by it: trimmed and lower-cased."""
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    """Return the user with this e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(User.email == lookup_form(email)))


def check_password_rules(password: str) -> None:
    """Raise AccountError unless the password is long enough to be worth hashing."""
    if not MIN_LENGTH <= len(password or "") <= MAX_LENGTH:
        raise AccountError("password", f"A password has {MIN_LENGTH} to {MAX_LENGTH} characters.")


def _checked_name_and_organization(name: str, role: UserRole, organization: Organization | None) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError("name", "Give the person's name.")
    if len(name) > limits.NAME:
        raise AccountError("name", f"At most {limits.NAME} characters.")
    if role is not UserRole.administrator and organization is None:
        raise AccountError("organization", "Drafters and delegates act for an organization.")
    return name


def create_user(
    email: str, name: str, password: str, role: UserRole, organization: Organization | None
) -> User:
    """Create an account; raise AccountError for a taken address or a bad name or password."""
    address = normalize_email(email)
    if find_user(address) is not None:
        raise AccountError("email", f"An account with the address {address} exists already.")
    name = _checked_name_and_organization(name, role, organization)
    check_password_rules(password)
    user = User(email=address, name=name, password_hash=hash_password(password), role=role, organization=organization)
    db.session.add(user)
    db.session.flush()
    return user


def _other_active_administrators(user: User) -> int:
    """Count the active administrators other than this user."""
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == UserRole.administrator, User.active, User.id != user.id)
    )


def update_user(
    user: User, name: str, role: UserRole, organization: Organization | None, active: bool, password: str | None = None
) -> None:
    """Change an account, and its password if one is given; raise AccountError, changing nothing, for bad input."""
    name = _checked_name_and_organization(name, role, organization)
    # Somebody must remain able to manage the accounts.
    if user.is_admin and user.active and not _other_active_administrators(user):
        if role is not UserRole.administrator:
            raise AccountError("role", "This is the last active administrator; make another one first.")
        if not active:
            raise AccountError("active", "This is the last active administrator; make another one first.")
    if password:
        _set_password(user, password)
    if not active:
        sign_ins.end_all(user, utcnow())  # reactivating the account later revives none of them
        _void_reset_links(user)
    user.name, user.role, user.organization, user.active = name, role, organization, active
    db.session.flush()


def authenticate(email: str, password: str, now: datetime | None = None, client: str | None = None) -> User | None:
    """Return the active user with these credentials, or None, counting the failure against the e-mail address.

    Raise sign_ins.TooManyFailures, trying nothing, when the address failed too often lately: an
    unknown address exactly like an account's, so the answer tells nothing about who has one.
    `client` is the client's address (request.remote_addr): failures count against it too, and
    sign_ins.TooManyFailuresFromAddress refuses it once it failed too often, whatever e-mail
    addresses it tried.
    """
    global _UNKNOWN_USER_HASH
    now = now or utcnow()
    address = lookup_form(email)
    sign_ins.admit(address, now, client)
    user = find_user(address)
    if user is None:
        _UNKNOWN_USER_HASH = _UNKNOWN_USER_HASH or hash_password("not a password of anyone")
        verify_password(_UNKNOWN_USER_HASH, password or "")
    elif verify_password(user.password_hash, password or "") and user.is_active:
        return user
    sign_ins.record_failure(address, now, client)
    return None


RESET_PURPOSE = "password reset"


class ResetLinkError(Exception):
    """A password-reset link that cannot be used; `kind` is "invalid", "expired" or "used"."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _void_reset_links(user: User) -> None:
    # A link left in a mailbox must not outlive a new password or the account's deactivation.
    db.session.execute(
        delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .execution_options(synchronize_session="fetch")
    )


def _set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    _void_reset_links(user)
    # Whoever had the old password is signed out; the guesses made at it no longer hold the owner back.
    sign_ins.end_all(user, utcnow())
    sign_ins.forget_failures(user.email)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a signed-in user's password; all their sessions end. Raise AccountError at the field at fault.

    A wrong current password counts as a failed sign-in (commit it), and sign_ins.TooManyFailures
    refuses to try one when the account had too many: whoever holds a stolen session guesses no faster.
    """
    now = utcnow()
    sign_ins.admit(user.email, now)
    if not verify_password(user.password_hash, current_password or ""):
        sign_ins.record_failure(user.email, now)
        raise AccountError("current_password", "This is not your current password.")
    _set_password(user, new_password)
    db.session.flush()


def request_password_reset(email: str, now: datetime) -> tuple[PasswordReset, str] | None:
    """Make the one reset link of the active account with this address, voiding its older links.

    Return None if there is no such account, and say nothing more.
    """
    # Drawn and hashed whether the account exists or not: the work done must not tell which.
    secret, stored = new_secret()
    # Locked, so that two requests at once cannot both leave a link: the second waits, then voids the first's.
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()).with_for_update())
    if user is None or not user.is_active:
        return None
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    reset = PasswordReset(user=user, secret_hash=stored, expires_at=now + RESET_VALIDITY)
    db.session.add(reset)
    db.session.flush()
    return reset, make_token(RESET_PURPOSE, reset.id, secret)


def find_password_reset(token: str, now: datetime, lock: bool = False) -> PasswordReset:
    """Return the reset a link stands for, or raise ResetLinkError saying why it cannot be used.

    With `lock`, the reset's row stays locked until the transaction ends: of two uses of one link
    at once, the second waits for the first and then finds the link used.
    """
    read = read_token(RESET_PURPOSE, token)
    reset = (db.session.get(PasswordReset, read[0], with_for_update=lock or None, populate_existing=lock)
             if read else None)
    if reset is None or not secret_matches(read[1], reset.secret_hash):
        raise ResetLinkError("invalid")
    if reset.used_at is not None:
        raise ResetLinkError("used")
    if now >= as_utc(reset.expires_at):
        raise ResetLinkError("expired")
    return reset


def reset_password(reset: PasswordReset, new_password: str, now: datetime) -> User:
    """Set the new password through a reset link, which is then used up; every session of the user ends."""
    check_password_rules(new_password)
    reset.used_at = now  # first, so that it stays to say "used already" while the others are voided
    db.session.flush()
    _set_password(reset.user, new_password)
    db.session.flush()
    return reset.user
