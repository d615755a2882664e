"""A delegation prepares its comments and amendments, seen by its own people only, then sends them to the
host as the organization's contribution; the host sees, counts and hears of nothing before."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from drafting.domain import consultation, host_news
from drafting.domain.interchange import export_text
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import AuditEvent, Comment, CommentStatus, Mandate, MandateStatus, ParticipantRole, UserRole
from drafting.domain.clock import utcnow
from tests.test_pdf import pages_text
from tests.test_submitted_once import key_in_form

PREPARED = "Seoul would rather say cities lead."


@pytest.fixture
def delegation(make_declaration, make_organization, make_user, circulate):
    """Draft 1 in consultation; Seoul has two delegates, and one without a mandate; Bangkok has one."""
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host, email="aiko@tokyo.example.org")
    version = circulate(declaration, by=drafter)
    return dict(
        declaration=declaration, version=version, drafter=drafter,
        seoul=make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org", name="Minji"),
        colleague=make_user(role=UserRole.delegate, organization=seoul, email="jiho@seoul.example.org", name="Jiho"),
        unmandated=make_user(role=UserRole.delegate, organization=seoul, mandate=False),
        bangkok=make_user(role=UserRole.delegate, organization=bangkok),
    )


def url(d, path=""):
    return f"/declarations/{d['declaration'].id}{path}"


def prepare(client, login_as, d, who="seoul", **data):
    login_as(d[who])
    response = client.post(url(d, "/versions/1/comments"), data={
        "clause_number": 2, "kind": "comment", "body": PREPARED, "action": "prepare", **data,
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()


def send(client, d):
    page = client.get(url(d, "/versions/1")).get_data(as_text=True)
    action = url(d, "/versions/1/contribution")
    data = {"submission": key_in_form(page, action)}
    return client.post(action, data=data), data


def sent_events():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "send contribution")).all()


def test_a_prepared_comment_is_seen_and_withdrawn_by_its_own_organization_only(client, login_as, delegation, outbox):
    comment = prepare(client, login_as, delegation)
    amendment = prepare(client, login_as, delegation, kind="amendment", body="Name the year.",
                        proposed_text="Body of clause 2, by 2030.", justification="A year makes it a commitment.")
    assert comment.is_prepared and outbox() == []

    login_as(delegation["colleague"])
    page = client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert PREPARED in page and "prepared, not sent" in page
    assert "2 items are prepared on Draft 1 and not sent" in page and "Send our contribution" in page
    # A prepared thread takes no replies: the host would not see them.
    refused = client.post(url(delegation, f"/threads/{comment.id}/replies"), data={"body": "Agreed."})
    assert refused.status_code == 422 and "prepared, not sent" in refused.get_data(as_text=True)
    # Any of the organization's people may withdraw what it prepared: it is not yet anyone's word.
    assert client.post(url(delegation, f"/threads/{amendment.id}/withdraw")).status_code == 302
    db.session.refresh(amendment)
    assert amendment.status is CommentStatus.withdrawn

    login_as(delegation["bangkok"])
    assert PREPARED not in client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert client.post(url(delegation, f"/threads/{comment.id}/withdraw")).status_code == 404
    assert client.post(url(delegation, f"/threads/{comment.id}/replies"), data={"body": "Hm."}).status_code == 404
    pdf = client.get(url(delegation, "/versions/1.pdf"))
    assert pdf.status_code == 200 and PREPARED not in " ".join(pages_text(pdf.data))
    assert PREPARED not in client.get(url(delegation, "/compare")).get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.status is CommentStatus.open and comment.is_prepared


def test_the_host_sees_counts_and_hears_of_nothing_prepared(client, login_as, delegation, outbox):
    comment = prepare(client, login_as, delegation)
    login_as(delegation["drafter"])
    assert PREPARED not in client.get(url(delegation, "/comments")).get_data(as_text=True)
    assert PREPARED not in client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert "new</strong>" not in client.get("/").get_data(as_text=True)
    assert host_news.unread_count(delegation["drafter"], delegation["declaration"]) == 0
    assert host_news.news_for(delegation["drafter"], None, utcnow()) == []
    assert PREPARED not in export_text(delegation["declaration"])
    api = client.get(f"/api/declarations/{delegation['declaration'].id}")
    assert api.status_code == 404 and PREPARED not in api.get_data(as_text=True)
    assert outbox() == []
    # Nor may the host act on it by its address.
    for path, data in ((f"/comments/{comment.id}/reply", {"body": "Noted."}),
                       (f"/comments/{comment.id}/addressed", {})):
        assert client.post(url(delegation, path), data=data).status_code == 404
    assert client.post(url(delegation, f"/threads/{comment.id}/replies"), data={"body": "Noted."}).status_code == 404
    db.session.refresh(comment)
    assert comment.status is CommentStatus.open and comment.replies == []


def test_a_colleague_sends_the_contribution_and_the_host_hears_of_it_then(client, login_as, delegation, outbox):
    first = prepare(client, login_as, delegation)
    second = prepare(client, login_as, delegation, clause_number=3, body="And clause 3 too.")
    login_as(delegation["colleague"])
    response, _ = send(client, delegation)
    assert response.status_code == 302 and response.location.endswith("#contribution")
    page = client.get(response.location).get_data(as_text=True)
    assert "The contribution of Seoul is sent to the host: 2 items." in page
    assert "Sent to the host by Jiho on " in page and "prepared, not sent" not in page

    for comment in (first, second):
        db.session.refresh(comment)
        assert comment.sent_by_id == delegation["colleague"].id and comment.author_id == delegation["seoul"].id
    [event] = sent_events()
    assert event.actor_id == delegation["colleague"].id
    assert event.detail["organization"] == "Seoul" and sorted(event.detail["comments"]) == [first.id, second.id]
    assert sorted(m["Subject"] for m in outbox()) == [
        "Tokyo Declaration: Seoul commented on clause 2", "Tokyo Declaration: Seoul commented on clause 3",
    ]

    login_as(delegation["drafter"])
    assert host_news.unread_count(delegation["drafter"], delegation["declaration"]) == 2
    desk = client.get(url(delegation, "/comments")).get_data(as_text=True)
    assert PREPARED in desk and "And clause 3 too." in desk
    assert desk.count("Sent by Jiho on ") == 2 and "with the contribution of Seoul" in desk
    # Once sent, the thread is the host's to answer like any other.
    assert client.post(url(delegation, f"/comments/{first.id}/reply"), data={"body": "Noted."}).status_code == 302


def test_a_replayed_send_form_sends_once(client, login_as, delegation, outbox):
    prepare(client, login_as, delegation)
    login_as(delegation["colleague"])
    response, data = send(client, delegation)
    assert response.status_code == 302
    again = client.post(url(delegation, "/versions/1/contribution"), data=data)
    assert again.status_code in (302, 303) and len(sent_events()) == 1 and len(outbox()) == 1
    # A fresh form with nothing left to send is refused, and changes nothing.
    page = client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert "Send our contribution" not in page
    with pytest.raises(consultation.CommentRefused, match="Seoul has nothing prepared on Draft 1 to send."):
        consultation.send_contribution(delegation["version"], delegation["colleague"])
    assert len(sent_events()) == 1


def test_nothing_prepared_is_sent_after_the_deadline(client, login_as, delegation, outbox):
    comment = prepare(client, login_as, delegation)
    action = url(delegation, "/versions/1/contribution")
    key = key_in_form(client.get(url(delegation, "/versions/1")).get_data(as_text=True), action)
    delegation["version"].deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()
    response = client.post(action, data={"submission": key})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Commenting closed at the deadline" in page and "Send our contribution" not in page
    db.session.refresh(comment)
    assert comment.is_prepared and sent_events() == [] and outbox() == []


def test_another_organization_sends_nothing_of_seoul_s(client, login_as, delegation):
    comment = prepare(client, login_as, delegation)
    login_as(delegation["bangkok"])
    page = client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert "Send our contribution" not in page
    with pytest.raises(consultation.CommentRefused, match="Bangkok has nothing prepared"):
        consultation.send_contribution(delegation["version"], delegation["bangkok"])
    db.session.rollback()
    db.session.refresh(comment)
    assert comment.is_prepared and sent_events() == []


def test_a_delegate_without_a_mandate_for_this_declaration_neither_prepares_nor_sends(
    client, login_as, delegation, make_declaration
):
    comment = prepare(client, login_as, delegation)
    unmandated = delegation["unmandated"]
    # A mandate for another declaration says nothing of this one.
    db.session.add(Mandate(organization_id=unmandated.organization_id, user=unmandated, email=unmandated.email,
                           declaration_id=make_declaration().id, status=MandateStatus.confirmed,
                           confirmed_at=utcnow()))
    db.session.commit()
    login_as(unmandated)
    assert client.post(url(delegation, "/versions/1/comments"), data={
        "clause_number": 1, "kind": "comment", "body": "Mine", "action": "prepare"}).status_code == 404
    assert client.post(url(delegation, "/versions/1/contribution"), data={}).status_code == 404
    for act in (lambda: consultation.add_comment(delegation["version"], 1, unmandated, "Mine", prepare=True),
                lambda: consultation.send_contribution(delegation["version"], unmandated)):
        with pytest.raises(consultation.CommentRefused, match="has not confirmed you as its delegate"):
            act()
    db.session.rollback()
    db.session.refresh(comment)
    assert comment.is_prepared and db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_send_now_still_reaches_the_host_at_once(client, login_as, delegation, outbox):
    login_as(delegation["seoul"])
    client.post(url(delegation, "/versions/1/comments"), data={"clause_number": 1, "kind": "comment", "body": "Now."})
    [comment] = db.session.scalars(select(Comment)).all()
    assert not comment.is_prepared and comment.sent_by_id == delegation["seoul"].id
    assert [m["Subject"] for m in outbox()] == ["Tokyo Declaration: Seoul commented on clause 1"]
    page = client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert "Sent to the host by" not in page and not re.search(r'id="contribution"', page)


def test_a_colleague_rewrites_a_prepared_amendment_and_nobody_else_may(client, login_as, delegation):
    amendment = prepare(client, login_as, delegation, kind="amendment", body="Name the year.",
                        proposed_text="Body of clause 2, by 2030.", justification="A year makes it a commitment.")
    revise = url(delegation, f"/threads/{amendment.id}/revise")
    for who in ("bangkok", "drafter"):
        login_as(delegation[who])
        assert client.post(revise, data={"body": "Theirs.", "proposed_text": "Other."}).status_code == 404, who

    login_as(delegation["colleague"])
    page = client.get(url(delegation, "/versions/1")).get_data(as_text=True)
    assert "Rewrite before sending" in page
    for data, message in (({"body": " ", "proposed_text": "Body of clause 2, by 2035."}, "Write the comment."),
                          ({"body": "Same", "proposed_text": "Body of clause 2."},
                           "The proposed text is the same as the circulated clause.")):
        refused = client.post(revise, data=data)
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
        assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    db.session.refresh(amendment)
    assert (amendment.body, amendment.proposed_text) == ("Name the year.", "Body of clause 2, by 2030.")

    saved = client.post(revise, data={"body": "Name the year, as Jiho suggests.",
                                      "proposed_text": "Body of clause 2, by 2035."})
    assert saved.status_code == 302
    db.session.refresh(amendment)
    assert (amendment.body, amendment.proposed_text) == ("Name the year, as Jiho suggests.", "Body of clause 2, by 2035.")
    assert amendment.is_prepared

    # Once sent, it is the organization's word to the host: no longer rewritten.
    send(client, delegation)
    refused = client.post(revise, data={"body": "Too late.", "proposed_text": "Body of clause 2, now."})
    assert refused.status_code == 422 and "Only a prepared comment is rewritten" in refused.get_data(as_text=True)
    db.session.refresh(amendment)
    assert amendment.body == "Name the year, as Jiho suggests."
