"""The silence procedure: a draft becomes the final text unless a participant breaks the silence by its end."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from drafting.domain import draft_editing, final_text, silence
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, AuditEvent, DeclarationState, ParticipantRole, Silence, UserRole


def later(**delta) -> str:
    """A moment from now, as the browser's datetime-local field sends it (the drafter's zone is UTC here)."""
    return (datetime.now(timezone.utc) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def consultation(app, make_declaration, make_organization, make_user, circulate):
    """Draft 1 of a declaration of three clauses, circulated to Seoul and Bangkok; Jakarta observes."""
    declaration = make_declaration(clauses=3)
    cities = {name: make_organization(name, country) for name, country in
              [("Seoul", "KR"), ("Bangkok", "TH"), ("Jakarta", "ID")]}
    invite(declaration, cities["Seoul"], ParticipantRole.participant)
    invite(declaration, cities["Bangkok"], ParticipantRole.participant)
    invite(declaration, cities["Jakarta"], ParticipantRole.observer)
    drafter = make_user(organization=declaration.host, email="aiko@tokyo.example.org", name="Aiko Tanaka")
    draft = circulate(declaration, by=drafter)
    delegates = {name: make_user(role=UserRole.delegate, organization=city, email=f"{name.lower()}@example.org",
                                 name=f"Delegate of {name}")
                 for name, city in cities.items()}
    return {"declaration": declaration, "draft": draft, "drafter": drafter, "cities": cities, **delegates}


def start(client, login_as, consultation, ends=None, answers=None):
    login_as(consultation["drafter"])
    return client.post(f"/declarations/{consultation['declaration'].id}/silence", data={
        "silence-ends": later(days=3) if ends is None else ends,
        "silence-answer_deadline": in_days(10) if answers is None else answers,
    })


def break_it(client, login_as, consultation, who="Seoul", clauses=(2,), reason="Clause 2 binds our budget."):
    login_as(consultation[who])
    return client.post(f"/declarations/{consultation['declaration'].id}/silence/break",
                       data={"silence-clauses": [str(number) for number in clauses], "silence-reason": reason},
                       follow_redirects=True)


def silences() -> int:
    return db.session.scalar(select(func.count()).select_from(Silence))


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def end_now(declaration) -> None:
    """Move the silence's end into the past, as the clock would."""
    running = silence.latest(declaration)
    running.ends_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    db.session.commit()


def test_the_host_puts_the_current_draft_under_silence_and_the_audit_trail_says_so(client, login_as, consultation):
    response = start(client, login_as, consultation)
    assert response.status_code == 302 and response.location.endswith("#silence")
    page = client.get(response.location).get_data(as_text=True)
    assert "Draft 1 is under silence until" in page and "Put Draft 1 under silence" not in page
    [started] = events("silence started")
    assert started.detail["version"] == "Draft 1" and started.actor_id == consultation["drafter"].id
    login_as(consultation["Seoul"])
    review = client.get(f"/declarations/{consultation['declaration'].id}/versions/1").get_data(as_text=True)
    assert "Break the silence" in review and 'name="silence-clauses" value="2"' in review


@pytest.mark.parametrize("ends, answers, message", [
    (later(hours=-1), in_days(10), "The silence must end after now."),
    (later(days=3), in_days(2), "The deadline for answers must be a day after the silence ends."),
    ("", in_days(10), "Give the moment the silence ends."),
    ("tomorrow", in_days(10), "Give the moment the silence ends."),
])
def test_a_silence_ending_before_now_or_after_the_answer_deadline_is_refused(
    client, login_as, consultation, ends, answers, message
):
    response = start(client, login_as, consultation, ends=ends, answers=answers)
    page = client.get(response.location).get_data(as_text=True)
    field = "silence-answer_deadline" if "answers" in message else "silence-ends"
    assert f'<ul class="errors" id="{field}-errors">' in page and message in page
    assert f'value="{ends}"' in page or not ends
    assert silences() == 0 and events("silence started") == []


def test_only_the_host_drafters_put_a_draft_under_silence(client, login_as, consultation):
    login_as(consultation["Seoul"])
    response = client.post(f"/declarations/{consultation['declaration'].id}/silence", data={
        "silence-ends": later(days=3), "silence-answer_deadline": in_days(10)})
    assert response.status_code == 403 and silences() == 0


def test_a_second_silence_on_a_draft_under_silence_is_refused(client, login_as, consultation):
    start(client, login_as, consultation)
    response = start(client, login_as, consultation)
    assert "Draft 1 is under silence already." in client.get(response.location).get_data(as_text=True)
    assert silences() == 1


