"""Who may do what: one predicate per decision, used by views, templates and the domain alike.

Each predicate takes the user (possibly anonymous) first. A `may_...` predicate answers whether
the user may take a decision now: permission, state and deadline together. Its `why_not_...`
companion returns the refusal to show when the answer is no (None when it is yes); the domain
raises that refusal before it writes, and the pages offer a form only where it would be accepted.

A declaration that a user may not see does not exist for them: loaders answer 404, never 403, so
that drafts stay confidential.
"""

from typing import NamedTuple

from drafting.domain import participation, time_zones, workflow
from drafting.domain.circulation import deadline_passed, is_void, latest_version
from drafting.domain.clock import as_utc
# The views, templates and the rest of the domain ask the permissions for the mandate too, as for every question of who may.
from drafting.domain.participation import mandate_for
from drafting.domain.text import phrasing
from drafting.models import (
    Comment, CommentStatus, Declaration, DeclarationState, Participant, ParticipantRole, UserRole, Version,
)

EDITABLE_STATES = {DeclarationState.drafting, DeclarationState.consultation}
CIRCULATED_STATES = {DeclarationState.consultation, DeclarationState.affirmation}
# An adopted or withdrawn declaration can change no more: new delegates would have nothing to do.
CLOSED_STATES = {DeclarationState.adopted, DeclarationState.withdrawn}


class Refusal(NamedTuple):
    """Why a decision cannot be taken now; `field` names the form field at fault, if one is."""

    message: str
    field: str | None = None


def signed_in(user) -> bool:
    """Tell whether the user is someone signed in, not an anonymous visitor."""
    return bool(user is not None and user.is_authenticated)


def is_host_staff(user, declaration: Declaration) -> bool:
    """Tell whether the user works for the host or a co-host of the declaration."""
    return signed_in(user) and participation.hosts(declaration, user.organization_id)


def can_view(user, declaration: Declaration) -> bool:
    """Tell whether the user may see the declaration at all."""
    if declaration.state is DeclarationState.adopted:
        return True
    if not signed_in(user):
        return False
    if user.is_admin or is_host_staff(user, declaration):
        return True
    return declaration.state in CIRCULATED_STATES and acts_for_invited(user, declaration)


def can_edit(user, declaration: Declaration) -> bool:
    """Tell whether the user may change the working draft: host drafters, while it is not frozen."""
    return (
        declaration.state in EDITABLE_STATES
        and is_host_staff(user, declaration)
        and user.role is UserRole.drafter
    )


def can_create_declaration(user) -> bool:
    """Tell whether the user may start a declaration hosted by their own organization."""
    return signed_in(user) and user.role is UserRole.drafter and user.organization_id is not None


def can_manage_library(user) -> bool:
    """Tell whether the user may create and edit clause templates: administrators and drafters."""
    return signed_in(user) and user.role in (UserRole.administrator, UserRole.drafter)


def can_administer(user) -> bool:
    """Tell whether the user may manage organizations, networks and accounts."""
    return signed_in(user) and user.is_admin


def can_see_versions(user, declaration: Declaration) -> bool:
    """Tell whether the user may read the circulated versions and their comments.

    Before adoption that is whoever may see the declaration. After it, the adopted text is public,
    but the drafts and the negotiation stay with those who took part.
    """
    if declaration.state is not DeclarationState.adopted:
        return can_view(user, declaration)
    return can_see_working_draft(user, declaration) or acts_for_invited(user, declaration)


def can_read_comment(user, comment: Comment) -> bool:
    """Tell whether the user may read a comment's thread: its organization's own people always, prepared or
    sent; once sent, host staff and administrators, and every participant on a draft circulated for an open
    consultation."""
    if is_own_organization(user, comment):
        return True
    return not comment.is_prepared and (can_see_working_draft(user, comment.declaration) or (
        acts_for_invited(user, comment.declaration) and comment.version.open_consultation
    ))


