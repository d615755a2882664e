"""The consultation domain: comments, replies, withdrawals and the host's answers, without the web pages."""

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from drafting.domain import consultation, draft_editing as composition, permissions
from drafting.domain.consultation import CommentRefused
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import (
    AmendmentDecision,
    AuditEvent,
    Clause,
    Comment,
    CommentStatus,
    DeclarationState,
    ParticipantRole,
    UserRole,
)


@pytest.fixture
def draft(make_declaration, make_organization, make_user, circulate):
    """Draft 1 of a declaration of three clauses in consultation; Seoul participates, Bangkok observes."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    return SimpleNamespace(
        declaration=declaration,
        version=circulate(declaration, by=drafter, deadline=date.today() + timedelta(days=7)),
        drafter=drafter,
        host_delegate=make_user(role=UserRole.delegate, organization=declaration.host),
        administrator=make_user(role=UserRole.administrator),
        seoul=make_user(role=UserRole.delegate, organization=seoul),
        seoul_colleague=make_user(role=UserRole.delegate, organization=seoul),
        bangkok=make_user(role=UserRole.delegate, organization=bangkok),
        outsider=make_user(role=UserRole.delegate),
    )


def stored_record():
    """Return every comment, working clause and audit event as plain values: what a refusal must leave alone."""
    comments = db.session.execute(
        select(Comment.id, Comment.parent_id, Comment.organization_id, Comment.body, Comment.proposed_text,
               Comment.status, Comment.decision, Comment.decision_reason, Comment.accepted_text,
               Comment.withdrawn_at).order_by(Comment.id)
    ).all()
    clauses = db.session.execute(select(Clause.id, Clause.heading, Clause.body, Clause.lock_version).order_by(Clause.id)).all()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return comments, clauses, events


def assert_refused(action, message: str, field: str | None = None) -> None:
    """Assert that the action is refused with the message, naming the field, and that nothing was stored."""
    before = stored_record()
    with pytest.raises(CommentRefused, match=message) as refused:
        action()
    assert refused.value.field == field
    assert stored_record() == before


def close_comments(version) -> None:
    """Move the version's deadline into the past, as if it had just passed."""
    version.deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()


def amendment_on(draft, clause_number: int = 2, proposed_text: str = "Body of clause 2, by 2030.") -> Comment:
    amendment = consultation.add_comment(draft.version, clause_number, draft.seoul, "Name the year.", proposed_text,
                                         "A year makes the promise checkable.")
    db.session.commit()
    return amendment


def working_clause(draft, position: int) -> Clause:
    return next(clause for clause in draft.declaration.clauses if clause.position == position)


# add_comment


def test_a_comment_is_stored_on_the_clause_of_the_version_for_the_authors_organization(draft):
    comment = consultation.add_comment(draft.version, 2, draft.seoul, "Seoul supports this clause.")
    db.session.commit()
    assert (comment.version, comment.clause_number, comment.clause_id) == (draft.version, 2, working_clause(draft, 2).id)
    assert comment.organization == draft.seoul.organization and comment.author == draft.seoul
    assert comment.status is CommentStatus.open and not comment.is_amendment and comment.parent is None


def test_an_amendment_carries_its_proposed_text_normalized(draft):
    amendment = consultation.add_comment(draft.version, 2, draft.seoul, "Why\r\n", "Body of clause 2,  \r\nby 2030.\r\n",
                                         "Because\r\n")
    assert amendment.is_amendment
    assert amendment.body == "Why" and amendment.proposed_text == "Body of clause 2,\nby 2030."


def test_the_organization_is_always_the_authors_own_and_stays_what_it_was(draft, make_organization):
    seoul, bangkok = draft.seoul.organization, draft.bangkok.organization
    from_seoul = consultation.add_comment(draft.version, 1, draft.seoul, "From Seoul.")
    from_bangkok = consultation.add_comment(draft.version, 1, draft.bangkok, "From Bangkok.")
    assert (from_seoul.organization, from_bangkok.organization) == (seoul, bangkok)
    draft.seoul.organization = make_organization("Busan", "KR")  # the delegate changes jobs later
    db.session.commit()
    db.session.refresh(from_seoul)
    assert from_seoul.organization == seoul


