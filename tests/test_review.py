"""The delegate review journey through the web pages: reading, commenting, amending, replying, withdrawing."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from drafting.domain import draft_editing as composition
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Comment, CommentStatus, DeclarationState, ParticipantRole, UserRole
from tests.conftest import ADOPTED_IN_SESSION


@pytest.fixture
def consultation(make_declaration, make_organization, make_user, circulate):
    """A declaration in consultation, Draft 1 circulated, with delegates of two invited cities and an outsider."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    version = circulate(declaration, by=drafter)
    return {
        "declaration": declaration,
        "version": version,
        "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul),
        "bangkok": make_user(role=UserRole.delegate, organization=bangkok),
        "outsider": make_user(role=UserRole.delegate),
    }


def url(c, path=""):
    return f"/declarations/{c['declaration'].id}{path}"


def comments_count():
    return db.session.scalar(select(func.count()).select_from(Comment))


def test_a_delegate_reads_the_circulated_draft_with_numbered_paragraphs(client, login_as, consultation):
    login_as(consultation["seoul"])
    response = client.get(url(consultation))
    assert response.status_code == 302 and response.location.endswith("/versions/1")
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "Draft 1" in page and consultation["version"].fingerprint[:12] in page
    assert 'title="Clause 2, paragraph 1">2.1</span>' in page
    assert "Comments are open until 23:59 on " in page and "Coordinated Universal Time (UTC)" in page
    assert client.get(url(consultation, "/preview")).status_code == 403  # the working draft stays the host's