def is_own_organization(user, comment: Comment) -> bool:
    """Tell whether the user speaks on the declaration for the organization the comment speaks for."""
    return acts_for_invited(user, comment.declaration) and comment.organization_id == user.organization_id


def can_see_working_draft(user, declaration: Declaration) -> bool:
    """Tell whether the user may see the working draft: host staff and administrators, never delegates."""
    return signed_in(user) and (user.is_admin or is_host_staff(user, declaration))


def speaks_for_organization(user, declaration: Declaration) -> bool:
    """Tell whether the user speaks for their own organization on the declaration.

    Its drafters and focal points do, always: the organization itself named them (an
    administrator or its focal point made their account). A delegate does only under a confirmed
    mandate that covers the declaration: a host may ask for a delegate, never make one.
    """
    if not signed_in(user) or user.organization_id is None:
        return False
    if user.role is UserRole.drafter or user.focal_point:
        return True
    return user.role is UserRole.delegate and mandate_for(user, declaration) is not None


def acts_for_invited(user, declaration: Declaration) -> bool:
    """Tell whether the user acts for an invited organization (participant or observer), whose delegates comment."""
    return (
        signed_in(user) and participation.is_invited(declaration, user.organization_id)
        and speaks_for_organization(user, declaration)
    )


def refusal_without_mandate(user, declaration: Declaration, what: str) -> Refusal:
    """Refuse, naming whom to ask when the user is a delegate whose organization has not confirmed them."""
    # A delegate of an invited organization without a mandate is told whom to ask, not just "no".
    if (signed_in(user) and user.is_delegate and participation.is_invited(declaration, user.organization_id)
            and mandate_for(user, declaration) is None):
        return Refusal(
            f"{user.organization.name} has not confirmed you as its delegate for the {declaration.title}: "
            "ask one of its focal points."
        )
    return Refusal(what)


def is_host_drafter(user, declaration: Declaration) -> bool:
    """Tell whether the user drafts for the host or a co-host: they reply to comments and decide amendments."""
    return workflow.Actor.host_drafter in workflow.actors(user, declaration)


def acts_for_participant(user, declaration: Declaration) -> bool:
    """Tell whether the user acts for an invited participant (not an observer, not a host), whose delegates answer."""
    return (
        signed_in(user) and participation.role_of(declaration, user.organization_id) is ParticipantRole.participant
        and speaks_for_organization(user, declaration)
    )


def can_read_audit(user, declaration: Declaration) -> bool:
    """Tell whether the user may read the declaration's audit trail: host staff and administrators."""
    return can_see_working_draft(user, declaration)


def _comments_closed(declaration: Declaration) -> Refusal | None:
    # Once the final text is proposed, the comments are a closed record: nothing in them changes.
    if declaration.state is not DeclarationState.consultation:
        return Refusal(f"Comments are closed: the declaration is in {declaration.state.value}.")
    return None


def deadline_phrase(version: Version, user) -> str:
    """Write when comments or answers on a version close, in the user's zone."""
    return phrasing.format_deadline(as_utc(version.deadline), time_zones.zone_of(user))


def _commenting_closed(user, declaration: Declaration) -> Refusal | None:
    # The host's staff go on answering after the deadline; the delegates have had their say.
    latest = latest_version(declaration)
    if deadline_passed(latest) and not is_host_staff(user, declaration):
        return Refusal(f"Commenting closed at the deadline, {deadline_phrase(latest, user)}.")
    return None


def why_not_comment(user, version: Version) -> Refusal | None:
    """Say why the user may not comment on, or propose an amendment to, this version now; None if they may."""
    declaration = version.declaration
    latest = latest_version(declaration)
    if refusal := _comments_closed(declaration):
        return refusal
    if is_void(version):
        return Refusal(f"{version.label} is void: the declaration was reopened. Comment on the next draft the host circulates.")
    if version is not latest:
        return Refusal(f"{version.label} has been replaced by {latest.label}: comment on the latest draft.")
    if refusal := _commenting_closed(user, declaration):
        return refusal
    if not acts_for_invited(user, declaration):
        return refusal_without_mandate(user, declaration, "Only delegates of the invited organizations comment on their behalf.")
    return None


