"""The host's desk of comments through the web pages: reading by clause, filtering, replying, deciding, e-mail."""

import email
import email.policy
import re
import socket
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from drafting.domain import consultation, draft_editing as composition
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import (
    AmendmentDecision,
    Comment,
    CommentStatus,
    DeclarationState,
    OutgoingMessage,
    ParticipantRole,
    UserRole,
)
from tests.test_consultation import stored_record


@pytest.fixture
def desk(make_declaration, make_organization, make_user, circulate):
    """Draft 1 in consultation with a comment and an amendment from Seoul and a comment from Bangkok."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host, name="Aiko Tanaka")
    version = circulate(declaration, by=drafter)
    minji = make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org", name="Kim Min-ji")
    somchai = make_user(role=UserRole.delegate, organization=bangkok, name="Somchai Wong")
    comment = consultation.add_comment(version, 1, minji, "Please cite the 2010 meeting.")
    amendment = consultation.add_comment(version, 2, minji, "Name the year.", "Body of clause 2, by 2030.", "A year.")
    remark = consultation.add_comment(version, 3, somchai, "Bangkok agrees.")
    db.session.commit()
    return SimpleNamespace(
        declaration=declaration, version=version, drafter=drafter, minji=minji, somchai=somchai,
        seoul=seoul, bangkok=bangkok, comment=comment, amendment=amendment, remark=remark,
        host_delegate=make_user(role=UserRole.delegate, organization=declaration.host),
        administrator=make_user(role=UserRole.administrator),
        outsider=make_user(),  # a drafter of an organization that is not invited
    )


def url(desk, path=""):
    return f"/declarations/{desk.declaration.id}/comments{path}"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def without_screen_reader_words(page: str) -> str:
    """Return the page without the words that tell screen readers where an insertion or deletion starts and ends."""
    return re.sub(r'<span class="visually-hidden">[^<]*</span>', "", page)


def threads_shown(page: str) -> list[str]:
    """Return the bodies of the comments on a desk page that open a thread, in order."""
    return [part.split('<p class="comment-body">')[1].split("</p>")[0] for part in page.split('class="thread"')[1:]]


# Reading the desk


def test_the_host_sees_every_comment_by_clause_with_its_author_status_and_redline(client, login_as, desk):
    consultation.reply(desk.comment, desk.drafter, "We will cite it.")
    db.session.commit()
    login_as(desk.drafter)
    response = client.get(url(desk))
    assert response.status_code == 200
    page = page_of(response)
    assert threads_shown(page) == ["Please cite the 2010 meeting.", "Name the year.", "Bangkok agrees."]
    for heading in ("Draft 1, clause 1: Heading 1", "Draft 1, clause 2: Heading 2", "Draft 1, clause 3: Heading 3"):
        assert f">{heading}</h2>" in page
    assert "<strong>Seoul</strong> · Kim Min-ji ·" in page and "<strong>Bangkok</strong> · Somchai Wong ·" in page
    assert '<span class="tag status">open</span>' in page
    assert "We will cite it." in page.split('id="thread-')[1]  # the reply sits in its thread
    assert "Body of clause 2<ins>, by 2030</ins>." in without_screen_reader_words(page)
    assert "<strong>3</strong> open" in page and "<strong>0</strong> addressed" in page
    assert page.count("Record the decision") == 1 and page.count("Mark addressed") == 3


def test_a_decision_is_shown_with_its_amendment(client, login_as, desk):
    consultation.decide_amendment(desk.amendment, desk.drafter, AmendmentDecision.accepted_with_changes,
                                  "As in the plan.", "Body of clause 2, by the end of 2030.")
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert "<strong>Accepted with changes</strong>" in page and "As in the plan." in page
    assert "<p>Body of clause 2, by the end of 2030.</p>" in page
    assert "Record the decision" not in page


def test_markup_in_comments_and_amendments_is_shown_as_text(client, login_as, desk):
    consultation.add_comment(desk.version, 1, desk.minji, "<script>alert('x')</script>", "Body <b>of</b> clause 1.",
                             "<i>Bold</i>.")
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert "<script>alert" not in page and "<b>of</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Body <ins>&lt;b&gt;</ins>of<ins>&lt;/b&gt;</ins> clause 1." in without_screen_reader_words(page)


def test_threads_stay_under_the_version_and_clause_they_were_made_on(client, login_as, desk, circulate):
    declaration = desk.declaration
    composition.move_clause(declaration.clauses[2], -1)  # clause 3 becomes clause 2
    draft_2 = circulate(declaration, by=desk.drafter)
    consultation.add_comment(draft_2, 2, desk.somchai, "Better in second place.")
    composition.remove_clause(declaration.clauses[0])
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    sections = {part.split("</h2>")[0]: part for part in page.split('<h2 id="clause-')[1:]}
    assert list(sections) == ['1-1">Draft 1, clause 1: Heading 1', '1-2">Draft 1, clause 2: Heading 2',
                              '1-3">Draft 1, clause 3: Heading 3', '2-2">Draft 2, clause 2: Heading 3']
    notes = {key: section.split('<div class="thread"')[0] for key, section in sections.items()}
    assert "This clause has since been removed from the working draft." in notes['1-1">Draft 1, clause 1: Heading 1']
    assert "working draft" not in notes['1-2">Draft 1, clause 2: Heading 2']  # still clause 2
    assert "Now clause 1 of the working draft." in notes['1-3">Draft 1, clause 3: Heading 3']
    assert "Now clause 1 of the working draft." in notes['2-2">Draft 2, clause 2: Heading 3']
    assert "Better in second place." in sections['2-2">Draft 2, clause 2: Heading 3']


def test_the_filters_select_organization_status_and_clause(client, login_as, desk):
    consultation.mark_addressed(desk.comment, desk.drafter)
    db.session.commit()
    login_as(desk.drafter)

    def shown(**filters):
        response = client.get(url(desk), query_string=filters)
        assert response.status_code == 200
        return threads_shown(page_of(response))

    everything = ["Please cite the 2010 meeting.", "Name the year.", "Bangkok agrees."]
    assert shown() == everything
    assert shown(organization=desk.bangkok.id) == ["Bangkok agrees."]
    assert shown(organization=desk.seoul.id) == ["Please cite the 2010 meeting.", "Name the year."]
    assert shown(status="addressed") == ["Please cite the 2010 meeting."]
    assert shown(status="open", organization=desk.seoul.id) == ["Name the year."]
    assert shown(clause="1-2") == ["Name the year."]
    assert shown(status="withdrawn") == []
    # A value the filter does not offer is no filter.
    assert shown(organization="Seoul", status="lost", clause="9-9") == everything


def test_the_counts_follow_the_organization_and_clause_filters(client, login_as, desk):
    consultation.mark_addressed(desk.comment, desk.drafter)
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk), query_string={"organization": desk.seoul.id, "status": "open"}))
    assert "<strong>1</strong> open" in page and "<strong>1</strong> addressed" in page
    assert f'href="{url(desk)}?organization={desk.seoul.id}&amp;status=addressed"' in page
    assert '<option selected value="open">open</option>' in page
    assert "No comment matches these filters." in page_of(client.get(url(desk), query_string={"status": "withdrawn"}))


def test_the_organization_filter_offers_the_organizations_that_commented(client, login_as, desk, make_organization):
    invite(desk.declaration, make_organization("Hanoi", "VN"), ParticipantRole.participant)
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    offered = page.split('name="organization">')[1].split("</select>")[0]
    assert "Bangkok" in offered and "Seoul" in offered and "Hanoi" not in offered


def test_a_declaration_without_comments_says_so(client, login_as, make_declaration, circulate, make_user):
    declaration = make_declaration(clauses=1)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    login_as(drafter)
    page = page_of(client.get(f"/declarations/{declaration.id}/comments"))
    assert "No comment has been made yet." in page and "<strong>0</strong> open" in page


def test_the_desk_reads_as_many_queries_for_30_comments_as_for_3(
    client, login_as, make_declaration, make_organization, make_user, circulate, count_queries
):
    def desk_queries(comments: int) -> int:
        declaration = make_declaration(clauses=3)
        drafter = make_user(organization=declaration.host)
        organizations = [make_organization() for _ in range(3)]
        for organization in organizations:
            invite(declaration, organization, ParticipantRole.participant)
        version = circulate(declaration, by=drafter)
        for n in range(comments):
            if n == comments // 2:
                version = circulate(declaration, by=drafter)  # the rest go on Draft 2
            # Everyone writes once, so that no author is loaded already for another comment.
            author, colleague = (make_user(role=UserRole.delegate, organization=organizations[n % 3]) for _ in "ab")
            if n % 2:
                made = consultation.add_comment(version, n % 3 + 1, author, f"Amendment {n}.", f"New text {n}.", "Newer.")
                if n % 4 == 1:
                    consultation.decide_amendment(made, drafter, AmendmentDecision.rejected, "Out of scope.")
            else:
                made = consultation.add_comment(version, n % 3 + 1, author, f"Comment {n}.")
            consultation.reply(made, drafter, f"Answer {n}.")
            consultation.reply(made, colleague, f"Thanks {n}.")
        db.session.commit()
        login_as(drafter)
        with count_queries() as statements:
            response = client.get(f"/declarations/{declaration.id}/comments")
        assert response.status_code == 200 and len(threads_shown(page_of(response))) == comments
        return len(statements)

    few = desk_queries(3)
    assert desk_queries(30) == few
    assert few <= 15


# Replying


def test_the_host_replies_in_the_thread(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.comment.id}/reply"), data={"body": "We will cite it."})
    assert response.status_code == 302
    [answer] = desk.comment.replies
    assert response.location.endswith(f"{url(desk)}#comment-{answer.id}")
    assert (answer.body, answer.author, answer.organization) == ("We will cite it.", desk.drafter, desk.declaration.host)
    assert "Your reply is recorded. Kim Min-ji is told by e-mail." in page_of(client.get(response.location))


@pytest.mark.parametrize("body, message", [
    ("", "Write the reply."), ("x" * 10_001, "at most 10,000 are allowed"),
    ("Noted.\x00", "This field holds a NUL character (U+0000), which no field accepts."),
    ("Noted.\u2028Thanks.", "This text holds a line break (U+2028 LINE SEPARATOR): use an ordinary line break instead."),
])
def test_a_bad_reply_gets_a_message_at_the_field_and_nothing_is_stored(client, login_as, desk, body, message):
    login_as(desk.drafter)
    before = stored_record()
    response = client.post(url(desk, f"/{desk.comment.id}/reply"), data={"body": body})
    assert response.status_code == 422
    field = page_of(response).split(f'id="body-{desk.comment.id}-errors"')[1].split("</ul>")[0]
    assert message in field
    assert stored_record() == before


def test_no_reply_to_a_withdrawn_comment(client, login_as, desk):
    consultation.withdraw(desk.comment, desk.minji)
    db.session.commit()
    login_as(desk.drafter)
    before = stored_record()
    response = client.post(url(desk, f"/{desk.comment.id}/reply"), data={"body": "Noted."})
    assert response.status_code == 422
    page = page_of(response)
    assert "This comment was withdrawn: it takes no more replies." in page.split(f'id="thread-{desk.comment.id}"')[1]
    assert stored_record() == before


# Marking addressed


def test_the_host_marks_a_comment_addressed_once(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.comment.id}/addressed"))
    assert response.status_code == 302 and response.location.endswith(f"#comment-{desk.comment.id}")
    db.session.refresh(desk.comment)
    assert desk.comment.status is CommentStatus.addressed
    before = stored_record()
    again = client.post(url(desk, f"/{desk.comment.id}/addressed"))
    assert again.status_code == 409 and "This comment is addressed already." in page_of(again)
    assert stored_record() == before


# Deciding amendments


def test_accepting_an_amendment_puts_its_text_into_the_working_draft(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"),
                           data={"decision": "accepted", "reason": "", "changed_text": "ignored"})
    assert response.status_code == 302
    db.session.refresh(desk.amendment)
    assert desk.amendment.decision is AmendmentDecision.accepted
    assert desk.declaration.clauses[1].body == "Body of clause 2, by 2030."
    assert "The amendment of Seoul to clause 2 is accepted. Kim Min-ji is told by e-mail." in page_of(
        client.get(response.location))


def test_accepting_with_changes_puts_the_changed_text_into_the_working_draft(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data={
        "decision": "accepted_with_changes", "reason": "", "changed_text": "Body of clause 2, by the end of 2030."})
    assert response.status_code == 302
    assert desk.declaration.clauses[1].body == "Body of clause 2, by the end of 2030."


def test_the_changed_text_starts_as_the_proposed_text(client, login_as, desk):
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert f'id="changed_text-{desk.amendment.id}" name="changed_text" rows="6">\r\nBody of clause 2, by 2030.</textarea>' in page


def test_rejecting_an_amendment_with_a_reason(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"),
                           data={"decision": "rejected", "reason": "The year is set by the plan.", "changed_text": ""})
    assert response.status_code == 302
    db.session.refresh(desk.amendment)
    assert desk.amendment.decision is AmendmentDecision.rejected
    assert desk.amendment.decision_reason == "The year is set by the plan."
    assert desk.declaration.clauses[1].body == "Body of clause 2."


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "decision", "Choose whether to accept, accept with changes or reject the amendment."),
        ({"decision": "postponed"}, "decision", "Choose whether to accept, accept with changes or reject the amendment."),
        ({"decision": "rejected", "reason": "  "}, "reason", "Give the reason for rejecting the amendment."),
        ({"decision": "rejected", "reason": "x" * 5_001}, "reason", "At most 5,000 characters."),
        ({"decision": "accepted_with_changes", "changed_text": ""}, "changed_text", "Write the text as changed."),
        ({"decision": "accepted_with_changes", "changed_text": "Body of clause 2, by 2030."}, "changed_text",
         "This is the proposed text unchanged: accept it as proposed."),
    ],
    ids=["no decision", "unknown decision", "rejection without reason", "reason too long",
         "no changed text", "changed text unchanged"],
)
def test_a_bad_decision_gets_a_message_at_the_field_and_nothing_is_stored(client, login_as, desk, data, field, message):
    login_as(desk.drafter)
    before = stored_record()
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data=data)
    assert response.status_code == 422
    page = page_of(response)
    errors = page.split(f'id="{field}-{desk.amendment.id}-errors"')[1].split("</ul>")[0]
    assert message in errors
    assert '<details class="panel" open>' in page  # the decision form stays open, as posted
    assert stored_record() == before


def test_a_refused_decision_keeps_what_the_host_wrote(client, login_as, desk):
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"),
                           data={"decision": "accepted_with_changes", "reason": "As in the plan.", "changed_text": ""})
    page = page_of(response)
    assert f'id="reason-{desk.amendment.id}" name="reason" rows="3">\r\nAs in the plan.</textarea>' in page
    assert f'<input checked id="decision-{desk.amendment.id}-1"' in page


@pytest.mark.parametrize("case", ["decided already", "not an amendment", "clause removed"])
def test_a_decision_that_cannot_be_taken_says_why_and_changes_nothing(client, login_as, desk, case):
    target, message = desk.amendment, None
    if case == "decided already":
        consultation.decide_amendment(desk.amendment, desk.drafter, AmendmentDecision.rejected, "Out of scope.")
        message = "This amendment is withdrawn or decided already."
    elif case == "not an amendment":
        target, message = desk.comment, "This comment proposes no text."
    else:
        composition.remove_clause(desk.declaration.clauses[1])
        message = "The clause was removed from the working draft; the amendment cannot enter it."
    db.session.commit()
    login_as(desk.drafter)
    before = stored_record()
    response = client.post(url(desk, f"/{target.id}/decision"), data={"decision": "accepted"})
    assert response.status_code == 409
    assert message in page_of(response).split(f'id="thread-{target.id}"')[1]
    assert stored_record() == before


def test_an_amendment_is_not_accepted_as_proposed_over_changes_made_since_circulation(client, login_as, desk):
    clause = desk.declaration.clauses[1]
    composition.update_clause(clause, clause.lock_version, clause.heading, "Body of clause 2, revised by the host.")
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert "Changed since Draft 1 was circulated." in page and "Body of clause 2, revised by the host." in page
    before = stored_record()
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"),
                           data={"decision": "accepted", "clause_lock_version": clause.lock_version})
    assert response.status_code == 422
    errors = page_of(response).split(f'id="decision-{desk.amendment.id}-errors"')[1].split("</ul>")[0]
    assert "Clause 2 of the working draft has changed since Draft 1 was circulated" in errors
    assert "Accept it with changes" in errors
    assert stored_record() == before
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data={
        "decision": "accepted_with_changes", "changed_text": "Body of clause 2, revised by the host, by 2030.",
        "clause_lock_version": clause.lock_version})
    assert response.status_code == 302
    assert desk.declaration.clauses[1].body == "Body of clause 2, revised by the host, by 2030."


def test_a_second_amendment_to_a_clause_is_not_accepted_over_the_first(client, login_as, desk):
    other = consultation.add_comment(desk.version, 2, desk.minji, "Or a date.", "Body of clause 2, by May 2030.", "A month.")
    db.session.commit()
    login_as(desk.drafter)
    assert client.post(url(desk, f"/{desk.amendment.id}/decision"), data={"decision": "accepted"}).status_code == 302
    response = client.post(url(desk, f"/{other.id}/decision"), data={"decision": "accepted"})
    assert response.status_code == 422
    assert desk.declaration.clauses[1].body == "Body of clause 2, by 2030."
    db.session.refresh(other)
    assert other.decision is None


def test_a_decision_on_a_clause_saved_meanwhile_is_refused_and_shows_the_clause_as_it_stands(client, login_as, desk):
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    shown = int(page.split(f'id="clause_lock_version-{desk.amendment.id}" name="clause_lock_version" type="hidden" value="')[1]
                .split('"')[0])
    clause = desk.declaration.clauses[1]
    composition.update_clause(clause, clause.lock_version, clause.heading, "Body of clause 2, saved by a colleague.")
    db.session.commit()
    before = stored_record()
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data={
        "decision": "accepted_with_changes", "changed_text": "Body of clause 2, by the end of 2030.",
        "clause_lock_version": shown})
    assert response.status_code == 409
    page = page_of(response)
    assert "Clause 2 of the working draft was saved by someone else while you were deciding" in page
    assert "Body of clause 2, saved by a colleague." in page
    assert stored_record() == before


def test_once_consultation_is_over_the_desk_is_a_read_only_record(client, login_as, desk):
    desk.declaration.state = DeclarationState.affirmation
    db.session.commit()
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert "Comments are closed: the declaration is in affirmation." in page
    assert "Record the decision" not in page and "Mark addressed" not in page and 'class="reply"' not in page
    before = stored_record()
    for action, data in (("decision", {"decision": "rejected", "reason": "Late."}), ("addressed", {})):
        response = client.post(url(desk, f"/{desk.amendment.id}/{action}"), data=data)
        assert response.status_code == 409 and "Comments are closed" in page_of(response)
    assert stored_record() == before


# Who may do what

ACTIONS = {
    "desk": ("GET", "", {}),
    "reply": ("POST", "/{comment}/reply", {"body": "Noted."}),
    "addressed": ("POST", "/{comment}/addressed", {}),
    "decision": ("POST", "/{amendment}/decision", {"decision": "rejected", "reason": "Out of scope."}),
}
# Expected status of desk, reply, addressed and decision for each kind of user.
PERMISSIONS = {
    "anonymous": (302, 302, 302, 302),  # to the sign-in page
    "outsider": (404, 404, 404, 404),  # a drafter of an organization not invited: the draft does not exist
    "minji": (403, 403, 403, 403),  # a delegate of an invited organization has pages of their own
    "host_delegate": (200, 403, 403, 403),  # host staff who are not drafters read the desk
    "administrator": (200, 403, 403, 403),
    "drafter": (200, 302, 302, 302),
}


@pytest.mark.parametrize(
    "who, action, expected",
    [(who, action, status) for who, statuses in PERMISSIONS.items() for action, status in zip(ACTIONS, statuses)],
)
def test_who_may_read_the_desk_and_answer(client, login_as, desk, who, action, expected):
    if who != "anonymous":
        login_as(getattr(desk, who))
    method, path, data = ACTIONS[action]
    before = stored_record()
    response = client.open(url(desk, path.format(comment=desk.comment.id, amendment=desk.amendment.id)),
                           method=method, data=data)
    assert response.status_code == expected
    if who == "anonymous":
        assert "/login" in response.location
    if not (who == "drafter" and method == "POST"):
        assert stored_record() == before


def test_after_adoption_the_comments_stay_with_those_who_took_part(client, login_as, desk):
    desk.declaration.state = DeclarationState.adopted
    db.session.commit()
    login_as(desk.outsider)
    assert client.get(url(desk)).status_code == 404
    login_as(desk.minji)
    assert client.get(url(desk)).status_code == 403
    login_as(desk.drafter)
    page = page_of(client.get(url(desk)))
    assert "Comments are closed: the declaration is in adopted." in page and "Name the year." in page


@pytest.mark.parametrize("action", ["reply", "addressed", "decision"])
def test_a_comment_of_another_declaration_is_not_found_here(client, login_as, desk, action, make_declaration):
    other = make_declaration(host=desk.declaration.host, clauses=1)
    login_as(desk.drafter)
    method, path, data = ACTIONS[action]
    before = stored_record()
    stray = client.post(f"/declarations/{other.id}/comments" + path.format(comment=desk.comment.id,
                                                                             amendment=desk.amendment.id), data=data)
    missing = client.post(url(desk, path.format(comment=999_999, amendment=999_999)), data=data)
    assert (stray.status_code, missing.status_code) == (404, 404)
    assert stored_record() == before


# E-mail to the author, through a real SMTP server on 127.0.0.1


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def texts(self, message) -> tuple[str, str]:
        """Return the plain text and the HTML of a message, with the line endings SMTP added undone."""
        return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n") for kind in ("plain", "html"))


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on: one the system just handed out and took back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(app, monkeypatch, port: int) -> None:
    settings = {"BACKEND": "smtp", "SERVER": "127.0.0.1", "PORT": port, "USE_TLS": False, "USE_SSL": False,
                "USERNAME": None, "TIMEOUT": 5}
    for name, value in settings.items():
        monkeypatch.setitem(app.config, f"MAIL_{name}", value)


@pytest.fixture
def mailbox(app, monkeypatch):
    """Run an SMTP server on 127.0.0.1 and send the application's mail through it."""
    received = Mailbox()
    # aiosmtpd checks that its server answers by connecting to the port, so it needs a real number, not 0.
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    use_smtp(app, monkeypatch, controller.port)
    yield received
    controller.stop()


