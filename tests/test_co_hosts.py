"""Co-hosts consent: naming an organization co-host is a proposal its own people accept or decline.

Until it accepts, the organization has no host's rights, is not named in the closing formula,
proposes nothing and is listed nowhere as proposing or affirming; its affirmation of the final
text is only ever recorded by its own people.
"""

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from drafting.domain import audit, organization_permissions, permissions, signoff
from drafting.domain.people import participants
from drafting.domain.text.composed_document import Part, part_text
from drafting.extensions import db
from drafting.models import Answer, Participant, ParticipantRole, StoredPdf, UserRole

TOKYO, SEOUL = "Tokyo Metropolitan Government", "Seoul Metropolitan Government"


def pdf_text(declaration) -> str:
    final = signoff.final_version(declaration)
    row = db.session.scalars(
        select(StoredPdf).where(StoredPdf.version_id == final.id, StoredPdf.kind == "adopted")
    ).first()
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(row.content)).pages).split())


def answer_url(participant) -> str:
    return f"/declarations/{participant.declaration_id}/participants/{participant.id}/co-host-answer"


def trail(declaration) -> list[tuple[str, dict]]:
    return [(event.action, event.detail) for event in audit.trail(declaration)]


@pytest.fixture
def case(make_declaration, make_organization, make_user):
    tokyo = make_organization(TOKYO, "JP")
    seoul = make_organization(SEOUL, "KR")
    declaration = make_declaration(host=tokyo, clauses=2, title="Tokyo Declaration")
    bangkok = make_organization("Bangkok Metropolitan Administration", "TH")
    participants.invite(declaration, bangkok, ParticipantRole.participant)
    db.session.commit()
    return {
        "declaration": declaration, "tokyo": tokyo, "seoul": seoul, "bangkok": bangkok,
        "host_drafter": make_user(organization=tokyo, name="Tokyo Drafter"),
        "seoul_drafter": make_user(organization=seoul, name="Seoul Drafter"),
        "seoul_delegate": make_user(role=UserRole.delegate, organization=seoul),
        "bangkok_delegate": make_user(role=UserRole.delegate, organization=bangkok),
    }


def name_co_host(client, login_as, case) -> Participant:
    """As Tokyo's drafter, through the editor's form, name Seoul co-host."""
    declaration = case["declaration"]
    login_as(case["host_drafter"])
    response = client.post(f"/declarations/{declaration.id}/participants",
                           data={"organization_id": case["seoul"].id, "role": "host"})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.get(response.location)  # shows, and so clears, its message
    client.post("/logout")
    db.session.expire_all()
    return next(p for p in declaration.participants if p.organization_id == case["seoul"].id)


def test_a_co_host_that_never_accepts_is_named_nowhere_and_affirms_nothing(
    client, login_as, case, circulate, propose_final
):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    assert SEOUL not in part_text(declaration, Part.closing_formula)
    circulate(declaration, by=case["host_drafter"])
    final = propose_final(declaration, by=case["host_drafter"])
    live = signoff.live_answers(final)
    assert case["seoul"].id not in live
    assert live[case["tokyo"].id].delegate == case["host_drafter"]
    signoff.answer(final, case["bangkok_delegate"], Answer.affirmed, True)
    signoff.adopt(declaration, case["host_drafter"])
    db.session.commit()

    record = declaration.published_record
    # The host is named by the closing formula, not listed (the listed layout's default).
    assert [o for group in record["affirmed_by"] for o in group["organizations"]] == [
        "Bangkok Metropolitan Administration"]
    assert next(p for p in record["participants"] if p["organization"]["name"] == SEOUL)["answer"] is None
    assert SEOUL not in " ".join(final.document["closing_formula"])
    api = client.get(f"/api/declarations/{declaration.id}").get_json()
    assert SEOUL not in str(api["affirmed_by"]) and SEOUL not in " ".join(api["text"]["closing_formula"])
    assert SEOUL not in client.get(f"/archive/{declaration.id}").get_data(as_text=True)
    assert SEOUL not in pdf_text(declaration)
    assert ("co-host proposed", {"organization": SEOUL}) in trail(declaration)
    assert seoul.co_host_status.value == "proposed"