def test_a_comment_of_exactly_the_maximum_length_is_taken(draft):
    assert len(consultation.add_comment(draft.version, 1, draft.seoul, "x" * 10_000).body) == 10_000


@pytest.mark.parametrize(
    "clause_number, body, proposed_text, message, field",
    [
        (1, "", None, "Write the comment.", "body"),
        (1, " \n\t ", None, "Write the comment.", "body"),
        (1, "x" * 10_001, None, "The comment has 10,001 characters; at most 10,000 are allowed.", "body"),
        (1, "Why", "", "Write the proposed text.", "proposed_text"),
        (1, "Same", "Body of clause 1.", "The proposed text is the same as the circulated clause.", "proposed_text"),
        (1, "Same", "Body of clause 1.  \r\n\r\n", "The proposed text is the same as the circulated clause.", "proposed_text"),
        (4, "Nowhere", None, "Draft 1 has no clause 4.", "clause_number"),
        (0, "Nowhere", None, "Draft 1 has no clause 0.", "clause_number"),
    ],
    ids=["empty", "blank", "too long", "empty proposed text", "identical amendment",
         "identical but for spacing", "unknown clause", "clause zero"],
)
def test_bad_comments_are_refused_at_their_field(draft, clause_number, body, proposed_text, message, field):
    assert_refused(
        lambda: consultation.add_comment(draft.version, clause_number, draft.seoul, body, proposed_text,
                                         "Because." if proposed_text is not None else None), message, field
    )


def test_no_comment_after_the_deadline(draft):
    close_comments(draft.version)
    assert_refused(lambda: consultation.add_comment(draft.version, 1, draft.seoul, "Too late?"),
                   "Commenting closed at the deadline, ")


@pytest.mark.parametrize("state", [DeclarationState.drafting, DeclarationState.affirmation,
                                   DeclarationState.adopted, DeclarationState.withdrawn])
def test_no_comment_on_a_declaration_not_in_consultation(draft, state):
    draft.declaration.state = state
    db.session.commit()
    assert_refused(lambda: consultation.add_comment(draft.version, 1, draft.seoul, "Now?"),
                   f"Comments are closed: the declaration is in {state.value}.")


def test_no_comment_on_a_superseded_version(draft, circulate):
    circulate(draft.declaration, by=draft.drafter)
    assert_refused(lambda: consultation.add_comment(draft.version, 1, draft.seoul, "On the old one."),
                   "Draft 1 has been replaced by Draft 2: comment on the latest draft.")


@pytest.mark.parametrize("who", ["outsider", "drafter", "host_delegate", "administrator"])
def test_only_delegates_of_invited_organizations_comment(draft, who):
    assert_refused(lambda: consultation.add_comment(draft.version, 1, getattr(draft, who), "Let me in."),
                   "Only delegates of the invited organizations comment on their behalf.")


# reply


