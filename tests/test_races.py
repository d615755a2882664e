"""Races the locks settle: two requests at once, each in a thread with a connection of its own.

On PostgreSQL, two writers of the audit chain (on two declarations) would both follow the same last
event without its advisory lock, and two drafters would both decide one amendment without its row
lock: the lock makes the second wait, then see the first. Two copies of one form sent at once
(drafting.web.submitted_once) would both create what it creates without the unique form key. SQLite cannot show either race, since it
lets one writer in at a time; what it can show is the second writer failing ("database is locked",
503) instead of waiting, which BEGIN IMMEDIATE prevents. The tests run on the suite's engine, so
they pin the locks in the PostgreSQL pass of `make test` (skipped where no server answers) and the
waiting in the SQLite pass.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from drafting.domain.clock import utcnow
from drafting.domain.circulation import circulate
from drafting.domain.consultation import add_comment
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db as _db
from drafting.models import AuditEvent, Clause, Comment, ParticipantRole, UserRole
from tests.conftest import PASSWORD
from tests.test_submitted_once import key_in_form
# The fixtures of the sign-off races: a database of this test's own, and `db.session` left to each thread.
from tests.test_concurrency import at_once, db, live_app, organization, signed_in_client  # noqa: F401

ROUNDS = 5


def declaration_in_consultation(app, number: int) -> dict:
    """Make a declaration of its own host, Draft 1 circulated, on which a Seoul delegate proposes an amendment;
    return ids and the e-mail addresses of two host drafters."""
    with app.app_context():
        host, seoul = organization(f"Host {number}", "JP"), organization(f"Seoul {number}", "KR")
        drafters = [create_user(f"drafter{number}-{i}@host.example.org", f"Drafter {i}", PASSWORD, UserRole.drafter,
                                host) for i in (1, 2)]
        delegate = create_user(f"delegate{number}@seoul.example.org", "Delegate", PASSWORD, UserRole.delegate, seoul)
        mandate_from_the_operator(delegate, utcnow())
        declaration = create_declaration(host, drafters[0], title=f"Declaration {number}", meeting_name="Meeting",
                                         place="Tokyo", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2))
        add_clause(declaration, None, "We will work together.")
        invite(declaration, seoul, ParticipantRole.participant)
        version = circulate(declaration, drafters[0], date.today() + timedelta(days=7), date.today())
        amendment = add_comment(version, 1, delegate, "Name the year.", "We will work together until 2030.", "A year.")
        _db.session.commit()
        return {"declaration": declaration.id, "amendment": amendment.id, "drafters": [d.email for d in drafters]}


def audit_verify(app) -> tuple[int, str]:
    """Run `flask audit verify` as an operator would; return its exit code and what it printed."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_two_declarations_changing_state_at_once_keep_one_unforked_audit_chain(live_app):
    cases = [declaration_in_consultation(live_app, number) for number in range(2 * ROUNDS)]
    deadline = (date.today() + timedelta(days=7)).isoformat()
    for first, second in zip(cases[::2], cases[1::2]):
        drafters = [signed_in_client(live_app, case["drafters"][0]) for case in (first, second)]
        responses = at_once(*[
            lambda drafter=drafter, case=case: drafter.post(f"/declarations/{case['declaration']}/final",
                                                            data={"affirmation_deadline": deadline})
            for drafter, case in zip(drafters, (first, second))
        ])
        assert [r.status_code for r in responses] == [302, 302]
    with live_app.app_context():
        events = _db.session.scalar(select(func.count()).select_from(AuditEvent))
        followed = _db.session.scalar(select(func.count(func.distinct(AuditEvent.previous_hash))))
        assert followed == events, "two events follow the same one: the chain forked"
    assert audit_verify(live_app) == (0, f"The audit chain is intact: {events} events.\n")


def test_two_drafters_deciding_one_amendment_at_once_one_wins_and_the_other_is_told(live_app):
    for number in range(ROUNDS):
        case = declaration_in_consultation(live_app, number)
        drafters = [signed_in_client(live_app, email) for email in case["drafters"]]
        url = f"/declarations/{case['declaration']}/comments/{case['amendment']}/decision"
        reasons = ["Drafter 1 rejects it: the year is set elsewhere.", "Drafter 2 rejects it: too late."]
        responses = at_once(*[
            lambda drafter=drafter, reason=reason: drafter.post(url, data={"decision": "rejected", "reason": reason})
            for drafter, reason in zip(drafters, reasons)
        ])
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [302, 409], statuses
        refused = next(r for r in responses if r.status_code == 409)
        assert "This amendment is withdrawn or decided already." in refused.get_data(as_text=True)
        winner = reasons[[r.status_code for r in responses].index(302)]
        with live_app.app_context():
            amendment = _db.session.get(Comment, case["amendment"])
            assert (amendment.decision.value, amendment.decision_reason) == ("rejected", winner)
            decided = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "decide amendment")).all()
            assert [event.detail["comment"] for event in decided].count(case["amendment"]) == 1
    assert audit_verify(live_app)[0] == 0


def test_two_copies_of_one_form_sent_at_once_add_one_clause(live_app):
    with live_app.app_context():
        host = organization("Yokohama", "JP")
        create_user("drafter@yokohama.example.org", "Drafter", PASSWORD, UserRole.drafter, host)
        declaration = create_declaration(host, None, title="Yokohama Declaration", meeting_name="Conference",
                                         place="Yokohama", starts_on=date(2024, 10, 16), ends_on=date(2024, 10, 18))
        _db.session.commit()
        editor = f"/declarations/{declaration.id}"
    url = f"{editor}/clauses"
    client = signed_in_client(live_app, "drafter@yokohama.example.org")
    page = client.get(editor).get_data(as_text=True)
    key = key_in_form(page, url)
    tabs = [signed_in_client(live_app, "drafter@yokohama.example.org") for _ in range(2)]
    responses = at_once(*[lambda tab=tab: tab.post(url, data={"body": "Once.", "submission": key}) for tab in tabs])
    assert sorted(response.status_code for response in responses) == [302, 302]
    with live_app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(Clause)) == 1
