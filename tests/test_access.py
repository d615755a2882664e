"""Who may reach which route: every route of the application, for every kind of user, in every state.

A route added without an entry in ROUTES fails `test_every_route_is_in_the_matrix`. Each case
answers "reached" (the route let the user in: 2xx, or a redirect that is not to the sign-in page,
or a refusal by the domain such as 409/422) or "kept out" (404, 403, or the sign-in page).
Requests run in a savepoint that is rolled back, so that one case cannot change the next.
"""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from drafting.domain import consultation, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import DeclarationState, Mandate, Network, NetworkMembership, ParticipantRole, UserRole
from tests.conftest import ADOPTED_IN_SESSION, PASSWORD

S = DeclarationState
ROLES = ["anonymous", "outsider", "participant", "observer", "host", "administrator"]
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
INVOLVED = {"participant", "observer", "host", "administrator"}
STAFF = {"host", "administrator"}

# Who may see the declaration, its circulated versions, and the participant's comment thread, by state.
VIEW = {S.drafting: STAFF, S.consultation: INVOLVED, S.affirmation: INVOLVED, S.adopted: EVERYONE, S.withdrawn: STAFF}
# Who may see the circulated versions: those who may see the declaration until its adoption, then
# those who took part; and the versions that exist (none in drafting).
SEE_VERSIONS = {S.drafting: STAFF, S.consultation: INVOLVED, S.affirmation: INVOLVED, S.adopted: INVOLVED,
                S.withdrawn: STAFF}
VERSIONS = {**SEE_VERSIONS, S.drafting: set()}
THREAD = {state: who - {"observer"} for state, who in VERSIONS.items()}
EDITABLE = {S.drafting, S.consultation}


def in_view(role, state):
    return role in VIEW[state]


def staff_of(state):
    return STAFF & VIEW[state]


def host_drafter(state):
    return {"host"} & VIEW[state]