def test_a_proposed_co_host_has_no_host_rights(client, login_as, case):
    declaration = case["declaration"]
    name_co_host(client, login_as, case)
    drafter = case["seoul_drafter"]
    assert case["seoul"].id not in declaration.host_organization_ids
    assert not permissions.is_host_drafter(drafter, declaration)
    assert not permissions.can_edit(drafter, declaration)
    assert not permissions.may_propose_final(drafter, declaration)
    login_as(drafter)
    assert client.get(f"/declarations/{declaration.id}").status_code == 404
    response = client.post(f"/declarations/{declaration.id}/clauses", data={"heading": "Seoul's", "body": "Ours."})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["host_drafter", "seoul_delegate", "bangkok_delegate", "anonymous"])
def test_only_the_named_organization_answers_the_proposal(client, login_as, case, who):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    if who != "anonymous":
        assert not organization_permissions.may_answer_co_host_proposal(case[who], seoul)
        login_as(case[who])
    events = len(audit.trail(declaration))
    response = client.post(answer_url(seoul), data={"answer": "accept"})
    assert response.status_code in (302, 404)
    db.session.expire_all()
    assert seoul.role is not ParticipantRole.host and seoul.co_host_status.value == "proposed"
    assert len(audit.trail(declaration)) == events
    if who != "anonymous":
        with pytest.raises(participants.InvitationError):
            participants.answer_co_host_proposal(seoul, case[who], accept=True)