def test_the_host_replies_in_the_thread_and_a_reply_to_a_reply_joins_the_same_thread(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Why this wording?")
    answer = consultation.reply(comment, draft.drafter, "Because of the 2010 meeting.")
    again = consultation.reply(answer, draft.seoul_colleague, "Thank you.")
    db.session.commit()
    assert answer.parent == comment and again.parent == comment
    assert [r.body for r in comment.replies] == ["Because of the 2010 meeting.", "Thank you."]
    assert (answer.organization, answer.version, answer.clause_number) == (
        draft.declaration.host, draft.version, 1,
    )
    assert again.organization == draft.seoul.organization


def test_no_reply_to_a_withdrawn_comment(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Second thoughts.")
    consultation.withdraw(comment, draft.seoul)
    db.session.commit()
    assert_refused(lambda: consultation.reply(comment, draft.drafter, "Noted."),
                   "This comment was withdrawn: it takes no more replies.", "body")


@pytest.mark.parametrize("who", ["bangkok", "host_delegate", "administrator", "outsider"])
def test_only_the_host_and_the_comments_organization_reply(draft, who):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "From Seoul.")
    db.session.commit()
    assert not permissions.may_reply(getattr(draft, who), comment)
    assert_refused(lambda: consultation.reply(comment, getattr(draft, who), "Me too."),
                   "Only the host and the comment's organization reply in its thread.")


def test_who_may_reply(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "From Seoul.")
    assert permissions.may_reply(draft.drafter, comment)
    assert permissions.may_reply(draft.seoul_colleague, comment)


def test_an_empty_reply_is_refused(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "From Seoul.")
    db.session.commit()
    assert_refused(lambda: consultation.reply(comment, draft.drafter, "  "), "Write the reply.", "body")


def test_after_the_deadline_the_host_may_reply_and_the_delegate_may_not(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Just in time.")
    db.session.commit()
    close_comments(draft.version)
    assert_refused(lambda: consultation.reply(comment, draft.seoul, "One more thing."),
                   "Commenting closed at the deadline")
    answer = consultation.reply(comment, draft.drafter, "Noted, thank you.")
    assert answer.parent == comment


def test_a_thread_goes_on_after_the_next_draft_is_circulated(draft, circulate):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "On Draft 1.")
    db.session.commit()
    circulate(draft.declaration, by=draft.drafter)
    assert consultation.reply(comment, draft.seoul, "Still stands for Draft 2.").version == draft.version


def test_no_reply_once_the_final_text_is_proposed(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "From Seoul.")
    draft.declaration.state = DeclarationState.affirmation
    db.session.commit()
    assert_refused(lambda: consultation.reply(comment, draft.drafter, "Too late."), "Comments are closed")


# withdraw


def test_the_author_withdraws_and_the_comment_stays_in_the_record(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Second thoughts.")
    db.session.commit()
    consultation.withdraw(comment, draft.seoul)
    db.session.commit()
    db.session.refresh(comment)
    assert comment.status is CommentStatus.withdrawn and comment.withdrawn_at is not None
    assert comment.body == "Second thoughts."
    assert consultation.visible_threads(draft.drafter, draft.declaration) == [comment]
    assert_refused(lambda: consultation.withdraw(comment, draft.seoul), "This comment is withdrawn already.")


@pytest.mark.parametrize("who", ["seoul_colleague", "drafter", "administrator"])
def test_only_the_author_withdraws(draft, who):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Mine.")
    db.session.commit()
    assert_refused(lambda: consultation.withdraw(comment, getattr(draft, who)), "Only its author can withdraw a comment.")


def test_a_decided_amendment_cannot_be_withdrawn(draft):
    amendment = amendment_on(draft)
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, "Out of scope.")
    db.session.commit()
    assert_refused(lambda: consultation.withdraw(amendment, draft.seoul), "The host has decided on this amendment already")


def test_nothing_is_withdrawn_once_the_final_text_is_proposed(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Mine.")
    draft.declaration.state = DeclarationState.affirmation
    db.session.commit()
    assert_refused(lambda: consultation.withdraw(comment, draft.seoul), "Comments are closed")


# mark_addressed


def test_a_host_drafter_marks_a_comment_addressed(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Please cite the 2010 meeting.")
    db.session.commit()
    consultation.mark_addressed(comment, draft.drafter)
    db.session.commit()
    db.session.refresh(comment)
    assert comment.status is CommentStatus.addressed
    assert_refused(lambda: consultation.mark_addressed(comment, draft.drafter), "This comment is addressed already.")


@pytest.mark.parametrize("who", ["seoul", "host_delegate", "administrator"])
def test_only_host_drafters_mark_comments_addressed(draft, who):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Please cite the 2010 meeting.")
    db.session.commit()
    assert_refused(lambda: consultation.mark_addressed(comment, getattr(draft, who)),
                   "Only the host's drafters mark comments addressed.")


def test_a_withdrawn_comment_or_a_reply_is_not_marked_addressed(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Please cite the 2010 meeting.")
    answer = consultation.reply(comment, draft.drafter, "We will.")
    consultation.withdraw(comment, draft.seoul)
    db.session.commit()
    assert_refused(lambda: consultation.mark_addressed(comment, draft.drafter), "This comment is withdrawn already.")
    assert_refused(lambda: consultation.mark_addressed(answer, draft.drafter),
                   "A reply is not marked addressed: mark the comment it answers.")


def test_nothing_is_marked_addressed_once_the_declaration_is_adopted(draft):
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Please cite the 2010 meeting.")
    draft.declaration.state = DeclarationState.adopted
    db.session.commit()
    assert_refused(lambda: consultation.mark_addressed(comment, draft.drafter),
                   "Comments are closed: the declaration is in adopted.")


# decide_amendment


def test_accepting_puts_the_proposed_text_into_the_working_clause(draft):
    amendment = amendment_on(draft)
    clause = working_clause(draft, 2)
    lock_version = clause.lock_version
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted)
    db.session.commit()
    db.session.refresh(clause)
    assert clause.body == "Body of clause 2, by 2030." and clause.heading == "Heading 2"
    assert clause.lock_version != lock_version
    assert amendment.decision is AmendmentDecision.accepted and amendment.status is CommentStatus.addressed
    assert amendment.accepted_text == "Body of clause 2, by 2030."
    assert amendment.decided_by == draft.drafter and amendment.decided_at is not None
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert (event.action, event.actor_id, event.declaration_id) == ("decide amendment", draft.drafter.id, draft.declaration.id)
    assert event.detail == {"comment": amendment.id, "decision": "accepted", "version": "Draft 1", "clause": 2,
                            "organization": "Seoul"}


def test_accepting_follows_the_clause_when_it_has_moved(draft):
    amendment = amendment_on(draft, clause_number=3, proposed_text="Body of clause 3, amended.")
    composition.move_clause(working_clause(draft, 3), -1)
    db.session.commit()
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted)
    assert [c.body for c in draft.declaration.clauses] == [
        "Body of clause 1.", "Body of clause 3, amended.", "Body of clause 2.",
    ]


def test_accepting_with_changes_puts_the_changed_text_into_the_working_clause(draft):
    amendment = amendment_on(draft)
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted_with_changes,
                                  "By 2030, as in the plan.", "Body of clause 2,\r\nby the end of 2030.  ")
    db.session.commit()
    assert working_clause(draft, 2).body == "Body of clause 2,\nby the end of 2030."
    assert amendment.decision is AmendmentDecision.accepted_with_changes
    assert amendment.accepted_text == "Body of clause 2,\nby the end of 2030."
    assert amendment.decision_reason == "By 2030, as in the plan."


@pytest.mark.parametrize(
    "changed_text, message",
    [(None, "Write the text as changed."), ("", "Write the text as changed."),
     ("x" * 20_001, "at most 20,000 are allowed"),
     ("Body of clause 2, by 2030.\n", "This is the proposed text unchanged: accept it as proposed.")],
    ids=["missing", "empty", "too long", "unchanged"],
)
def test_accepting_with_changes_needs_changed_text(draft, changed_text, message):
    amendment = amendment_on(draft)
    assert_refused(lambda: consultation.decide_amendment(
        amendment, draft.drafter, AmendmentDecision.accepted_with_changes, None, changed_text), message, "changed_text")


def test_rejecting_needs_a_reason_and_leaves_the_working_clause_alone(draft):
    amendment = amendment_on(draft)
    for reason in (None, "", " \n "):
        assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, reason),
                       "Give the reason for rejecting the amendment.", "reason")
    before = stored_record()[1]
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, "The year is set by the plan.")
    db.session.commit()
    assert stored_record()[1] == before
    assert amendment.decision is AmendmentDecision.rejected and amendment.status is CommentStatus.addressed
    assert amendment.decision_reason == "The year is set by the plan." and amendment.accepted_text is None


