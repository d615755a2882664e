"""The audit trail's chain: every hashed column, its end, a rebuilt chain, the heads that adopted PDFs print."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from drafting.domain import audit, signoff
from drafting.extensions import db as _db
from drafting.models import Answer, AuditAnchor, AuditEvent, AuditHead, DeclarationState
from drafting.rendering import stored_pdfs as pdf_files
# The fixtures adopt and unpublished are shared with the archive's tests.
from tests.test_archive import adopt, unpublished
from tests.test_pdf import pages_text
from tests.test_verify import upload


@pytest.fixture
def trail(adopt, unpublished, make_declaration, make_user):
    """Adopt Tokyo (five events, its participant's invitation first), then take two other declarations on
    (three events after the adoption)."""
    tokyo = adopt(title="Tokyo Declaration", answers={"Seoul/KR": Answer.affirmed})
    unpublished(DeclarationState.affirmation, title="Seoul Declaration")
    unpublished(DeclarationState.consultation, title="Bangkok Declaration")
    events = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["participant invited", "circulate", "propose final", "answer", "adopt",
                                          "circulate", "propose final", "circulate"]
    return {"tokyo": tokyo, "events": events, "other declaration": make_declaration(title="Other"),
            "other user": make_user()}


def verify_command(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


# Each column an event's hash covers, and a different value for it in the "propose final" event.
HASHED_COLUMNS = {
    "declaration_id": lambda trail, event: trail["other declaration"].id,
    "actor_id": lambda trail, event: trail["other user"].id,
    "action": lambda trail, event: "withdraw",
    "from_state": lambda trail, event: "drafting",
    "to_state": lambda trail, event: "withdrawn",
    "detail": lambda trail, event: {**event.detail, "version": "Draft 9"},
    "created_at": lambda trail, event: event.created_at + timedelta(seconds=1),
    "previous_hash": lambda trail, event: "f" * 64,
    "hash": lambda trail, event: "e" * 64,
}


def test_every_column_of_an_event_but_its_id_is_covered_by_a_tamper_test():
    assert set(HASHED_COLUMNS) == set(AuditEvent.__table__.columns.keys()) - {"id"}


@pytest.mark.parametrize("column", HASHED_COLUMNS)
def test_a_change_of_any_hashed_column_in_the_database_is_named(trail, runner, column):
    assert verify_command(runner) == (0, "The audit chain is intact: 8 events.\n")
    event = trail["events"][2]
    value = HASHED_COLUMNS[column](trail, event)
    _db.session.execute(update(AuditEvent.__table__).where(AuditEvent.id == event.id).values({column: value}))
    code, output = verify_command(runner)
    assert code == 1 and f"The audit chain is broken at event {event.id} (" in output, output


@pytest.mark.parametrize("cut", [1, 5])
def test_cutting_the_end_of_the_chain_is_found(trail, runner, cut):
    last = [event.id for event in trail["events"][-cut:]]
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_(last)))
    code, output = verify_command(runner)
    assert code == 1 and "events were removed from its end" in output, output


def rebuild(position):
    """Change the event at a position as someone who writes the tables would, and recompute every hash with the public function."""
    events = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    events[position].detail = {**events[position].detail, "forged": True}
    previous = audit.GENESIS
    for event in events:
        event.previous_hash = previous
        event.hash = previous = audit.event_hash(event)
    _db.session.flush()
    return events


def test_a_chain_rebuilt_after_the_last_adoption_does_not_end_at_its_sealed_head(trail, runner):
    rebuild(5)
    code, output = verify_command(runner)
    assert code == 1 and "but its sealed head says 8 ending in" in output and "the chain was rebuilt" in output, output


def test_a_head_rewritten_without_the_key_is_found(trail, runner):
    events = rebuild(5)
    # Without the key, the head can be made to match in every column but its seal.
    _db.session.execute(update(AuditHead).values(hash=events[-1].hash))
    code, output = verify_command(runner)
    assert code == 1 and "its head was not sealed with this installation's AUDIT_KEY" in output, output


def test_nothing_is_appended_to_a_head_rewritten_without_the_key(trail, runner):
    events = trail["events"]
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[-1].id))
    _db.session.execute(update(AuditHead).values(events=7, hash=events[-2].hash))  # under the old seal
    # The next event would seal the forged head anew: the application refuses to record it instead.
    with pytest.raises(audit.UnsealedHead):
        audit.record("test")
    code, output = verify_command(runner)
    assert code == 1 and "its head was not sealed with this installation's AUDIT_KEY" in output, output


NEW_KEY = "the new audit key of this installation, 48 characters"


def seal_command(runner, previous_key):
    return runner.invoke(args=["audit", "seal"], input=previous_key + "\n")


def test_after_a_change_of_key_the_seal_command_seals_the_head_again(trail, runner, app, monkeypatch):
    previous_key = app.config["AUDIT_KEY"]
    monkeypatch.setitem(app.config, "AUDIT_KEY", NEW_KEY)
    code, output = verify_command(runner)
    assert code == 1 and "AUDIT_KEY is not the key this database was sealed with" in output, output
    sealed = seal_command(runner, previous_key)
    assert sealed.exit_code == 0 and "sealed with the present AUDIT_KEY: 8 events" in sealed.output, sealed.output
    assert verify_command(runner) == (0, "The audit chain is intact: 8 events.\n")


def test_the_seal_command_does_not_bless_a_cut_chain(trail, runner, app, monkeypatch):
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id == trail["events"][-1].id))
    previous_key = app.config["AUDIT_KEY"]
    monkeypatch.setitem(app.config, "AUDIT_KEY", NEW_KEY)
    refused = seal_command(runner, previous_key)
    assert refused.exit_code == 1 and "Nothing sealed" in refused.output and "removed from its end" in refused.output
    assert verify_command(runner)[0] == 1


@pytest.mark.parametrize("given_key", ["the new key", "a wrong key"])
def test_the_seal_command_does_not_bless_a_cut_chain_under_a_head_rewritten_to_match(trail, runner, app, monkeypatch,
                                                                                  given_key):
    # Someone who writes the tables cuts the last two events and sets the head to the chain's new end
    # (its seal now fails); an operator who takes the failing seal for a change of key runs `audit seal`.
    events = trail["events"]
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_([events[-1].id, events[-2].id])))
    _db.session.execute(update(AuditHead).values(events=6, hash=events[-3].hash))
    key = NEW_KEY if given_key == "the new key" else "not the key this database was ever sealed with"
    refused = seal_command(runner, key)
    assert refused.exit_code == 1 and "Nothing sealed" in refused.output, refused.output
    assert "its head is not sealed with the previous AUDIT_KEY either: the head was rewritten" in refused.output
    assert verify_command(runner)[0] == 1
    monkeypatch.setitem(app.config, "AUDIT_KEY", NEW_KEY)
    assert seal_command(runner, key).exit_code == 1
    assert verify_command(runner)[0] == 1


def test_a_chain_rebuilt_and_resealed_with_the_key_still_contradicts_the_adopted_pdf(trail, runner):
    events = rebuild(0)
    _db.session.execute(update(AuditHead).values(hash=events[-1].hash, seal=audit.seal(len(events), events[-1].hash)))
    code, output = verify_command(runner)
    adoption = events[4]
    assert code == 1, output
    assert f"The audit chain is broken at event {adoption.id} (adopt" in output
    assert "the adopted record of “Tokyo Declaration” printed another hash for event 5 of the trail" in output


def test_an_adopted_record_whose_event_was_cut_away_is_found_even_under_a_resealed_head(trail, runner):
    events = trail["events"]
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id.in_([e.id for e in events[3:]])))
    _db.session.execute(update(AuditHead).values(events=3, hash=events[2].hash, seal=audit.seal(3, events[2].hash)))
    code, output = verify_command(runner)
    assert code == 1 and "the adopted record of “Tokyo Declaration” vouches for 5 events" in output, output


def test_an_older_head_put_back_with_the_anchor_of_a_later_adoption_removed_is_found(trail, runner, adopt):
    # Someone who writes the tables keeps a copy of the sealed head, lets a declaration be adopted,
    # then removes its events and the head its record printed, and puts the copy back.
    kept = _db.session.scalar(select(AuditHead))
    kept = (kept.events, kept.hash, kept.seal)
    osaka = adopt(title="Osaka Declaration")
    _db.session.execute(delete(AuditEvent).where(AuditEvent.id > trail["events"][-1].id))
    _db.session.execute(delete(AuditAnchor).where(AuditAnchor.declaration_id == osaka.id))
    _db.session.execute(update(AuditHead).values(events=kept[0], hash=kept[1], seal=kept[2]))
    code, output = verify_command(runner)
    assert code == 1 and (
        "“Osaka Declaration” is adopted, but the trail holds no event of its adoption: events were removed"
    ) in output, output


def test_an_adopted_pdf_and_its_verification_page_print_the_trail_at_adoption(trail, client):
    tokyo = trail["tokyo"]
    adoption = trail["events"][4]
    anchor = _db.session.get(AuditAnchor, tokyo.id)
    assert (anchor.events, anchor.hash) == (5, adoption.hash)
    for page_size in ("A4", "Letter"):  # US Letter is rendered later, when three more events exist
        content = pdf_files.adopted_pdf(tokyo, page_size).content
        text = pages_text(content)[-1]
        assert "At its adoption the audit trail held 5 events; the last one's hash is" in text
        assert adoption.hash in re.sub(r"\s", "", text)
        verdict = upload(client, content).get_data(as_text=True)
        assert "This is the very file we published" in verdict and adoption.hash in verdict
    page = client.get(f"/verify/{signoff.final_version(tokyo).fingerprint}").get_data(as_text=True)
    assert "At its adoption the audit trail held 5 events" in page and adoption.hash in page


def test_the_head_follows_every_event_and_is_sealed(trail):
    head = _db.session.scalar(select(AuditHead))
    assert (head.events, head.hash) == (8, trail["events"][-1].hash)
    assert head.seal == audit.seal(8, head.hash) != audit.seal(7, head.hash)



def test_the_session_reads_the_head_an_append_moved_and_a_rolled_back_savepoint_put_back(trail):
    # record() moves the head with a plain UPDATE: the session's copy of the row, held here, must not say otherwise.
    head = _db.session.scalar(select(AuditHead))
    audit.record("kept")
    kept = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (head.events, head.hash, head.seal) == (9, kept.hash, audit.seal(9, kept.hash))
    with pytest.raises(RuntimeError), _db.session.begin_nested():
        audit.record("undone")
        raise RuntimeError("the adoption's PDF could not be signed")
    assert (head.events, head.hash) == (9, kept.hash)
    audit.record("after")
    _db.session.commit()
    check = audit.verify()
    assert check.intact and check.events == 10
