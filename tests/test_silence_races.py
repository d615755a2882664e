"""Races the declaration's row lock settles in the silence procedure: two closings at once (cron on two
servers, or a run that outlasts its interval) and a break made while the silence is being closed.
Each ends the silence one way only. The threads have connections of their own, as in test_races.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from drafting.domain import silence
from drafting.domain.circulation import circulate
from drafting.domain.clock import utcnow
from drafting.domain.draft_editing import add_clause, create_declaration
from drafting.domain.people.accounts import create_user
from drafting.domain.people.mandates import mandate_from_the_operator
from drafting.domain.people.participants import invite
from drafting.extensions import db as _db
from drafting.models import AuditEvent, Declaration, ParticipantRole, Silence, UserRole, Version
from tests.conftest import PASSWORD
from tests.test_concurrency import at_once, db, live_app, organization, signed_in_client  # noqa: F401

ROUNDS = 3


def under_silence(app, number: int) -> dict:
    """Make a declaration whose Draft 1 is under silence for a week; return its id and its delegate's e-mail."""
    with app.app_context():
        host, seoul = organization(f"Host {number}", "JP"), organization(f"Seoul {number}", "KR")
        drafter = create_user(f"drafter{number}@host.example.org", "Drafter", PASSWORD, UserRole.drafter, host)
        delegate = create_user(f"delegate{number}@seoul.example.org", "Delegate", PASSWORD, UserRole.delegate, seoul)
        mandate_from_the_operator(delegate, utcnow())
        declaration = create_declaration(host, drafter, title=f"Declaration {number}", meeting_name="Meeting",
                                         place="Tokyo", starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 2))
        add_clause(declaration, None, "We will work together.")
        invite(declaration, seoul, ParticipantRole.participant)
        circulate(declaration, drafter, date.today() + timedelta(days=7), date.today())
        silence.start(declaration, drafter, utcnow() + timedelta(days=7), date.today() + timedelta(days=21))
        _db.session.commit()
        return {"declaration": declaration.id, "delegate": delegate.email}


def close_after_the_end(app):
    """Close as the cron job does, at a moment after every silence's end."""
    def close():
        with app.app_context():
            closed = silence.close_due(utcnow() + timedelta(days=8))
            _db.session.commit()
            return len(closed)
    return close


def outcome(app, declaration_id: int) -> tuple[int, int, int, bool]:
    """Return the declaration's final versions, 'silence ended' and 'silence broken' events, and whether it was broken."""
    with app.app_context():
        finals = _db.session.scalar(select(func.count()).select_from(Version).where(
            Version.declaration_id == declaration_id, Version.is_final))
        events = {action: _db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.declaration_id == declaration_id, AuditEvent.action == action))
            for action in ("silence ended", "silence broken")}
        broken = _db.session.scalar(select(Silence.broken_at).where(Silence.declaration_id == declaration_id))
        _db.session.remove()
        return finals, events["silence ended"], events["silence broken"], broken is not None


def test_two_closings_at_once_make_one_final_text(live_app):
    for number in range(ROUNDS):
        case = under_silence(live_app, number)
        counts = at_once(close_after_the_end(live_app), close_after_the_end(live_app))
        assert sorted(counts) == [0, 1]
        assert outcome(live_app, case["declaration"]) == (1, 1, 0, False)


def test_a_break_made_while_the_silence_closes_either_wins_or_is_refused(live_app):
    for number in range(ROUNDS):
        case = under_silence(live_app, 100 + number)
        client = signed_in_client(live_app, case["delegate"])
        url = f"/declarations/{case['declaration']}/silence/break"

        def break_it():
            return client.post(url, data={"silence-clauses": ["1"], "silence-reason": "We object."})

        response, closed = at_once(break_it, close_after_the_end(live_app))
        assert response.status_code == 302
        finals, ended, broken_events, broken = outcome(live_app, case["declaration"])
        # One of the two ended the silence; the other changed nothing.
        assert (finals, ended, broken_events) == ((0, 0, 1) if broken else (1, 1, 0))
        assert closed == (0 if broken else 1)
        with live_app.app_context():
            assert _db.session.get(Declaration, case["declaration"]).state.value == (
                "consultation" if broken else "affirmation")
            _db.session.remove()