def test_a_participant_breaks_the_silence_and_the_host_is_told_at_once_who_and_why(
    client, login_as, consultation, outbox
):
    start(client, login_as, consultation)
    page = break_it(client, login_as, consultation, clauses=(2, 3)).get_data(as_text=True)
    assert "You broke the silence for Seoul; the host is told." in page
    assert "Break the silence</button>" not in page

    [told] = [message for message in outbox() if message["To"] == "aiko@tokyo.example.org"]
    assert told["Subject"] == "Tokyo Declaration: Seoul broke the silence on Draft 1"
    text = told.get_body(("plain",)).get_content()
    assert "Delegate of Seoul of Seoul broke the silence on Draft 1" in text
    assert "clauses 2, 3" in text and "Clause 2 binds our budget." in text

    login_as(consultation["drafter"])
    editor = client.get(f"/declarations/{consultation['declaration'].id}").get_data(as_text=True)
    assert "<strong>Seoul</strong> broke the silence on Draft 1" in editor
    assert "Delegate of Seoul" in editor and "Clause 2 binds our budget." in editor
    # The draft stays in consultation, and the host may circulate a new draft, or put this one under silence again.
    assert consultation["declaration"].state is DeclarationState.consultation
    assert "Put Draft 1 under silence" in editor
    [broken] = events("silence broken")
    assert broken.actor_id == consultation["Seoul"].id
    assert broken.detail == {"version": "Draft 1", "organization": "Seoul", "clauses": [2, 3],
                                  "reason": "Clause 2 binds our budget."}
    # Closing later finds nothing to close: the broken silence never becomes the final text.
    end_now(consultation["declaration"])
    assert silence.close_due() == []
    assert consultation["declaration"].state is DeclarationState.consultation


@pytest.mark.parametrize("clauses, reason, message", [
    ((), "Clause 2 binds our budget.", "Name at least one clause that you object to."),
    ((2,), "   ", "Say why your organization breaks the silence: the host reads it."),
    ((7,), "Clause 7 binds our budget.", "Draft 1 has no such clause."),
])
def test_a_break_naming_no_clause_or_no_reason_is_refused_and_nothing_is_stored(
    client, login_as, consultation, clauses, reason, message
):
    start(client, login_as, consultation)
    page = break_it(client, login_as, consultation, clauses=clauses, reason=reason).get_data(as_text=True)
    # The form comes back as it was sent, the message at the field at fault.
    field = "silence-reason" if "Say why" in message else "silence-clauses"
    assert f'<ul class="errors" id="{field}-errors"' in page and message in page and 'aria-invalid="true"' in page
    assert "Break the silence</button>" in page and reason.strip() in page
    assert all(f'value="{number}" id="silence-clause-{number}" checked' in page for number in clauses if number <= 3)
    assert silence.latest(consultation["declaration"]).running and events("silence broken") == []


def test_a_break_after_the_silence_ended_is_refused_with_a_clear_message(client, login_as, consultation, outbox):
    start(client, login_as, consultation)
    end_now(consultation["declaration"])
    page = break_it(client, login_as, consultation).get_data(as_text=True)
    assert "it can no longer be broken, and nothing was recorded." in page
    assert "its text becomes the final text within minutes" in page
    assert silence.latest(consultation["declaration"]).running and events("silence broken") == [] and outbox() == []


@pytest.mark.parametrize("who, status, message", [
    ("Jakarta", 200, "Only the delegates of participants break the silence; observers comment."),
    ("without mandate", 404, None),  # the draft is not theirs to read: the rule asks for a mandate
    ("drafter", 200, "The host does not break its own silence"),
    ("stranger", 404, None),
    ("of another declaration", 404, None),
])
def test_only_a_participant_s_delegate_breaks_the_silence(
    client, login_as, consultation, make_user, make_declaration, who, status, message
):
    start(client, login_as, consultation)
    if who == "without mandate":
        consultation[who] = make_user(role=UserRole.delegate, organization=consultation["cities"]["Bangkok"],
                                      mandate=False)
    elif who == "stranger":
        consultation[who] = make_user(role=UserRole.delegate)
    elif who == "of another declaration":
        other = make_declaration()
        invite(other, consultation["cities"]["Seoul"], ParticipantRole.participant)
        consultation[who] = make_user(role=UserRole.delegate)
        invite(other, consultation[who].organization, ParticipantRole.participant)
        db.session.commit()
    response = break_it(client, login_as, consultation, who=who)
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    assert silence.latest(consultation["declaration"]).running and events("silence broken") == []


def test_the_domain_refuses_a_delegate_without_mandate_and_names_whom_to_ask(client, login_as, consultation, make_user):
    start(client, login_as, consultation)
    unconfirmed = make_user(role=UserRole.delegate, organization=consultation["cities"]["Bangkok"], mandate=False)
    with pytest.raises(silence.SilenceRefused, match="Bangkok has not confirmed you as its delegate"):
        silence.break_silence(consultation["declaration"], unconfirmed, [2], "We object.")
    assert events("silence broken") == []