def test_a_reason_longer_than_allowed_is_refused(draft):
    amendment = amendment_on(draft)
    assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, "x" * 5_001),
                   "At most 5,000 characters.", "reason")


def test_an_amendment_is_decided_once(draft):
    amendment = amendment_on(draft)
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted)
    db.session.commit()
    for decision in AmendmentDecision:
        assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, decision, "Again", "Other text."),
                       "This amendment is withdrawn or decided already.")


def test_a_withdrawn_amendment_or_a_plain_comment_is_not_decided(draft):
    amendment = amendment_on(draft)
    consultation.withdraw(amendment, draft.seoul)
    comment = consultation.add_comment(draft.version, 1, draft.seoul, "Just a remark.")
    db.session.commit()
    assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted),
                   "This amendment is withdrawn or decided already.")
    assert_refused(lambda: consultation.decide_amendment(comment, draft.drafter, AmendmentDecision.accepted),
                   "This comment proposes no text.")


def test_an_amendment_to_a_clause_removed_from_the_working_draft_cannot_be_accepted(draft):
    amendment = amendment_on(draft)
    composition.remove_clause(working_clause(draft, 2))
    db.session.commit()
    db.session.refresh(amendment)
    assert amendment.clause_id is None
    for decision, changed_text in ((AmendmentDecision.accepted, None),
                                   (AmendmentDecision.accepted_with_changes, "Something else.")):
        assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, decision, None, changed_text),
                       "The clause was removed from the working draft; the amendment cannot enter it.")
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, "The clause is gone.")
    assert amendment.decision is AmendmentDecision.rejected