def may_comment(user, version: Version) -> bool:
    """Tell whether the user may comment on, or propose an amendment to, this version now."""
    return why_not_comment(user, version) is None


def why_not_reply(user, comment: Comment) -> Refusal | None:
    """Say why the user may not reply in this comment's thread now; None if they may."""
    thread = comment.parent if comment.parent_id is not None else comment
    declaration = thread.declaration
    if thread.status is CommentStatus.withdrawn:
        return Refusal("This comment was withdrawn: it takes no more replies.", "body")
    if thread.is_prepared:
        return Refusal("This comment is prepared, not sent: it takes replies once it is sent.", "body")
    own_organization = acts_for_invited(user, declaration) and user.organization_id == thread.organization_id
    if not (is_host_drafter(user, declaration) or own_organization):
        return Refusal("Only the host and the comment's organization reply in its thread.")
    # A thread goes on after a newer draft is circulated, until the deadline.
    return _comments_closed(declaration) or _commenting_closed(user, declaration)


def may_reply(user, comment: Comment) -> bool:
    """Tell whether the user may reply in this comment's thread now: the host, or the same organization."""
    return why_not_reply(user, comment) is None


def why_not_withdraw(user, comment: Comment) -> Refusal | None:
    """Say why the user may not withdraw this comment now; None if they may.

    A prepared comment is the organization's until it is sent: any of its people may withdraw it.
    """
    own = signed_in(user) and comment.author_id == user.id
    if not (own or (comment.is_prepared and is_own_organization(user, comment))):
        return Refusal("Only its author can withdraw a comment.")
    if refusal := _comments_closed(comment.declaration):
        return refusal
    if comment.parent_id is not None:
        return Refusal("A reply is not withdrawn: it stays in its thread.")
    if comment.status is CommentStatus.withdrawn:
        return Refusal("This comment is withdrawn already.")
    if comment.decision is not None:
        return Refusal("The host has decided on this amendment already: it can no longer be withdrawn.")
    return None


def may_withdraw(user, comment: Comment) -> bool:
    """Tell whether the user may withdraw this comment now: their own, undecided, during consultation."""
    return why_not_withdraw(user, comment) is None


def why_not_mark_addressed(user, comment: Comment) -> Refusal | None:
    """Say why the user may not mark this comment addressed now; None if they may."""
    if not is_host_drafter(user, comment.declaration) or comment.is_prepared:
        return Refusal("Only the host's drafters mark comments addressed.")
    if refusal := _comments_closed(comment.declaration):
        return refusal
    if comment.parent_id is not None:
        return Refusal("A reply is not marked addressed: mark the comment it answers.")
    if comment.status is not CommentStatus.open:
        return Refusal(f"This comment is {comment.status.value} already.")
    return None


def may_mark_addressed(user, comment: Comment) -> bool:
    """Tell whether the user may mark this comment addressed now."""
    return why_not_mark_addressed(user, comment) is None


def why_not_decide(user, amendment: Comment) -> Refusal | None:
    """Say why the user may not decide this amendment now; None if they may."""
    if not is_host_drafter(user, amendment.declaration) or amendment.is_prepared:
        return Refusal("Only the host's drafters decide amendments.")
    if refusal := _comments_closed(amendment.declaration):
        return refusal
    if not amendment.is_amendment:
        return Refusal("This comment proposes no text.")
    if amendment.status is CommentStatus.withdrawn or amendment.decision is not None:
        return Refusal("This amendment is withdrawn or decided already.")
    return None


def may_decide(user, amendment: Comment) -> bool:
    """Tell whether the user may accept or reject this amendment now."""
    return why_not_decide(user, amendment) is None


