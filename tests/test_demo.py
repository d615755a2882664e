"""The demonstration data: what it loads, that loading it again adds nothing, and its printed logins."""

import re
from datetime import date

from sqlalchemy import func, select

from drafting.demo import load_demo
from drafting.domain import completion, evidence, final_text
from drafting.domain.text.composed_document import Part, part_text
from drafting.models import (
    Clause,
    ClauseTemplate,
    Comment,
    Declaration,
    DeclarationState,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
    Participant,
    ParticipantRole,
    Stance,
    StoredPdf,
    User,
    Version,
)

CURRENT_MEMBERS = {
    "Bangkok", "Delhi", "Hanoi", "Jakarta", "Kuala Lumpur", "Manila", "Seoul", "Singapore", "Taipei",
    "Tokyo", "Tomsk", "Ulaanbaatar", "Yangon",
}


def _anmc21(db) -> Network:
    return db.session.scalar(select(Network).where(Network.acronym == "ANMC21"))


def _demo_declaration(db) -> Declaration:
    return db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo Declaration"))


def test_the_network_has_its_thirteen_current_members_and_its_history(db):
    load_demo()
    network = _anmc21(db)

    assert network.name == "Asian Network of Major Cities 21"
    assert {city.name for city in network.members_on(date.today())} == CURRENT_MEMBERS
    founding_members = {city.name for city in network.members_on(date(2001, 10, 1))}
    assert founding_members == CURRENT_MEMBERS - {"Tomsk", "Ulaanbaatar"} | {"Beijing"}


def test_member_cities_have_their_country_and_local_name(db):
    load_demo()
    seoul = db.session.scalar(select(Organization).where(Organization.name == "Seoul"))

    assert (seoul.kind, seoul.country, seoul.local_name) == (OrganizationKind.city, "KR", "서울")
    assert seoul.country_name == "South Korea"


def test_the_declaration_is_composed_from_templates_and_invites_every_member(db):
    load_demo()
    declaration = _demo_declaration(db)

    assert declaration.state is DeclarationState.drafting
    assert declaration.host.name == "Tokyo"
    assert declaration.network == _anmc21(db)
    assert declaration.preamble
    assert len(declaration.clauses) >= 4
    assert all(clause.template is not None for clause in declaration.clauses)
    assert not any("{{" in clause.body or "{{" in (clause.heading or "") for clause in declaration.clauses)
    roles = {participant.organization.name: participant.role for participant in declaration.participants}
    assert set(roles) == CURRENT_MEMBERS
    assert roles.pop("Tokyo") is ParticipantRole.host
    assert set(roles.values()) == {ParticipantRole.participant}


def test_seoul_is_proposed_co_host_and_its_drafter_finds_the_proposal_waiting(db):
    from drafting.domain.people.participants import pending_co_host_proposals

    load_demo()
    declaration = _demo_declaration(db)
    seoul = next(p for p in declaration.participants if p.organization.name == "Seoul")
    assert seoul.co_host_proposed and seoul.role is ParticipantRole.participant
    assert seoul.organization_id not in declaration.host_organization_ids
    assert "Seoul" not in part_text(declaration, Part.closing_formula)
    drafter = db.session.scalar(select(User).where(User.email == "minseo.park@seoul.example.org"))
    assert pending_co_host_proposals(drafter) == [seoul]


def test_a_second_declaration_is_in_consultation_with_a_comment_and_an_amendment(db):
    load_demo()
    declaration = db.session.scalar(select(Declaration).where(Declaration.state == DeclarationState.consultation))
    assert [version.label for version in declaration.versions] == ["Draft 1"]
    comments = db.session.scalars(select(Comment).order_by(Comment.clause_number, Comment.id)).all()
    assert [(c.organization.name, c.clause_number, c.is_amendment, c.is_prepared) for c in comments] == [
        ("Seoul", 1, False, False), ("Jakarta", 1, False, True), ("Bangkok", 2, True, False),
    ]