def test_its_own_drafter_accepts_on_the_home_page_and_then_shares_the_hosts_rights(client, login_as, case):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    login_as(case["seoul_drafter"])
    home = client.get("/").get_data(as_text=True)
    assert "Tokyo Declaration" in home and "co-host" in home and answer_url(seoul) in home
    response = client.post(answer_url(seoul), data={"answer": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    assert seoul.is_co_host and seoul.co_host_status.value == "accepted"
    assert permissions.can_edit(case["seoul_drafter"], declaration)
    assert part_text(declaration, Part.closing_formula).startswith(
        f"This declaration is hereby proposed by {TOKYO} (Japan) and {SEOUL} (South Korea) on")
    assert ("co-host accepted", {"organization": SEOUL}) in trail(declaration)
    assert next(e for e in audit.trail(declaration) if e.action == "co-host accepted").actor == case["seoul_drafter"]
    assert answer_url(seoul) not in client.get("/").get_data(as_text=True)


def test_a_declined_proposal_leaves_an_observer_that_comments_and_is_listed_nowhere(client, login_as, case):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    login_as(case["seoul_drafter"])
    assert client.post(answer_url(seoul), data={"answer": "decline"}).status_code == 302
    db.session.expire_all()
    assert seoul.role is ParticipantRole.observer and seoul.co_host_status.value == "declined"
    assert not permissions.can_edit(case["seoul_drafter"], declaration)
    assert SEOUL not in part_text(declaration, Part.closing_formula)
    assert ("co-host declined", {"organization": SEOUL}) in trail(declaration)
    # Answered once: answering again is refused and changes nothing.
    with pytest.raises(participants.InvitationError):
        participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)


def test_a_proposal_is_answered_only_while_the_text_can_change(client, login_as, case, circulate, propose_final):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    circulate(declaration, by=case["host_drafter"])
    propose_final(declaration, by=case["host_drafter"])
    assert not organization_permissions.may_answer_co_host_proposal(case["seoul_drafter"], seoul)
    with pytest.raises(participants.InvitationError, match="final text"):
        participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    assert seoul.role is ParticipantRole.observer


def test_proposing_the_final_text_affirms_only_for_the_proposers_own_organization(
    client, login_as, case, circulate, propose_final
):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    circulate(declaration, by=case["host_drafter"])
    final = propose_final(declaration, by=case["host_drafter"])
    live = signoff.live_answers(final)
    assert set(live) == {case["tokyo"].id}
    # Seoul's own drafter answers for Seoul; Tokyo's drafter cannot.
    assert not permissions.may_answer(case["seoul_delegate"], declaration)
    signoff.answer(final, case["seoul_drafter"], Answer.affirmed, True)
    live = signoff.live_answers(final)
    assert live[case["seoul"].id].delegate == case["seoul_drafter"]
    answers = [(e.action, e.actor, e.detail.get("affirmed_for") or e.detail.get("organization"))
               for e in audit.trail(declaration) if e.action in ("propose final", "answer")]
    assert answers == [("propose final", case["host_drafter"], TOKYO), ("answer", case["seoul_drafter"], SEOUL)]


def test_a_co_host_drafter_proposing_affirms_for_the_co_host_only(client, login_as, case, circulate, propose_final):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    circulate(declaration, by=case["host_drafter"])
    final = propose_final(declaration, by=case["seoul_drafter"])
    assert set(signoff.live_answers(final)) == {case["seoul"].id}


def test_every_change_of_who_takes_part_is_in_the_audit_trail(client, login_as, case, make_organization):
    from drafting.models import Network, NetworkMembership

    declaration = case["declaration"]
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    jakarta = make_organization("Jakarta", "ID")
    db.session.add_all([network, NetworkMembership(network=network, organization=jakarta, joined_on=date(2000, 1, 1))])
    db.session.commit()
    drafter = case["host_drafter"]
    login_as(drafter)
    base = f"/declarations/{declaration.id}/participants"
    assert client.post(base, data={"organization_id": case["seoul"].id, "role": "participant"}).status_code == 302
    assert client.post(f"{base}/network", data={"network_id": network.id, "role": "observer"}).status_code == 302
    db.session.expire_all()
    seoul = next(p for p in declaration.participants if p.organization_id == case["seoul"].id)
    bangkok = next(p for p in declaration.participants if p.organization_id == case["bangkok"].id)
    assert client.post(f"{base}/{seoul.id}/role", data={"role": "observer"}).status_code == 302
    assert client.post(f"{base}/{seoul.id}/role", data={"role": "host"}).status_code == 302
    assert client.post(f"{base}/{bangkok.id}/remove").status_code == 302
    db.session.expire_all()
    events = [(e.action, e.detail, e.actor) for e in audit.trail(declaration)]
    assert events[0] == ("participant invited", {"organization": "Bangkok Metropolitan Administration",
                                                 "role": "participant"}, None)
    assert events[1:] == [
        ("participant invited", {"organization": SEOUL, "role": "participant"}, drafter),
        ("network members invited", {"network": network.name, "role": "observer", "organizations": ["Jakarta"]},
         drafter),
        ("participant role changed", {"organization": SEOUL, "from": "participant", "to": "observer"}, drafter),
        ("co-host proposed", {"organization": SEOUL}, drafter),
        ("participant removed", {"organization": "Bangkok Metropolitan Administration", "role": "participant"},
         drafter),
    ]
    page = client.get(f"/declarations/{declaration.id}/audit").get_data(as_text=True)
    assert "co-host proposed" in page and "participant removed" in page


def test_the_host_sees_the_proposal_pending(client, login_as, case):
    declaration = case["declaration"]
    name_co_host(client, login_as, case)
    login_as(case["host_drafter"])
    page = client.get(f"/declarations/{declaration.id}").get_data(as_text=True)
    assert "co-host proposed" in page


def test_a_bad_answer_is_refused_and_changes_nothing(client, login_as, case):
    seoul = name_co_host(client, login_as, case)
    login_as(case["seoul_drafter"])
    response = client.post(answer_url(seoul), data={"answer": "maybe"}, follow_redirects=True)
    assert "Accept or decline" in response.get_data(as_text=True)
    db.session.expire_all()
    assert seoul.co_host_status.value == "proposed"


def test_the_answer_form_needs_its_csrf_token(app, client, login_as, case, monkeypatch):
    seoul = name_co_host(client, login_as, case)
    login_as(case["seoul_drafter"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(answer_url(seoul), data={"answer": "accept"}).status_code == 400
    db.session.expire_all()
    assert seoul.co_host_status.value == "proposed"


def test_a_new_co_host_proposal_after_a_decline(client, login_as, case):
    seoul = name_co_host(client, login_as, case)
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=False)
    participants.change_role(seoul, ParticipantRole.host, case["host_drafter"])
    assert seoul.co_host_status.value == "proposed" and seoul.role is ParticipantRole.observer
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    assert seoul.is_co_host


@pytest.mark.parametrize("situation, role, message", [
    ("the host", "observer", "is the host: its role does not change"),
    ("proposed", "host", "is proposed co-host already"),
    ("participant", "participant", "takes part as participant already"),
    ("in affirmation", "observer", "who takes part, and how, is settled"),
])
def test_a_role_change_that_cannot_be_made_is_refused_and_changes_nothing(
    case, circulate, propose_final, situation, role, message
):
    declaration = case["declaration"]
    participant = next(p for p in declaration.participants if p.organization_id == case["bangkok"].id)
    if situation == "the host":
        participant = next(p for p in declaration.participants if p.is_host)
    if situation == "proposed":
        participants.change_role(participant, ParticipantRole.host, case["host_drafter"])
    if situation == "in affirmation":
        circulate(declaration, by=case["host_drafter"])
        propose_final(declaration, by=case["host_drafter"])
    before = (participant.role, participant.co_host_status, len(audit.trail(declaration)))
    with pytest.raises(participants.InvitationError, match=message):
        participants.change_role(participant, ParticipantRole(role), case["host_drafter"])
    assert (participant.role, participant.co_host_status, len(audit.trail(declaration))) == before


def test_withdrawing_an_unanswered_proposal_leaves_the_role_it_had(client, login_as, case):
    declaration = case["declaration"]
    bangkok = next(p for p in declaration.participants if p.organization_id == case["bangkok"].id)
    participants.change_role(bangkok, ParticipantRole.host, case["host_drafter"])
    assert bangkok.role is ParticipantRole.participant and bangkok.co_host_proposed
    participants.change_role(bangkok, ParticipantRole.participant, case["host_drafter"])
    assert bangkok.role is ParticipantRole.participant and bangkok.co_host_status is None
    assert [e.action for e in audit.trail(declaration)][-2:] == ["co-host proposed", "co-host proposal withdrawn"]


def test_an_accepted_co_host_given_another_role_loses_the_hosts_rights(client, login_as, case):
    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    participants.change_role(seoul, ParticipantRole.participant, case["host_drafter"])
    assert not permissions.can_edit(case["seoul_drafter"], declaration) and seoul.co_host_status is None
    assert SEOUL not in part_text(declaration, Part.closing_formula)
    assert ("participant role changed", {"organization": SEOUL, "from": "host", "to": "participant"}) in trail(
        declaration)


def test_an_imported_open_declaration_asks_its_co_hosts_again(client, login_as, case, circulate):
    from drafting.domain import interchange
    from tests.test_interchange import retitled

    declaration = case["declaration"]
    seoul = name_co_host(client, login_as, case)
    participants.answer_co_host_proposal(seoul, case["seoul_drafter"], accept=True)
    circulate(declaration, by=case["host_drafter"])
    exported = retitled(interchange.export_declaration(declaration), "Tokyo Declaration, imported")
    imported = interchange.import_declaration(exported).declaration
    again = next(p for p in imported.participants if p.organization_id == case["seoul"].id)
    assert (again.role, again.co_host_status.value) == (ParticipantRole.observer, "proposed")
    assert case["seoul"].id not in imported.host_organization_ids
    assert SEOUL not in part_text(imported, Part.closing_formula)


def test_an_administrator_may_answer_for_the_organization(client, login_as, case, make_user):
    seoul = name_co_host(client, login_as, case)
    administrator = make_user(role=UserRole.administrator)
    assert organization_permissions.may_answer_co_host_proposal(administrator, seoul)
    assert participants.pending_co_host_proposals(administrator) == [seoul]
    participants.answer_co_host_proposal(seoul, administrator, accept=False)
    assert next(e for e in audit.trail(case["declaration"]) if e.action == "co-host declined").actor == administrator


def test_a_proposed_co_host_comments_like_an_invited_observer(client, login_as, case, circulate):
    declaration = case["declaration"]
    name_co_host(client, login_as, case)
    version = circulate(declaration, by=case["host_drafter"])
    assert permissions.may_comment(case["seoul_delegate"], version)
    assert not permissions.can_see_working_draft(case["seoul_drafter"], declaration)


def test_the_proposal_is_e_mailed_to_those_who_may_answer_it(client, login_as, case, make_user, outbox):
    make_user(organization=case["seoul"], email="second.drafter@seoul.example.org")
    make_user(organization=case["seoul"], email="gone@seoul.example.org").active = False
    db.session.commit()
    name_co_host(client, login_as, case)
    sent = outbox()
    # Seoul's active drafters; not its delegate, not the host, not another organization.
    assert sorted(message["To"] for message in sent) == sorted([
        case["seoul_drafter"].email, "second.drafter@seoul.example.org"])
    [to_drafter] = [message for message in sent if message["To"] == case["seoul_drafter"].email]
    assert to_drafter["Subject"] == f"Tokyo Declaration: {TOKYO} proposes that {SEOUL} co-host it"
    for kind in ("plain", "html"):
        body = to_drafter.get_body(preferencelist=(kind,)).get_content()
        assert "Dear Seoul Drafter" in body and "Accept or decline on your home page" in body
        assert "http://localhost/" in body