@pytest.mark.parametrize(
    "data, decided, says",
    [
        ({"decision": "accepted"}, "accepted", ["Your text enters the working draft as you proposed it."]),
        ({"decision": "accepted_with_changes", "changed_text": "Body of clause 2, by the end of 2030.",
          "reason": "As in the plan."}, "accepted with changes",
         ["Body of clause 2, by the end of 2030.", "A note from the host: As in the plan."]),
        ({"decision": "rejected", "reason": "The year is set by the city's plan."}, "rejected",
         ["The reason: The year is set by the city's plan."]),
    ],
    ids=["accepted", "accepted with changes", "rejected"],
)
def test_the_author_is_emailed_every_decision(client, login_as, desk, mailbox, data, decided, says):
    login_as(desk.drafter)
    assert client.post(url(desk, f"/{desk.amendment.id}/decision"), data=data).status_code == 302
    [(recipients, message)] = mailbox.messages
    assert recipients == ["minji@seoul.example.org"]
    assert message["Subject"] == f"Tokyo Declaration: your amendment to clause 2 of Draft 1 is {decided}"
    text, html = mailbox.texts(message)
    assert f"proposed for Seoul to clause 2\nof Draft 1 of the Tokyo Declaration has been {decided}" in text
    for phrase in says:
        assert phrase in text
    link = f"http://localhost/declarations/{desk.declaration.id}/versions/1#comment-{desk.amendment.id}"
    assert link in text and f'href="{link}"' in html
    assert f"<strong>{decided}</strong>" in html