# (endpoint, method) -> the roles that reach it in a state.
ROUTES = {
    ("static", "GET"): lambda state: EVERYONE,
    ("main.home", "GET"): lambda state: EVERYONE,
    ("main.healthz", "GET"): lambda state: EVERYONE,
    ("auth.login", "GET"): lambda state: EVERYONE,
    ("auth.login", "POST"): lambda state: EVERYONE,
    ("auth.logout", "POST"): lambda state: SIGNED_IN,
    ("auth.forgot_password", "GET"): lambda state: EVERYONE,
    ("auth.forgot_password", "POST"): lambda state: EVERYONE,
    # A made-up token: nobody gets further than "this link cannot be used".
    ("auth.reset_password", "GET"): lambda state: set(),
    ("auth.reset_password", "POST"): lambda state: set(),
    ("delegates.accept", "GET"): lambda state: set(),
    ("delegates.accept", "POST"): lambda state: set(),
    ("auth.change_password", "GET"): lambda state: SIGNED_IN,
    ("auth.change_password", "POST"): lambda state: SIGNED_IN,
    ("account.settings", "GET"): lambda state: SIGNED_IN,
    ("account.settings", "POST"): lambda state: SIGNED_IN,
    ("archive.index", "GET"): lambda state: EVERYONE,
    ("archive.declaration", "GET"): lambda state: EVERYONE if state is S.adopted else set(),
    ("archive.verify_form", "GET"): lambda state: EVERYONE,
    ("archive.verify", "GET"): lambda state: EVERYONE,
    ("archive.verify_upload", "POST"): lambda state: EVERYONE,
    ("api.declarations", "GET"): lambda state: EVERYONE,
    ("api.declaration", "GET"): lambda state: EVERYONE if state is S.adopted else set(),
    ("downloads.adopted", "GET"): lambda state: EVERYONE if state is S.adopted else set(),
    ("downloads.version", "GET"): lambda state: VERSIONS[state],
    ("library.index", "GET"): lambda state: SIGNED_IN,
    ("library.show", "GET"): lambda state: SIGNED_IN,
    ("library.new", "GET"): lambda state: {"host", "administrator"},
    ("library.new", "POST"): lambda state: {"host", "administrator"},
    ("library.edit", "GET"): lambda state: {"host", "administrator"},
    ("library.edit", "POST"): lambda state: {"host", "administrator"},
    ("library.retire", "POST"): lambda state: {"host", "administrator"},
    ("library.restore", "POST"): lambda state: {"host", "administrator"},
    ("editor.new", "GET"): lambda state: {"host"},
    ("editor.new", "POST"): lambda state: {"host"},
    ("editor.show", "GET"): lambda state: VIEW[state] & SIGNED_IN,
    ("editor.preview", "GET"): staff_of,
    ("review.version", "GET"): lambda state: VERSIONS[state],
    ("review.comment", "POST"): lambda state: VERSIONS[state],
    ("review.send_contribution", "POST"): lambda state: VERSIONS[state],
    ("review.reply", "POST"): lambda state: THREAD[state],
    ("review.withdraw", "POST"): lambda state: THREAD[state],
    # A closed consultation (the default): the compilation is the host's.
    ("review.compilation", "GET"): lambda state: VERSIONS[state] & STAFF,
    ("review.compilation_download", "GET"): lambda state: VERSIONS[state] & STAFF,
    ("review.revise", "POST"): lambda state: THREAD[state],
    ("compare.versions", "GET"): lambda state: SEE_VERSIONS[state],
    ("stances.board", "GET"): lambda state: staff_of(state) & VERSIONS[state],
    ("stances.give", "POST"): lambda state: VERSIONS[state],
    # The host's staff are told in the editor why they may not; participants and observers on the draft.
    ("silence.start", "POST"): staff_of,
    ("silence.break_silence", "POST"): lambda state: VERSIONS[state] | staff_of(state),
    ("desk.index", "GET"): lambda state: staff_of(state) & VERSIONS[state] if state is not S.drafting else staff_of(state),
    ("desk.reply", "POST"): lambda state: host_drafter(state) & VERSIONS[state],
    ("desk.addressed", "POST"): lambda state: host_drafter(state) & VERSIONS[state],
    ("desk.decide", "POST"): lambda state: host_drafter(state) & VERSIONS[state],
    # The final text as proposed lists every participant: after adoption it stays with those who took part.
    ("affirmation.answer", "GET"): lambda state: SEE_VERSIONS[state] & SIGNED_IN,
    ("affirmation.answer", "POST"): lambda state: SEE_VERSIONS[state] & SIGNED_IN,
    ("signoff.progress", "GET"): staff_of,
    ("signoff.trail", "GET"): staff_of,
    ("signoff.certificate", "GET"): staff_of,
    ("signoff.propose_final", "POST"): staff_of,
    ("signoff.remind", "POST"): staff_of,
    ("signoff.reopen", "POST"): staff_of,
    ("signoff.confirm_adoption", "GET"): staff_of,
    ("signoff.adopt", "POST"): staff_of,
    ("signoff.withdraw", "POST"): staff_of,
    ("signoff.record_answer", "GET"): staff_of,
    ("signoff.record_answer", "POST"): staff_of,
    # The scene's one answer was given in the application: it has no evidence for anyone to download.
    ("signoff.evidence_file", "GET"): lambda state: set(),
    # Whoever sees the final text reaches the contest, to be told that only a recorded answer is contested.
    ("affirmation.contest", "POST"): lambda state: SEE_VERSIONS[state] & SIGNED_IN if state in (S.affirmation, S.adopted)
    else set(),
    ("delegates.invite", "GET"): host_drafter,
    ("delegates.invite", "POST"): host_drafter,
    # An organization's people: its focal points (none here: see test_focal_points) and administrators.
    **{("people." + name, method): (lambda state: {"administrator"}) for name, methods in {
        "index": ["GET", "POST"], "confirm": ["POST"], "decline": ["POST"], "revoke": ["POST"], "grant": ["POST"],
        "deactivate": ["POST"],
    }.items() for method in methods},
    **{("admin." + name, method): (lambda state: {"administrator"}) for name, methods in {
        "index": ["GET"], "audit_trail": ["GET"], "organizations": ["GET"], "new_organization": ["GET", "POST"],
        "edit_organization": ["GET", "POST"], "networks": ["GET"], "new_network": ["GET", "POST"],
        "edit_network": ["GET", "POST"], "network": ["GET"], "add_membership": ["POST"],
        "end_membership": ["GET", "POST"], "users": ["GET"], "new_user": ["GET", "POST"], "edit_user": ["GET", "POST"],
        "focal_point": ["POST"],
    }.items() for method in methods},
}
# The working draft: visible to the host's staff, editable by its drafters while it is not frozen.
for endpoint, methods in {
    "details": ["GET", "POST"], "preamble": ["POST"], "part": ["POST"], "placement": ["POST"], "add_clause": ["POST"],
    "edit_clause": ["GET", "POST"], "move_clause": ["POST"], "remove_clause": ["POST"], "choose_template": ["GET"],
    "insert_template": ["GET", "POST"], "invite": ["POST"], "invite_network": ["POST"], "uninvite": ["POST"],
    "change_role": ["POST"],
    "place_participant": ["POST"], "place_country": ["POST"],
}.items():
    for method in methods:
        ROUTES[("editor." + endpoint, method)] = lambda state: host_drafter(state) if state in EDITABLE else set()