def test_the_declaration_in_consultation_shows_stances_with_an_objection_first_on_the_board(db):
    from drafting.domain import stances

    load_demo()
    declaration = db.session.scalar(select(Declaration).where(Declaration.state == DeclarationState.consultation))
    [first, *_] = stances.board(declaration.versions[-1])
    assert first.clause.number == 2 and first.counts["object"] == 1
    [objection] = first.objections
    assert objection.stance.organization.name == "Bangkok" and "Bangkok objects" in objection.stance.reason


def test_jakarta_s_prepared_comment_is_seen_by_its_delegate_and_not_by_the_host(db, client):
    from drafting.demo_content import JAKARTA_PREPARED, PASSWORD

    load_demo()
    db.session.commit()
    declaration = db.session.scalar(select(Declaration).where(Declaration.state == DeclarationState.consultation))
    client.post("/login", data={"email": "rina.kusuma@jakarta.example.org", "password": PASSWORD})
    page = client.get(f"/declarations/{declaration.id}/versions/1").get_data(as_text=True)
    assert JAKARTA_PREPARED in page and "Send our contribution" in page
    client.post("/logout")
    client.post("/login", data={"email": "haruka.ito@tokyo.example.org", "password": PASSWORD})
    assert JAKARTA_PREPARED not in client.get(f"/declarations/{declaration.id}/comments").get_data(as_text=True)


def test_loading_the_demo_twice_changes_no_counts(db):
    models = (Organization, Network, NetworkMembership, User, ClauseTemplate, Declaration, Clause, Participant,
              Version, Comment, Stance)

    def counts():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in models}

    first_logins = load_demo()
    after_first = counts()
    second_logins = load_demo()

    assert counts() == after_first
    assert second_logins == first_logins


def test_the_logins_start_with_the_administrator_and_cover_every_role(db):
    logins = load_demo()

    assert logins[0].role == "administrator"
    assert [login.role for login in logins].count("drafter") == 3
    assert [login.role for login in logins].count("delegate") >= 3
    assert len({login.email for login in logins}) == len(logins)
    for login in logins:
        user = db.session.scalar(select(User).where(User.email == login.email))
        assert login.role == (f"{user.role.value}, focal point" if user.focal_point else user.role.value)
        assert user.organization is None or user.organization.name in CURRENT_MEMBERS


def test_the_demo_command_prints_logins_that_sign_in(app, runner):
    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for login in load_demo():
        [line] = [line for line in lines if login.email in line]
        assert login.password in line and login.role in line
        response = app.test_client().post("/login", data={"email": login.email, "password": login.password})
        assert response.status_code == 302, f"{login.email} cannot sign in"


def test_a_demo_login_with_a_wrong_password_is_refused(app):
    [administrator, *_] = load_demo()

    response = app.test_client().post("/login", data={"email": administrator.email, "password": "not the password"})

    assert response.status_code == 422


def test_the_archive_holds_three_adopted_declarations_of_past_plenaries(db):
    from drafting.domain import audit, final_text

    load_demo()
    adopted = db.session.scalars(
        select(Declaration).where(Declaration.state == DeclarationState.adopted).order_by(Declaration.starts_on)
    ).all()
    assert [(d.title, d.adopted_at.year) for d in adopted] == [
        ("Seoul Declaration", 2011), ("Singapore Declaration", 2012), ("Hanoi Declaration", 2013),
    ]
    hanoi = final_text.adopted_document(adopted[2])
    listed = [name for group in hanoi.signatories for name in group.organizations]
    assert "Yangon" not in listed and "Hanoi" in listed and "Tomsk" in listed and "Beijing" not in listed
    seoul = final_text.adopted_document(adopted[0])
    assert seoul.opening.startswith("We, the representatives of") and "Tomsk" not in seoul.opening
    assert audit.verify().intact