def test_the_author_is_emailed_the_hosts_reply(client, login_as, desk, mailbox):
    login_as(desk.drafter)
    assert client.post(url(desk, f"/{desk.comment.id}/reply"), data={"body": "We will cite it."}).status_code == 302
    [(recipients, message)] = mailbox.messages
    assert recipients == ["minji@seoul.example.org"]
    host = desk.declaration.host.name
    assert message["Subject"] == f"Tokyo Declaration: {host} answered your comment on clause 1"
    [answer] = desk.comment.replies
    link = f"http://localhost/declarations/{desk.declaration.id}/versions/1#comment-{answer.id}"
    text, html = mailbox.texts(message)
    assert f"{host} has answered the comment you made for Seoul\non clause 1 of Draft 1 of the Tokyo Declaration." in text
    assert "Aiko Tanaka wrote:\n\nWe will cite it." in text and link in text
    assert "We will cite it." in html and f'href="{link}"' in html


def test_nothing_is_emailed_for_refusals_or_for_marking_addressed(client, login_as, desk, mailbox):
    login_as(desk.drafter)
    client.post(url(desk, f"/{desk.amendment.id}/decision"), data={"decision": "rejected", "reason": ""})
    client.post(url(desk, f"/{desk.comment.id}/reply"), data={"body": ""})
    assert client.post(url(desk, f"/{desk.comment.id}/addressed")).status_code == 302
    assert mailbox.messages == []


def test_a_decision_stands_when_the_mail_server_is_down(client, login_as, desk, app, monkeypatch):
    use_smtp(app, monkeypatch, free_port())
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data={"decision": "rejected", "reason": "No."},
                           follow_redirects=True)
    assert "Kim Min-ji is told by e-mail." in page_of(response)
    assert db.session.scalar(select(Comment.decision).where(Comment.id == desk.amendment.id)) is AmendmentDecision.rejected
    # The message waits in the outbox for the next attempt.
    [waiting] = db.session.scalars(select(OutgoingMessage).execution_options(populate_existing=True))
    assert (waiting.recipient, waiting.status, waiting.attempts) == ("minji@seoul.example.org", "waiting", 1)
    assert "Connection refused" in waiting.last_error


def test_no_e_mail_goes_to_a_deactivated_account(client, login_as, desk, mailbox):
    desk.minji.active = False
    db.session.commit()
    login_as(desk.drafter)
    response = client.post(url(desk, f"/{desk.amendment.id}/decision"), data={"decision": "rejected", "reason": "No."},
                           follow_redirects=True)
    assert "Kim Min-ji&#39;s account is deactivated: no e-mail was sent." in page_of(response)
    assert mailbox.messages == []