def why_not_answer(user, declaration: Declaration) -> Refusal | None:
    """Say why the user may not affirm or decline the final text for their organization now; None if they may."""
    if declaration.state is not DeclarationState.affirmation:
        return why_answers_closed(user, declaration, latest_version(declaration))
    # The drafters of a host or co-host answer for their own organization, as proposing answers for the proposer's.
    if not (acts_for_participant(user, declaration) or is_host_drafter(user, declaration)):
        return refusal_without_mandate(user, declaration, "Only delegates of the participating organizations answer, each for their own.")
    return why_answers_closed(user, declaration, latest_version(declaration))


def why_answers_closed(user, declaration: Declaration, final: Version) -> Refusal | None:
    """Say why the final text takes no answer from anyone now (the deadline in the user's zone); None while it does."""
    if declaration.state is not DeclarationState.affirmation:
        return Refusal(f"The declaration is in {declaration.state.value}: it takes no answers now.")
    if deadline_passed(final):
        return Refusal(f"Answers closed at the deadline, {deadline_phrase(final, user)}.")
    return None


def may_answer(user, declaration: Declaration) -> bool:
    """Tell whether the user may affirm or decline the final text for their organization now."""
    return why_not_answer(user, declaration) is None


def _may_take(user, declaration: Declaration, action: workflow.Action) -> bool:
    try:
        workflow.check(user, declaration, action)
    except workflow.TransitionRefused:
        return False
    return True


def may_circulate(user, declaration: Declaration) -> bool:
    """Tell whether the user may circulate the working draft now."""
    return _may_take(user, declaration, workflow.Action.circulate)


def may_propose_final(user, declaration: Declaration) -> bool:
    """Tell whether the user may propose the working draft as the final text now."""
    return _may_take(user, declaration, workflow.Action.propose_final)


def may_reopen(user, declaration: Declaration) -> bool:
    """Tell whether the user may reopen the declaration for consultation now."""
    return _may_take(user, declaration, workflow.Action.reopen)


def may_adopt(user, declaration: Declaration) -> bool:
    """Tell whether the user may adopt the final text now."""
    return _may_take(user, declaration, workflow.Action.adopt)


def may_withdraw_declaration(user, declaration: Declaration) -> bool:
    """Tell whether the user may withdraw the declaration now."""
    return _may_take(user, declaration, workflow.Action.withdraw)


def why_not_remind(user, declaration: Declaration) -> Refusal | None:
    """Say why the user may not remind the participants now; None if they may.

    Whether anyone is left to remind, and not reminded today, the reminder itself says.
    """
    if not is_host_drafter(user, declaration):
        return Refusal("Only the host's drafters send reminders.")
    if declaration.state is not DeclarationState.affirmation:
        return Refusal(f"The declaration is in {declaration.state.value}: there is nothing to answer.")
    return None


def may_remind(user, declaration: Declaration) -> bool:
    """Tell whether the user may remind the participants now: host drafters, during affirmation."""
    return why_not_remind(user, declaration) is None


def why_not_request_delegate(user, declaration: Declaration) -> Refusal | None:
    """Say why the user may not ask an invited organization for a delegate now; None if they may."""
    if not is_host_drafter(user, declaration):
        return Refusal("Only the host's drafters ask for delegates.")
    if declaration.state in CLOSED_STATES:
        return Refusal(f"The declaration is {declaration.state.value}: it takes no new delegates.")
    return None


def may_request_delegate(user, declaration: Declaration) -> bool:
    """Tell whether the user may ask the invited organizations for delegates now."""
    return why_not_request_delegate(user, declaration) is None


def may_uninvite(user, participant: Participant) -> bool:
    """Tell whether the user may remove this participant now: host drafters, while the text may change."""
    return can_edit(user, participant.declaration) and not participant.is_host


def may_change_role(user, participant: Participant) -> bool:
    """Tell whether the user may give this participant another role now: whoever may remove it, when they may."""
    return may_uninvite(user, participant)