ROUTES[("editor.circulate", "POST")] = staff_of
# A proposal to co-host exists only for the organization it names (here the participant's, which has
# none waiting: the answer is refused with a message) and for administrators; 404 for everyone else.
ROUTES[("editor.answer_co_host_proposal", "POST")] = lambda state: {"participant", "administrator"}


def test_every_route_is_in_the_matrix(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - set(ROUTES) == set(), "routes without an entry in the access matrix"
    assert set(ROUTES) - routes == set(), "entries of the access matrix without a route"


@pytest.fixture
def scene(make_declaration, make_organization, make_user, make_template, circulate, propose_final, make_co_host):
    """Build a declaration in the given state, with one user of each kind and the ids the routes need."""

    def build(state):
        declaration = make_declaration(clauses=2)
        guest, watcher = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
        partner = make_organization("Busan", "KR")
        invite(declaration, guest, ParticipantRole.participant)
        invite(declaration, watcher, ParticipantRole.observer)
        make_co_host(declaration, partner)
        users = {
            "outsider": make_user(role=UserRole.delegate),
            "participant": make_user(role=UserRole.delegate, organization=guest),
            "observer": make_user(role=UserRole.delegate, organization=watcher),
            "host": make_user(organization=declaration.host),
            "co-host": make_user(organization=partner),
            "administrator": make_user(role=UserRole.administrator),
        }
        network = Network(name="ANMC21 test network")
        network.memberships = [NetworkMembership(organization=guest, joined_on=date(2001, 10, 1))]
        db.session.add(network)
        comment = answered = None
        if state is not S.drafting:
            version = circulate(declaration, by=users["host"])
            comment = consultation.add_comment(version, 1, users["participant"], "A comment.", "A better clause 1.", "Better.")
        if state in (S.affirmation, S.adopted):
            final = propose_final(declaration, by=users["host"])
            answered = signoff.answer(final, users["participant"], signoff.Answer.affirmed, True)
        if state is S.adopted:
            signoff.adopt(declaration, users["host"], without_missing_answers_reason=ADOPTED_IN_SESSION)
        if state is S.withdrawn:
            signoff.withdraw(declaration, users["host"], "The meeting was cancelled.")
        db.session.commit()
        latest = declaration.versions[-1] if declaration.versions else None
        return users, {
            "declaration_id": declaration.id,
            "clause_id": declaration.clauses[0].id,
            "template_id": make_template().id,
            "participant_id": next(p.id for p in declaration.participants if p.organization_id == guest.id),
            "comment_id": comment.id if comment else 999_999,
            "answer_id": answered.id if answered else 999_999,
            "number": 1,
            "latest": latest.number if latest else 1,
            "fingerprint": latest.fingerprint if latest else "0" * 64,
            "token": "not-a-real-token",
            "network_id": network.id,
            "organization_id": guest.id,
            "user_id": users["participant"].id,
            "mandate_id": db.session.scalars(select(Mandate.id).filter_by(user_id=users["participant"].id)).first(),
            "membership_id": network.memberships[0].id,
            "filename": "style.css",
            "slug": "closing-formula",
            "country": "KR",
        }

    return build


def reached(response) -> bool:
    if response.status_code in (403, 404, 410):
        return False
    if response.status_code in (301, 302, 303) and "/login" in response.location:
        return False
    return True


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_who_reaches_which_route(app, db, scene, state):
    users, ids = scene(state)
    connection = db.session.get_bind()
    clients = {"anonymous": app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert clients[role].post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    wrong = []
    for (endpoint, method), allowed in sorted(ROUTES.items()):
        rule = rules[endpoint]
        url = re.sub(r"<any\([^)]*\):(\w+)>", lambda match: str(ids[match.group(1)]), rule.rule)
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids[name])).replace(f"<{name}>", str(ids[name])).replace(
                f"<path:{name}>", str(ids[name]))
        for role in ROLES:
            if (endpoint, role) == ("auth.logout", role) and role != "anonymous":
                continue  # signing out would end the session the next cases need; covered below
            db.session.remove()  # the session's own savepoint must sit inside ours, not around it
            savepoint = connection.begin_nested()
            try:
                response = clients[role].open(url, method=method, data={})
                response.close()  # a file sent as it is (static, PDF) stays open until then
            finally:
                db.session.remove()
                savepoint.rollback()
            if reached(response) != (role in allowed(state)):
                wrong.append(f"{method} {url} as {role}: {response.status_code}")
    assert wrong == []


def test_signing_out_needs_a_session(client, login_as, make_user):
    assert "/login" in client.post("/logout").location
    login_as(make_user())
    assert client.post("/logout").status_code == 302
    assert "/login" in client.get("/account/password").location
