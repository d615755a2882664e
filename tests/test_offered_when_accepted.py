"""A page offers a form or button exactly when posting it would be accepted, and exactly to whom the rules say.

For each decision, each kind of user and each workflow state (with the deadline open or passed),
the page that carries the decision's form is read, then the form is posted with good input. The
form must be on the page if and only if the post is accepted, and both must agree with EXPECTED.
Page and domain ask one predicate of drafting.domain.permissions: this table catches a page that offers
what the domain refuses, and a predicate that lost a check (a state, a deadline, a role).
Requests run in a savepoint that is rolled back, as in test_access.
"""

from datetime import date, datetime, timedelta, timezone

import pytest

from drafting.domain import final_text, signoff
from drafting.models import Declaration, DeclarationState
from tests.conftest import ADOPTED_IN_SESSION, PASSWORD
from tests.test_access import scene  # noqa: F401 (the fixture both tables build on)

S = DeclarationState
USERS = ["anonymous", "outsider", "participant", "observer", "host", "co-host", "administrator"]
# Each workflow state, and the two whose deadline matters once it has passed.
MOMENTS = [(S.drafting, False), (S.consultation, False), (S.consultation, True), (S.affirmation, False),
           (S.affirmation, True), (S.adopted, False), (S.withdrawn, False)]
IN_A_WEEK = (date.today() + timedelta(days=7)).isoformat()

# decision -> (page, what on the page offers it, where it posts, what it posts). `{d}` is the
# declaration, `{n}` its latest version, `{c}` the participant's amendment on Draft 1, `{p}` and
# `{o}` the participant Seoul and its organization.
DECISIONS = {
    "comment": ("/declarations/{d}/versions/{n}", 'action="/declarations/{d}/versions/{n}/comments"',
                "/declarations/{d}/versions/{n}/comments", {"clause_number": 1, "kind": "comment", "body": "A remark."}),
    "reply in the review": ("/declarations/{d}/versions/1", 'action="/declarations/{d}/threads/{c}/replies"',
                            "/declarations/{d}/threads/{c}/replies", {"body": "A reply."}),
    "withdraw a comment": ("/declarations/{d}/versions/1", 'action="/declarations/{d}/threads/{c}/withdraw"',
                           "/declarations/{d}/threads/{c}/withdraw", {}),
    "reply at the desk": ("/declarations/{d}/comments", 'action="/declarations/{d}/comments/{c}/reply"',
                          "/declarations/{d}/comments/{c}/reply", {"body": "Noted."}),
    "mark addressed": ("/declarations/{d}/comments", 'action="/declarations/{d}/comments/{c}/addressed"',
                       "/declarations/{d}/comments/{c}/addressed", {}),
    "decide an amendment": ("/declarations/{d}/comments", 'action="/declarations/{d}/comments/{c}/decision"',
                            "/declarations/{d}/comments/{c}/decision", {"decision": "rejected", "reason": "Not now."}),
    "answer": ("/declarations/{d}/affirmation", 'name="authorised"',
               "/declarations/{d}/affirmation", {"answer": "affirmed", "authorised": "y"}),
    "circulate": ("/declarations/{d}", 'action="/declarations/{d}/circulate"',
                  "/declarations/{d}/circulate", {"comment_deadline": IN_A_WEEK}),
    "propose final": ("/declarations/{d}", 'action="/declarations/{d}/final"',
                      "/declarations/{d}/final", {"affirmation_deadline": IN_A_WEEK}),
    "withdraw the declaration": ("/declarations/{d}", 'action="/declarations/{d}/withdraw"',
                                 "/declarations/{d}/withdraw", {"reason": "The meeting was cancelled."}),
    "reopen": ("/declarations/{d}/tracker", 'action="/declarations/{d}/reopen"',
               "/declarations/{d}/reopen", {"reason": "One more change."}),
    "adopt": ("/declarations/{d}/adopt", 'action="/declarations/{d}/adopt"', "/declarations/{d}/adopt",
              {"answers_seen": "{s}", "without_missing_answers": "y", "reason": ADOPTED_IN_SESSION}),
    "invite a delegate": ("/declarations/{d}/delegates", 'name="email"',
                          "/declarations/{d}/delegates", {"organization_id": "{o}", "email": "new.one@example.org"}),
    "remove a participant": ("/declarations/{d}", 'action="/declarations/{d}/participants/{p}/remove"',
                             "/declarations/{d}/participants/{p}/remove", {}),
    "change a participant's role": ("/declarations/{d}", 'action="/declarations/{d}/participants/{p}/role"',
                                    "/declarations/{d}/participants/{p}/role", {"role": "observer"}),
}