def test_an_unbroken_silence_becomes_the_final_text_word_for_word_once(
    app, runner, client, login_as, consultation, outbox, monkeypatch
):
    monkeypatch.setitem(app.config, "SERVER_NAME", "drafting.example.org")
    declaration, draft = consultation["declaration"], consultation["draft"]
    start(client, login_as, consultation)
    # The working draft changes after the silence began: the final text is still Draft 1's.
    clause = declaration.clauses[0]
    draft_editing.update_clause(clause, clause.lock_version, clause.heading, "Changed while under silence.")
    db.session.commit()
    end_now(declaration)

    def close():
        with app.app_context():
            done = runner.invoke(args=["silence", "close"])
        assert done.exit_code == 0, done.output
        return done.output

    assert "Silences ended without objection: 1." in close()
    db.session.expire_all()
    final = declaration.versions[-1]
    assert (final.label, final.is_final, declaration.state) == ("Final", True, DeclarationState.affirmation)
    assert final.fingerprint == draft.fingerprint and "Changed while under silence." not in final.canonical_text
    assert final.deadline is not None
    assert {key: a.answer for key, a in final_text.live_answers(final).items()} == {declaration.host_id: Answer.affirmed}
    asked = sorted(message["To"] for message in outbox())
    assert asked == ["bangkok@example.org", "jakarta@example.org", "seoul@example.org"]
    assert "drafting.example.org" in outbox()[0].get_body(("plain",)).get_content()
    [ended] = events("silence ended")
    assert ended.detail["outcome"] == "without objection" and ended.detail["final_fingerprint"] == draft.fingerprint
    assert events("propose final")[-1].detail["after_silence_on"] == "Draft 1"

    # Run again (cron every few minutes): nothing more happens.
    assert "Silences ended without objection: 0." in close()
    db.session.expire_all()
    assert len(declaration.versions) == 2 and len(events("silence ended")) == 1 and len(outbox()) == 3

    login_as(consultation["drafter"])
    editor = client.get(f"/declarations/{declaration.id}").get_data(as_text=True)
    assert "The silence on Draft 1 ended at" in editor and "its text is the final text" in editor


def test_closing_needs_the_site_s_name_for_the_links_of_its_e_mails(runner, consultation):
    done = runner.invoke(args=["silence", "close"])
    assert done.exit_code != 0 and "SERVER_NAME" in done.output


def test_a_silence_lapses_when_a_new_draft_is_circulated(client, login_as, consultation, circulate):
    start(client, login_as, consultation)
    circulate(consultation["declaration"], by=consultation["drafter"])
    page = client.get(f"/declarations/{consultation['declaration'].id}").get_data(as_text=True)
    assert "The silence on Draft 1 lapsed" in page and 'class="flash">Draft 1 is under silence' not in page
    end_now(consultation["declaration"])
    assert silence.close_due() == []
    db.session.commit()
    assert [event.detail["version"] for event in events("silence lapsed")] == ["Draft 1"]
    assert consultation["declaration"].state is DeclarationState.consultation
    login_as(consultation["drafter"])
    assert "Put Draft 2 under silence" in client.get(f"/declarations/{consultation['declaration'].id}").get_data(as_text=True)


def test_a_japanese_declaration_s_host_is_told_of_the_break_in_japanese(client, login_as, consultation, outbox):
    consultation["declaration"].language = "ja"
    db.session.commit()
    start(client, login_as, consultation)
    break_it(client, login_as, consultation)
    [told] = [message for message in outbox() if message["To"] == "aiko@tokyo.example.org"]
    assert "のサイレンスを破りました" in told["Subject"]
    text = told.get_body(("plain",)).get_content()
    assert "第2項を挙げてサイレンスを破りました" in text and "Clause 2 binds our budget." in text


def test_the_end_is_read_in_the_drafter_s_time_zone_and_kept_in_utc(client, login_as, consultation):
    consultation["drafter"].time_zone = "Asia/Tokyo"
    db.session.commit()
    tokyo_wall_clock = (datetime.now(timezone.utc) + timedelta(days=3)).astimezone(ZoneInfo("Asia/Tokyo"))
    start(client, login_as, consultation, ends=tokyo_wall_clock.strftime("%Y-%m-%dT%H:%M"))
    [started] = events("silence started")
    assert datetime.fromisoformat(started.detail["ends_at"]) == tokyo_wall_clock.replace(second=0, microsecond=0)
    assert started.detail["ends_at"].endswith("+00:00")
    editor = client.get(f"/declarations/{consultation['declaration'].id}").get_data(as_text=True)
    assert f"Draft 1 is under silence until {tokyo_wall_clock:%H:%M}" in editor and "Japan Standard Time" in editor


def test_a_silence_whose_drafter_left_lapses(client, login_as, consultation):
    start(client, login_as, consultation)
    consultation["drafter"].active = False
    db.session.commit()
    end_now(consultation["declaration"])
    assert silence.close_due() == []
    [lapsed] = events("silence lapsed")
    assert lapsed.detail["reason"] == "Aiko Tanaka no longer drafts for the host"
    assert consultation["declaration"].state is DeclarationState.consultation
