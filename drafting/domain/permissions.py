"""Who may do what: one predicate per decision, used by views, templates and tests alike.

Each predicate takes the user (possibly anonymous) first. A declaration that a user may not
see does not exist for them: loaders answer 404, never 403, so that drafts stay confidential.
"""



from drafting.models import Declaration, DeclarationState, ParticipantRole, UserRole

EDITABLE_STATES = {DeclarationState.drafting, DeclarationState.consultation}
CIRCULATED_STATES = {DeclarationState.consultation, DeclarationState.affirmation}


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def host_organization_ids(declaration: Declaration) -> set[int]:
    """Return the ids of the host and every co-host of a declaration."""
    co_hosts = {p.organization_id for p in declaration.participants if p.role is ParticipantRole.host}
    return {declaration.host_id} | co_hosts


def invited_organization_ids(declaration: Declaration) -> set[int]:
    """Return the ids of every invited organization, observers included, hosts excluded."""
    return {p.organization_id for p in declaration.participants if p.role is not ParticipantRole.host}


def is_host_staff(user, declaration: Declaration) -> bool:
    """Tell whether the user works for the host or a co-host of the declaration."""
    return _signed_in(user) and user.organization_id in host_organization_ids(declaration)


def can_view(user, declaration: Declaration) -> bool:
    """Tell whether the user may see the declaration at all."""
    if declaration.state is DeclarationState.adopted:
        return True
    if not _signed_in(user):
        return False
    if user.is_admin or is_host_staff(user, declaration):
        return True
    return declaration.state in CIRCULATED_STATES and user.organization_id in invited_organization_ids(declaration)


def can_edit(user, declaration: Declaration) -> bool:
    """Tell whether the user may change the working draft: host drafters, while it is not frozen."""
    return (
        declaration.state in EDITABLE_STATES
        and is_host_staff(user, declaration)
        and user.role is UserRole.drafter
    )


def can_create_declaration(user) -> bool:
    """Tell whether the user may start a declaration hosted by their own organization."""
    return _signed_in(user) and user.role is UserRole.drafter and user.organization_id is not None


def can_manage_library(user) -> bool:
    """Tell whether the user may create and edit clause templates: administrators and drafters."""
    return _signed_in(user) and user.role in (UserRole.administrator, UserRole.drafter)


def can_administer(user) -> bool:
    """Tell whether the user may manage organizations, networks and accounts."""
    return _signed_in(user) and user.is_admin


def can_see_versions(user, declaration: Declaration) -> bool:
    """Tell whether the user may read the circulated versions and their comments.

    Before adoption that is whoever may see the declaration. After it, the adopted text is public,
    but the drafts and the negotiation stay with those who took part.
    """
    if declaration.state is not DeclarationState.adopted:
        return can_view(user, declaration)
    return _signed_in(user) and (
        user.is_admin
        or is_host_staff(user, declaration)
        or user.organization_id in invited_organization_ids(declaration)
    )


def can_see_working_draft(user, declaration: Declaration) -> bool:
    """Tell whether the user may see the working draft: host staff and administrators, never delegates."""
    return _signed_in(user) and (user.is_admin or is_host_staff(user, declaration))


def can_comment(user, declaration: Declaration) -> bool:
    """Tell whether the user may comment: a user of an invited organization, during consultation."""
    return (
        _signed_in(user)
        and declaration.state is DeclarationState.consultation
        and user.organization_id in invited_organization_ids(declaration)
    )


def can_answer_comments(user, declaration: Declaration) -> bool:
    """Tell whether the user may reply to every comment and decide amendments: host drafters."""
    return _signed_in(user) and is_host_staff(user, declaration) and user.role is UserRole.drafter


def can_affirm(user, declaration: Declaration) -> bool:
    """Tell whether the user may answer the final text: a user of an invited participant (not an
    observer, not the host), during affirmation."""
    participants = {p.organization_id for p in declaration.participants if p.role is ParticipantRole.participant}
    return (
        _signed_in(user)
        and declaration.state is DeclarationState.affirmation
        and user.organization_id in participants
    )


def can_read_audit(user, declaration: Declaration) -> bool:
    """Tell whether the user may read the declaration's audit trail: host staff and administrators."""
    return can_see_working_draft(user, declaration)