HOSTS = {"host", "co-host"}
CONSULTATION = {(S.consultation, False), (S.consultation, True)}
# decision -> who may take it, in which moments; everyone else, and every other moment, is refused.
EXPECTED = {
    "comment": {(S.consultation, False): {"participant", "observer"}},
    # The host goes on answering after the deadline; the delegates have had their say.
    "reply in the review": {(S.consultation, False): HOSTS | {"participant"}, (S.consultation, True): HOSTS},
    "withdraw a comment": dict.fromkeys(CONSULTATION, {"participant"}),
    "reply at the desk": dict.fromkeys(CONSULTATION, HOSTS),
    "mark addressed": dict.fromkeys(CONSULTATION, HOSTS),
    "decide an amendment": dict.fromkeys(CONSULTATION, HOSTS),
    # The drafters of the host and co-host answer for their own organization: proposing answers only for the proposer's.
    "answer": {(S.affirmation, False): HOSTS | {"participant"}},
    "circulate": dict.fromkeys([(S.drafting, False), *CONSULTATION], HOSTS),
    "propose final": dict.fromkeys(CONSULTATION, HOSTS),
    "withdraw the declaration": dict.fromkeys(MOMENTS[:5], HOSTS | {"administrator"}),
    "reopen": dict.fromkeys([(S.affirmation, False), (S.affirmation, True)], HOSTS),
    "adopt": dict.fromkeys([(S.affirmation, False), (S.affirmation, True)], HOSTS),
    "invite a delegate": dict.fromkeys(MOMENTS[:5], HOSTS),
    "remove a participant": dict.fromkeys([(S.drafting, False), *CONSULTATION], HOSTS),
    "change a participant's role": dict.fromkeys([(S.drafting, False), *CONSULTATION], HOSTS),
}


def answers_seen(declaration) -> str:
    """Return what the adoption page sends of the answers it shows, where there is a final text to adopt."""
    return signoff.adoption_outlook(declaration).answers_seen if final_text.final_version(declaration) else ""


def accepted(client, response) -> bool:
    """Tell whether a post was accepted: it moved on, to somewhere other than the sign-in page, saying no error."""
    if response.status_code not in (302, 303) or "/login" in response.location:
        return False
    with client.session_transaction() as session:
        return not any(category == "error" for category, _ in session.get("_flashes", []))


@pytest.mark.parametrize("state, late", MOMENTS, ids=lambda value: getattr(value, "value", "late" if value else ""))
def test_a_form_is_offered_exactly_when_it_is_accepted(app, db, scene, state, late):
    users, ids = scene(state)
    declaration_id = ids["declaration_id"]
    if late:
        declaration = db.session.get(Declaration, declaration_id)
        declaration.versions[-1].deadline = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    names = {"d": declaration_id, "n": ids["latest"], "c": ids["comment_id"], "p": ids["participant_id"],
             "o": ids["organization_id"], "s": answers_seen(db.session.get(Declaration, declaration_id))}
    connection = db.session.get_bind()
    clients = {"anonymous": app.test_client()}
    for who, user in users.items():
        clients[who] = app.test_client()
        assert clients[who].post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302

    def isolated(request):
        db.session.remove()  # the session's own savepoint must sit inside ours, not around it
        savepoint = connection.begin_nested()
        try:
            return request()
        finally:
            db.session.remove()
            savepoint.rollback()

    wrong = []
    for decision, (page, marker, action, data) in DECISIONS.items():
        page, marker, action = (text.format(**names) for text in (page, marker, action))
        data = {key: str(value).format(**names) for key, value in data.items()}
        for who in USERS:
            client = clients[who]
            with client.session_transaction() as session:
                session.pop("_flashes", None)
            shown = isolated(lambda: client.get(page))
            offered = shown.status_code == 200 and marker in shown.get_data(as_text=True)
            with client.session_transaction() as session:
                session.pop("_flashes", None)
            taken = accepted(client, isolated(lambda: client.post(action, data=data)))
            expected = who in EXPECTED[decision].get((state, late), set())
            if not offered == taken == expected:
                wrong.append(f"{decision} as {who}: {'offered' if offered else 'not offered'}, "
                             f"{'accepted' if taken else 'refused'}, expected {'both' if expected else 'neither'}")
    assert wrong == []


@pytest.mark.parametrize("state", [S.affirmation, S.adopted], ids=lambda s: s.value)
def test_a_refused_reply_always_says_why(client, login_as, scene, state):
    """Outside consultation a delegate's reply is refused; the page that says so must say why."""
    users, ids = scene(state)
    login_as(users["participant"])
    response = client.post(f"/declarations/{ids['declaration_id']}/threads/{ids['comment_id']}/replies",
                           data={"body": "One more thing."})
    assert response.status_code == 422
    assert f"Comments are closed: the declaration is in {state.value}." in response.get_data(as_text=True)