def test_the_archive_search_example_finds_the_demonstrations_declarations(db, client):
    load_demo()
    db.session.commit()
    page = client.get("/archive").get_data(as_text=True)
    example = re.search(r'placeholder="e\.g\. ([^"]+)"', page).group(1)

    found = client.get("/archive", query_string={"words": example}).get_data(as_text=True)

    assert "3 declarations" in found


def test_the_demonstrations_adopted_pdfs_are_signed_and_verify_says_so(db, client):
    from tests.test_verify import text_of, upload

    load_demo()
    db.session.commit()
    stored = db.session.scalars(select(StoredPdf).where(StoredPdf.kind == "adopted")).all()
    assert len(stored) == 6  # three declarations, A4 and US Letter
    for pdf in stored:
        html = text_of(upload(client, pdf.content))
        assert "This is the very file we published" in html
        assert "It was signed by this platform, Common Name: drafting development (self-signed), on " in html
        assert "Nothing in the file changed since it was signed." in html


def test_the_demonstration_has_focal_points_a_pending_request_and_confirmed_delegates(db):
    from drafting.domain import permissions
    from drafting.domain.people import mandates
    from drafting.models import Declaration, Mandate, MandateStatus

    logins = load_demo()
    focal = [login for login in logins if login.role == "drafter, focal point"]
    assert len(focal) >= 3
    [request] = db.session.scalars(select(Mandate).where(Mandate.status == MandateStatus.requested)).all()
    assert request.organization.name == "Manila" and request.email == "ana.reyes@manila.example.org"
    consulted = db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo Declaration on Cities and Extreme Heat"))
    confirmed = {user.email for user, _ in mandates.confirmed_delegates(consulted)}
    assert {"jiwoo.kim@seoul.example.org", "ananya.srisuk@bangkok.example.org", "rina.kusuma@jakarta.example.org"} <= confirmed
    jiwoo = db.session.scalar(select(User).where(User.email == "jiwoo.kim@seoul.example.org"))
    assert permissions.mandate_for(jiwoo, consulted).confirmed_by.email == "minho.lee@seoul.example.org"


def test_the_demonstrations_host_drafters_find_the_comments_new_on_their_desk(db, client):
    from drafting.demo_content import PASSWORD
    from drafting.models import HostNotifications

    load_demo()
    db.session.commit()
    client.post("/login", data={"email": "haruka.ito@tokyo.example.org", "password": PASSWORD})
    home = client.get("/").get_data(as_text=True)
    # Seoul's comment and Bangkok's amendment, on the declaration in consultation.
    assert 'Desk of comments <strong class="tag new">2 new</strong>' in home
    kenji = db.session.scalar(select(User).where(User.email == "kenji.mori@tokyo.example.org"))
    assert kenji.host_notifications is HostNotifications.daily_digest


def test_the_demonstrations_amendment_has_its_justification_and_the_host_reaches_the_compilation(db, client):
    from drafting.demo_content import BANGKOK_JUSTIFICATION, PASSWORD

    load_demo()
    db.session.commit()
    declaration = db.session.scalar(select(Declaration).where(Declaration.state == DeclarationState.consultation))
    amendment = db.session.scalar(select(Comment).where(Comment.proposed_text.is_not(None)))
    assert amendment.justification == BANGKOK_JUSTIFICATION
    client.post("/login", data={"email": "haruka.ito@tokyo.example.org", "password": PASSWORD})
    draft = client.get(f"/declarations/{declaration.id}/versions/1").get_data(as_text=True)
    assert f'href="/declarations/{declaration.id}/versions/1/compilation"' in draft
    compiled = client.get(f"/declarations/{declaration.id}/versions/1/compilation").get_data(as_text=True)
    assert BANGKOK_JUSTIFICATION in compiled


def test_a_third_declaration_s_draft_is_under_silence_for_a_week(db):
    from drafting.domain import silence

    load_demo()
    declaration = db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo Statement on Clean Air"))
    running = silence.running(declaration)
    assert declaration.state is DeclarationState.consultation and running.version.label == "Draft 1"
    assert not silence.is_over(running) and running.answer_deadline > running.ends_at
    load_demo()
    assert len(declaration.versions) == 1 and silence.latest(declaration) is running