@pytest.mark.parametrize("who", ["seoul", "host_delegate", "administrator"])
def test_only_host_drafters_decide_amendments(draft, who):
    amendment = amendment_on(draft)
    assert_refused(lambda: consultation.decide_amendment(amendment, getattr(draft, who), AmendmentDecision.accepted),
                   "Only the host's drafters decide amendments.")


@pytest.mark.parametrize("state", [DeclarationState.affirmation, DeclarationState.adopted, DeclarationState.withdrawn])
def test_no_decision_once_consultation_is_over(draft, state):
    amendment = amendment_on(draft)
    draft.declaration.state = state
    db.session.commit()
    assert_refused(lambda: consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.rejected, "Late."),
                   f"Comments are closed: the declaration is in {state.value}.")


def test_the_host_decides_after_the_comment_deadline(draft):
    amendment = amendment_on(draft)
    close_comments(draft.version)
    consultation.decide_amendment(amendment, draft.drafter, AmendmentDecision.accepted)
    assert working_clause(draft, 2).body == "Body of clause 2, by 2030."


# visible_threads


def test_delegates_see_their_organizations_threads_and_the_host_sees_all(draft):
    from_seoul = consultation.add_comment(draft.version, 2, draft.seoul, "From Seoul.")
    from_colleague = consultation.add_comment(draft.version, 1, draft.seoul_colleague, "Also from Seoul.")
    from_bangkok = consultation.add_comment(draft.version, 1, draft.bangkok, "From Bangkok.")
    answer = consultation.reply(from_seoul, draft.drafter, "Thank you.")
    db.session.commit()
    everything = [from_colleague, from_bangkok, from_seoul]  # by clause, then in order of writing
    for host_side in (draft.drafter, draft.host_delegate, draft.administrator):
        assert consultation.visible_threads(host_side, draft.declaration) == everything
    assert consultation.visible_threads(draft.seoul, draft.declaration) == [from_colleague, from_seoul]
    assert consultation.visible_threads(draft.bangkok, draft.declaration) == [from_bangkok]
    assert answer not in consultation.visible_threads(draft.drafter, draft.declaration)  # replies stay in their thread
    assert consultation.visible_threads(draft.seoul, draft.declaration)[1].replies == [answer]


def test_visible_threads_of_one_version(draft, circulate):
    on_draft_1 = consultation.add_comment(draft.version, 1, draft.seoul, "On Draft 1.")
    db.session.commit()
    draft_2 = circulate(draft.declaration, by=draft.drafter)
    on_draft_2 = consultation.add_comment(draft_2, 1, draft.seoul, "On Draft 2.")
    db.session.commit()
    assert consultation.visible_threads(draft.drafter, draft.declaration, draft.version) == [on_draft_1]
    assert consultation.visible_threads(draft.drafter, draft.declaration, draft_2) == [on_draft_2]


def test_visible_threads_load_what_a_page_prints_at_once(draft, count_queries):
    for delegate in (draft.seoul, draft.bangkok, draft.seoul_colleague):
        comment = consultation.add_comment(draft.version, 1, delegate, "A remark.")
        consultation.reply(comment, draft.drafter, "An answer.")
    db.session.commit()
    db.session.expire_all()
    threads = consultation.visible_threads(draft.drafter, draft.declaration)
    with count_queries() as statements:
        printed = [(t.organization.name, t.author.name, t.version.label,
                    [(r.author.name, r.organization.name, r.body) for r in t.replies]) for t in threads]
    assert len(printed) == 3 and statements == []
