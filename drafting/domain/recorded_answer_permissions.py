"""Who records an answer given outside the application, who reads its evidence, and who contests it."""

from drafting.domain import clock, permissions, time_zones
from drafting.domain.clock import as_utc
from drafting.domain.permissions import Refusal
from drafting.domain.text import phrasing
from drafting.models import Declaration, DeclarationState, ParticipantRole


def why_not_record_answer(user, declaration: Declaration, organization_id: int | None = None) -> Refusal | None:
    """Say why the user may not record an answer given outside the application (for that organization); None if they may.

    Host drafters record, while answers are open, for the declaration's participants only: neither
    for an observer nor for a host, whose drafters answer here.
    """
    if not permissions.is_host_drafter(user, declaration):
        return Refusal("Only the host's drafters record an answer given outside the application.")
    if declaration.state is not DeclarationState.affirmation:
        return Refusal(f"The declaration is in {declaration.state.value}: it takes no answers now.")
    final = permissions.latest_version(declaration)
    if permissions.deadline_passed(final):
        return Refusal(f"Answers closed at the deadline, {permissions.deadline_phrase(final, user)}.")
    participants = {p.organization_id for p in declaration.participants if p.role is ParticipantRole.participant}
    if organization_id is not None and organization_id not in participants:
        return Refusal(f"Only the answer of a participant of the {declaration.title} is recorded; observers and hosts "
                       "are not asked for one.", "organization")
    return None


def may_record_answer(user, declaration: Declaration) -> bool:
    """Tell whether the user may record answers given outside the application now."""
    return why_not_record_answer(user, declaration) is None


def is_own_people(user, organization_id: int, declaration: Declaration) -> bool:
    """Tell whether the user speaks for that organization on the declaration: its drafters, focal points and delegates."""
    return permissions.signed_in(user) and user.organization_id == organization_id and permissions.speaks_for_organization(user, declaration)


def may_read_evidence(user, affirmation) -> bool:
    """Tell whether the user may download the evidence of a recorded answer: host staff and the organization's own people."""
    return affirmation.recorded and (
        permissions.is_host_staff(user, affirmation.declaration)
        or is_own_people(user, affirmation.organization_id, affirmation.declaration)
    )


def why_not_contest(user, affirmation, now=None) -> Refusal | None:
    """Say why the user may not contest this recorded answer now; None if they may."""
    declaration = affirmation.declaration
    if not affirmation.recorded:
        return Refusal("Only an answer the host recorded can be contested; change your own answer instead.")
    if not is_own_people(user, affirmation.organization_id, declaration):
        return Refusal(f"Only the people of {affirmation.organization.name} contest the answer recorded for it.")
    if not affirmation.live or declaration.state is not DeclarationState.affirmation:
        return Refusal("This recorded answer no longer counts: there is nothing to contest.")
    if as_utc(now or clock.utcnow()) >= as_utc(affirmation.contestable_until):
        return Refusal("The time to contest this answer ended on "
                       f"{phrasing.format_deadline(as_utc(affirmation.contestable_until), time_zones.zone_of(user))}.")
    return None


def may_contest(user, affirmation) -> bool:
    """Tell whether the user may contest this recorded answer now."""
    return why_not_contest(user, affirmation) is None