def test_an_archived_declaration_holds_an_answer_recorded_on_paper_with_its_scan(db):
    load_demo()
    db.session.commit()
    hanoi = db.session.scalar(select(Declaration).where(Declaration.title == "Hanoi Declaration"))
    entry = next(entry for entry in completion.entries(hanoi) if entry.organization == "Manila")
    assert entry.evidence == "letter of the Mayor of Manila of 15 November 2013" and entry.answer == "affirmed"
    recorded = next(a for a in final_text.live_answers(final_text.final_version(hanoi)).values() if a.recorded)
    assert evidence.checked(recorded.evidence.content).media_type == "image/png"


def test_the_declaration_in_consultation_is_open_so_seoul_reads_bangkoks_amendment_and_stance(db, client):
    from drafting.demo_content import BANGKOK_OBJECTION, BANGKOK_WHY, JAKARTA_PREPARED, PASSWORD

    load_demo()
    db.session.commit()
    declaration = db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo Declaration on Cities and Extreme Heat"))
    assert declaration.versions[0].open_consultation
    client.post("/login", data={"email": "jiwoo.kim@seoul.example.org", "password": PASSWORD})
    draft = client.get(f"/declarations/{declaration.id}/versions/1").get_data(as_text=True)
    assert BANGKOK_WHY in draft and "An open consultation" in draft
    compiled = client.get(f"/declarations/{declaration.id}/versions/1/compilation").get_data(as_text=True)
    assert BANGKOK_OBJECTION in compiled and "<strong>Bangkok</strong>: object" in compiled
    assert JAKARTA_PREPARED not in compiled  # prepared, not sent: Jakarta's own until it sends it


def test_a_fourth_declaration_is_under_affirmation_with_seouls_statement_on_a_clause(db, client):
    from drafting.demo_content import PASSWORD, SEOUL_STATEMENT

    load_demo()
    db.session.commit()
    declaration = db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo Declaration on Safe Water in Disasters"))
    assert declaration.state is DeclarationState.affirmation
    answers = {a.organization.name: a for a in final_text.live_answers(final_text.final_version(declaration)).values()}
    assert sorted(answers) == ["Bangkok", "Seoul", "Tokyo"]
    assert answers["Seoul"].statement == SEOUL_STATEMENT and answers["Seoul"].statement_clauses == [2]
    client.post("/login", data={"email": "haruka.ito@tokyo.example.org", "password": PASSWORD})
    tracker = client.get(f"/declarations/{declaration.id}/tracker").get_data(as_text=True)
    assert f"On clause 2: {SEOUL_STATEMENT[:40]}" in tracker
    client.post("/logout")
    # Jakarta's delegate has yet to answer, and may name clauses in a statement.
    client.post("/login", data={"email": "rina.kusuma@jakarta.example.org", "password": PASSWORD})
    answer_page = client.get(f"/declarations/{declaration.id}/affirmation").get_data(as_text=True)
    assert "Affirm it with a statement" in answer_page and "Clauses the statement concerns" in answer_page


def test_the_archives_hanoi_declaration_prints_bangkoks_statement_under_the_clause_it_names(db, client):
    import io

    from pypdf import PdfReader

    load_demo()
    db.session.commit()
    hanoi = db.session.scalar(select(Declaration).where(Declaration.title == "Hanoi Declaration"))
    page = client.get(f"/archive/{hanoi.id}").get_data(as_text=True)
    assert "Bangkok (Thailand), on clause 2" in page
    pdf = db.session.scalar(select(StoredPdf).where(StoredPdf.version_id == final_text.final_version(hanoi).id,
                                                    StoredPdf.kind == "adopted"))
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "On clause 2 Bangkok Bangkok will report on its flood-response centre" in printed
