"""User accounts: creation with checked e-mail addresses, changes by administrators, and authentication."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from drafting.extensions import db
from drafting.models import Organization, User, UserRole, limits
from drafting.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password

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


def find_user(email: str) -> User | None:
    """Return the user with this e-mail address, whatever its case."""
    return db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))


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
        check_password_rules(password)
        user.password_hash = hash_password(password)
    user.name, user.role, user.organization, user.active = name, role, organization, active
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None."""
    global _UNKNOWN_USER_HASH
    user = find_user(email)
    if user is None:
        _UNKNOWN_USER_HASH = _UNKNOWN_USER_HASH or hash_password("not a password of anyone")
        verify_password(_UNKNOWN_USER_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or "") or not user.is_active:
        return None
    return user
