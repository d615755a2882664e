"""Comments on any part of a circulated draft: the opening, a paragraph of the preamble or of a clause, the
closing formula, with an optional quote; still attached or outdated in the drafts that follow."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from drafting.domain import consultation
from drafting.domain.comment_targets import Target
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Clause, CommentPart, ParticipantRole, UserRole
from tests.test_consultation import assert_refused, close_comments

PREAMBLE = "We, the cities, met in Tokyo.\n\nWe recall the Yokohama Declaration.\n\nWe welcome the youth forum."


@pytest.fixture
def draft(make_declaration, make_organization, make_user, circulate):
    """Draft 1 with a preamble of three paragraphs and two clauses, the second of two paragraphs."""
    declaration = make_declaration(clauses=2, preamble=PREAMBLE)
    clause_2 = next(c for c in declaration.clauses if c.position == 2)
    clause_2.body = "We will plant trees.\n\nWe will share water data."
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    db.session.commit()
    return SimpleNamespace(
        declaration=declaration, drafter=drafter,
        version=circulate(declaration, by=drafter, deadline=date.today() + timedelta(days=7)),
        seoul=make_user(role=UserRole.delegate, organization=seoul),
        bangkok=make_user(role=UserRole.delegate, organization=bangkok),
    )


def comment(version, user, part, clause=None, paragraph=None, quote=None, body="A remark."):
    made = consultation.add_comment(version, clause, user, body, part=part, paragraph=paragraph, quote=quote)
    db.session.commit()
    return made


def redraft(draft, circulate, preamble=None, clause_2=None):
    """Change the working draft and circulate it as the next draft."""
    if preamble is not None:
        draft.declaration.preamble = preamble
    if clause_2 is not None:
        next(c for c in draft.declaration.clauses if c.position == 2).body = clause_2
    db.session.commit()
    return circulate(draft.declaration, by=draft.drafter)


def test_each_part_and_paragraph_takes_a_comment(draft):
    made = [
        comment(draft.version, draft.seoul, CommentPart.opening),
        comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=2, quote="Yokohama Declaration"),
        comment(draft.version, draft.seoul, CommentPart.clause, 2, paragraph=2, quote="water  data"),
        comment(draft.version, draft.seoul, CommentPart.clause, 2),
        comment(draft.version, draft.seoul, CommentPart.closing_formula, paragraph=1),
    ]
    assert [(c.part, c.clause_number, c.paragraph, c.quote) for c in made] == [
        (CommentPart.opening, None, None, None),
        (CommentPart.preamble, None, 2, "Yokohama Declaration"),
        (CommentPart.clause, 2, 2, "water  data"),
        (CommentPart.clause, 2, None, None),
        (CommentPart.closing_formula, None, 1, None),
    ]
    reply = consultation.reply(made[1], draft.drafter, "Noted.")
    assert (reply.part, reply.paragraph) == (CommentPart.preamble, 2)


def test_the_groups_follow_the_document_order(draft):
    comment(draft.version, draft.seoul, CommentPart.closing_formula)
    comment(draft.version, draft.seoul, CommentPart.clause, 2, paragraph=1)
    comment(draft.version, draft.seoul, CommentPart.clause, 2)
    comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=3)
    comment(draft.version, draft.seoul, CommentPart.clause, 1)
    comment(draft.version, draft.seoul, CommentPart.opening)
    groups = consultation.threads_by_target(draft.drafter, draft.version)
    assert [group.target.label for group in groups] == [
        "Opening", "Preamble, paragraph 3", "Clause 1", "Clause 2", "Clause 2, paragraph 1", "Closing formula",
    ]


@pytest.mark.parametrize(
    "part, clause, paragraph, message",
    [
        (CommentPart.preamble, None, 99, "Draft 1 has no paragraph 99 of the preamble."),
        (CommentPart.clause, 2, 99, "Draft 1 has no paragraph 99 of clause 2."),
        (CommentPart.clause, 9, 1, "Draft 1 has no clause 9."),
        (CommentPart.opening, None, 2, "Draft 1 has no paragraph 2 of the opening."),
        (CommentPart.closing_formula, None, 0, "Draft 1 has no paragraph 0 of the closing formula."),
    ],
    ids=["preamble paragraph 99", "clause paragraph 99", "clause 9", "opening paragraph", "paragraph 0"],
)
def test_a_target_that_does_not_exist_is_refused(draft, part, clause, paragraph, message):
    assert_refused(
        lambda: consultation.add_comment(draft.version, clause, draft.seoul, "Here?", part=part, paragraph=paragraph),
        message, "clause_number" if clause == 9 else "paragraph",
    )


def test_a_quote_not_in_the_paragraph_is_refused(draft):
    assert_refused(
        lambda: comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=1, quote="Yokohama Declaration"),
        "“Yokohama Declaration” is not in paragraph 1 of the preamble of Draft 1: quote the words as this version "
        "reads them.", "quote",
    )


def test_a_quote_from_an_earlier_draft_is_refused_on_the_next(draft, circulate):
    draft_2 = redraft(draft, circulate, preamble=PREAMBLE.replace("Yokohama Declaration", "Seoul Declaration"))
    assert_refused(
        lambda: comment(draft_2, draft.seoul, CommentPart.preamble, paragraph=2, quote="Yokohama Declaration"),
        "“Yokohama Declaration” is not in paragraph 2 of the preamble of Draft 2", "quote",
    )


def test_no_amendment_on_a_paragraph(draft):
    assert_refused(
        lambda: consultation.add_comment(draft.version, 2, draft.seoul, "Why", "We will plant more trees.",
                                         paragraph=1),
        "An amendment proposes the text of a whole clause.", "proposed_text",
    )


def test_no_comment_on_a_paragraph_after_the_deadline(draft):
    close_comments(draft.version)
    assert_refused(lambda: comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=1),
                   "Commenting closed at the deadline, ")


def test_an_observer_comments_on_a_paragraph_and_sees_only_its_own(draft):
    comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=1, body="From Seoul.")
    comment(draft.version, draft.bangkok, CommentPart.preamble, paragraph=1, body="From Bangkok.")
    seen = consultation.threads_by_target(draft.bangkok, draft.version)
    assert [[t.body for t in group.threads] for group in seen] == [["From Bangkok."]]
    host = consultation.threads_by_target(draft.drafter, draft.version)
    assert [[t.body for t in group.threads] for group in host] == [["From Seoul.", "From Bangkok."]]


def outdated(draft, version):
    """Return, by comment body, the label of the draft its passage changed in, or None while still attached."""
    return {
        thread.body: group.changed_in[thread.id].label if thread.id in group.changed_in else None
        for group in consultation.threads_by_target(draft.drafter, version) for thread in group.threads
    }


def test_comments_stay_attached_when_nearby_text_changes_and_are_outdated_when_their_passage_does(draft, circulate):
    comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=2, quote="Yokohama", body="quoted, text around changes")
    comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=3, body="whole paragraph, unchanged")
    comment(draft.version, draft.seoul, CommentPart.preamble, paragraph=1, quote="Tokyo", body="quote changed")
    comment(draft.version, draft.seoul, CommentPart.clause, 2, paragraph=1, body="whole paragraph, changed")
    comment(draft.version, draft.seoul, CommentPart.clause, 2, paragraph=2, quote="water data", body="other paragraph changed")
    comment(draft.version, draft.seoul, CommentPart.opening, body="opening, unchanged")
    assert set(outdated(draft, draft.version).values()) == {None}
    draft_2 = redraft(
        draft, circulate,
        preamble="We, the cities, met in Kyoto.\n\nWe recall with gratitude the Yokohama Declaration of 2008.\n\n"
                 "We welcome the youth forum.",
        clause_2="We will plant many trees.\n\nWe will share water data.",
    )
    assert outdated(draft, draft.version) == {
        "quoted, text around changes": None,
        "whole paragraph, unchanged": None,
        "quote changed": "Draft 2",
        "whole paragraph, changed": "Draft 2",
        "other paragraph changed": None,
        "opening, unchanged": None,
    }
    redraft(draft, circulate, clause_2="We will share water reports.")
    assert outdated(draft, draft.version)["other paragraph changed"] == "Draft 3"
    assert outdated(draft, draft.version)["whole paragraph, changed"] == "Draft 2"
    assert outdated(draft, draft_2) == {}


def test_a_clause_comment_follows_its_clause_when_clauses_are_renumbered(draft, circulate):
    comment(draft.version, draft.seoul, CommentPart.clause, 2, paragraph=2, quote="water data", body="on 2.2")
    first = next(c for c in draft.declaration.clauses if c.position == 1)
    db.session.delete(first)
    next(c for c in draft.declaration.clauses if c is not first).position = 1
    db.session.commit()
    circulate(draft.declaration, by=draft.drafter)
    assert outdated(draft, draft.version) == {"on 2.2": None}


def test_target_names():
    assert Target(CommentPart.clause, 3, 1).key == "clause-3-1"
    assert Target(CommentPart.closing_formula, None, 2).key == "closing-formula-2"
    assert Target(CommentPart.preamble).phrase == "the preamble"