def test_a_delegate_comments_and_proposes_an_amendment_as_their_own_organization(client, login_as, consultation):
    login_as(consultation["seoul"])
    posted = client.post(url(consultation, "/versions/1/comments"),
                         data={"clause_number": 2, "kind": "comment", "body": "Seoul supports this clause."})
    assert posted.status_code == 302
    amended = client.post(url(consultation, "/versions/1/comments"),
                          data={"clause_number": 2, "kind": "amendment", "body": "Name the year.",
                                "proposed_text": "Body of clause 2, by 2030.",
                                "justification": "A year makes the promise checkable."})
    assert amended.status_code == 302
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert [(c.organization.name, c.clause_number, c.is_amendment) for c in comments] == [
        ("Seoul", 2, False), ("Seoul", 2, True),
    ]
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "Seoul supports this clause." in page
    # The amendment reads as a redline against the circulated clause.
    assert '<ins><span class="visually-hidden">inserted: </span>, by 2030' in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "comment", "body": ""}, "Write the comment."),
        ({"kind": "comment", "body": "x" * 10_001}, "at most 10,000 are allowed"),
        ({"kind": "amendment", "body": "Same", "proposed_text": "Body of clause 1."},
         "The proposed text is the same as the circulated clause."),
        ({"kind": "comment", "body": "Nowhere", "clause_number": 9}, "Draft 1 has no clause 9."),
    ],
)
def test_bad_comments_get_a_clear_message_and_nothing_is_stored(client, login_as, consultation, data, message):
    login_as(consultation["seoul"])
    response = client.post(url(consultation, "/versions/1/comments"), data={"clause_number": 1, **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert comments_count() == 0


def test_markup_in_a_comment_is_shown_as_text(client, login_as, consultation):
    login_as(consultation["seoul"])
    client.post(url(consultation, "/versions/1/comments"),
                data={"clause_number": 1, "kind": "comment", "body": "<script>alert('x')</script><b>bold</b>"})
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "<script>alert('x')</script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_after_the_deadline_commenting_is_closed(client, login_as, consultation):
    consultation["version"].deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    login_as(consultation["seoul"])
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "Commenting closed at " in page and "Send the comment" not in page
    response = client.post(url(consultation, "/versions/1/comments"),
                           data={"clause_number": 1, "kind": "comment", "body": "Too late?"})
    assert response.status_code == 422 and "Commenting closed at the deadline" in response.get_data(as_text=True)
    assert comments_count() == 0


def test_no_comment_outside_consultation(client, login_as, consultation):
    consultation["declaration"].state = DeclarationState.affirmation
    db.session.commit()
    login_as(consultation["seoul"])
    response = client.post(url(consultation, "/versions/1/comments"),
                           data={"clause_number": 1, "kind": "comment", "body": "Now?"})
    assert response.status_code == 422 and "Comments are closed" in response.get_data(as_text=True)
    assert comments_count() == 0


def test_delegates_see_only_their_own_organizations_threads_and_reply_in_them(client, login_as, consultation):
    login_as(consultation["seoul"])
    client.post(url(consultation, "/versions/1/comments"), data={"clause_number": 1, "kind": "comment", "body": "From Seoul."})
    seoul_comment = db.session.scalar(select(Comment))
    login_as(consultation["bangkok"])
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    assert "From Seoul." not in page
    assert client.post(url(consultation, f"/threads/{seoul_comment.id}/replies"), data={"body": "Hi"}).status_code == 404
    assert client.post(url(consultation, f"/threads/{seoul_comment.id}/withdraw")).status_code == 404
    login_as(consultation["seoul"])
    assert client.post(url(consultation, f"/threads/{seoul_comment.id}/replies"), data={"body": "More from Seoul."}).status_code == 302
    assert [r.body for r in seoul_comment.replies] == ["More from Seoul."]


def test_withdrawing_keeps_the_comment_and_closes_its_thread(client, login_as, consultation, make_user):
    author = consultation["seoul"]
    login_as(author)
    client.post(url(consultation, "/versions/1/comments"), data={"clause_number": 1, "kind": "comment", "body": "Second thoughts."})
    comment = db.session.scalar(select(Comment))
    colleague = make_user(role=UserRole.delegate, organization=author.organization)
    login_as(colleague)
    client.post(url(consultation, f"/threads/{comment.id}/withdraw"))
    assert comment.status is CommentStatus.open  # only the author withdraws
    login_as(author)
    assert client.post(url(consultation, f"/threads/{comment.id}/withdraw")).status_code == 302
    db.session.refresh(comment)
    assert comment.status is CommentStatus.withdrawn and comments_count() == 1
    refused = client.post(url(consultation, f"/threads/{comment.id}/replies"), data={"body": "Still there?"})
    assert refused.status_code == 422 and "withdrawn" in refused.get_data(as_text=True)
    assert comment.replies == []


def test_comments_follow_their_clause_into_the_next_draft(client, login_as, consultation, circulate):
    login_as(consultation["seoul"])
    client.post(url(consultation, "/versions/1/comments"), data={"clause_number": 3, "kind": "comment", "body": "On the third."})
    declaration = consultation["declaration"]
    composition.move_clause(declaration.clauses[2], -1)  # clause 3 becomes clause 2
    circulate(declaration, by=consultation["drafter"])
    page = client.get(url(consultation, "/versions/2")).get_data(as_text=True)
    assert 'aria-label="Comments on clause 2"' in page
    section = page.split('aria-label="Comments on clause 2"')[1].split("</aside>")[0]
    assert "On the third." in section and "Draft 1, clause 3" in section
    old = client.post(url(consultation, "/versions/1/comments"), data={"clause_number": 1, "kind": "comment", "body": "Late"})
    assert old.status_code == 422 and "Draft 1 has been replaced by Draft 2" in old.get_data(as_text=True)


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_a_draft_in_consultation_does_not_exist_for_the_uninvited(client, login_as, consultation, who):
    if who == "outsider":
        login_as(consultation["outsider"])
    for method, path in [("GET", "/versions/1"), ("POST", "/versions/1/comments"), ("GET", "")]:
        response = client.open(url(consultation, path), method=method,
                               data={"clause_number": 1, "kind": "comment", "body": "Hi"})
        assert response.status_code in ((404,) if who == "outsider" else (302, 404))
    assert comments_count() == 0


def test_the_host_circulates_and_every_delegate_is_told(client, login_as, make_declaration, make_organization,
                                                        make_user, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FILE_DIRECTORY", str(tmp_path))
    declaration = make_declaration(clauses=1)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    delegate = make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org")
    login_as(make_user(organization=declaration.host))
    refused = client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": date.today().isoformat()},
                          follow_redirects=True)
    assert "The comment deadline must be a day after today." in refused.get_data(as_text=True)
    assert declaration.state is DeclarationState.drafting
    deadline = date.today() + timedelta(days=10)
    response = client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": deadline.isoformat()})
    assert response.status_code == 302
    db.session.refresh(declaration)
    assert declaration.state is DeclarationState.consultation
    messages = [path.read_text() for path in tmp_path.glob("*.eml")]
    assert len(messages) == 1 and delegate.email in messages[0]
    assert "Draft 1" in messages[0] and f"/declarations/{declaration.id}/versions/1" in messages[0]
    assert f"/declarations/{declaration.id}/versions/1.pdf" in messages[0]


def test_a_delegate_downloads_the_draft_as_pdf_from_its_page(client, login_as, consultation):
    login_as(consultation["seoul"])
    page = client.get(url(consultation, "/versions/1")).get_data(as_text=True)
    link = url(consultation, "/versions/1.pdf")
    assert f'href="{link}">Draft 1 as PDF</a>' in page and f'href="{link}?size=letter">US Letter</a>' in page
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    login_as(consultation["drafter"])
    assert f'href="{link}">PDF</a>' in client.get(url(consultation)).get_data(as_text=True)


def test_my_declarations_lists_what_the_delegates_organization_is_invited_to(client, login_as, consultation,
                                                                            make_declaration):
    make_declaration(title="Hanoi Declaration")  # another host's draft: not listed
    login_as(consultation["seoul"])
    page = client.get("/").get_data(as_text=True)
    assert "My declarations" in page and "Tokyo Declaration" in page and "Hanoi Declaration" not in page
    deadline = date.today() + timedelta(days=14)
    assert "consultation" in page and f"{deadline:%B} {deadline.day}, {deadline.year}" in page
    login_as(consultation["outsider"])
    assert "Tokyo Declaration" not in client.get("/").get_data(as_text=True)


def test_after_adoption_the_drafts_stay_with_those_who_took_part(client, login_as, consultation, propose_final):
    from drafting.domain import signoff

    declaration = consultation["declaration"]
    propose_final(declaration, by=consultation["drafter"])
    signoff.adopt(declaration, consultation["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    login_as(consultation["outsider"])
    for path in ("/versions/1", "/versions/2", "/compare"):
        assert client.get(url(consultation, path)).status_code == 404, path
    login_as(consultation["seoul"])
    assert client.get(url(consultation, "/versions/1")).status_code == 200


def test_circulation_is_e_mailed_to_every_active_delegate_of_participants_and_observers_only(
    client, login_as, make_declaration, make_organization, make_user, outbox
):
    declaration = make_declaration(clauses=1)
    seoul, bangkok, hanoi = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH"), make_organization("Hanoi", "VN")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.observer)
    for email, organization in [("minji@seoul.example.org", seoul), ("jun@seoul.example.org", seoul),
                                ("somchai@bangkok.example.org", bangkok), ("lan@hanoi.example.org", hanoi),
                                ("aiko@host.example.org", declaration.host)]:
        make_user(role=UserRole.delegate, organization=organization, email=email)
    make_user(role=UserRole.delegate, organization=seoul, email="gone@seoul.example.org").active = False
    db.session.commit()
    login_as(make_user(organization=declaration.host))
    deadline = date.today() + timedelta(days=10)
    assert client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": deadline.isoformat()}).status_code == 302
    # Not Hanoi (not invited), not the host's own staff, not a deactivated account.
    assert sorted(message["To"] for message in outbox()) == [
        "jun@seoul.example.org", "minji@seoul.example.org", "somchai@bangkok.example.org"]
