"""Reservations by clause: a statement names the clauses it concerns, and the annex prints it under them."""

import subprocess
from copy import deepcopy

import pytest

from drafting.domain import published_record, signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Affirmation, Answer, ParticipantRole, UserRole
from drafting.rendering import stored_pdfs
from tests.conftest import ADOPTED_IN_SESSION

SEOUL_STATEMENT = "Seoul reads the 2030 target as a goal for its own services only."
BANGKOK_STATEMENT = "Bangkok thanks the host for its hospitality."


@pytest.fixture
def case(make_declaration, make_organization, make_user, circulate, propose_final):
    declaration = make_declaration(clauses=3)
    seoul, bangkok = make_organization("Seoul", "KR"), make_organization("Bangkok", "TH")
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    return {
        "declaration": declaration, "final": final, "drafter": drafter,
        "minji": make_user(role=UserRole.delegate, organization=seoul, name="Kim Min-ji"),
        "somchai": make_user(role=UserRole.delegate, organization=bangkok),
    }


def url(case, path=""):
    return f"/declarations/{case['declaration'].id}{path}"


def test_the_answer_page_offers_the_clauses_as_checkboxes_and_keeps_those_named(client, login_as, case):
    login_as(case["minji"])
    page = client.get(url(case, "/affirmation")).get_data(as_text=True)
    assert "<legend>Clauses the statement concerns (optional)</legend>" in page
    assert page.count('name="clauses" type="checkbox"') == 3
    response = client.post(url(case, "/affirmation"), data={
        "answer": "affirmed with statement", "statement": SEOUL_STATEMENT, "clauses": ["3", "1"], "authorised": "y"})
    assert response.status_code == 302
    given = signoff.live_answers(case["final"])[case["minji"].organization_id]
    assert given.statement_clauses == [1, 3]
    page = client.get(url(case, "/affirmation")).get_data(as_text=True)
    assert f"Statement on clauses 1, 3: {SEOUL_STATEMENT}" in page


@pytest.mark.parametrize("data, message", [
    ({"answer": "affirmed with statement", "statement": SEOUL_STATEMENT, "clauses": ["9"]}, "Not a valid choice"),
    ({"answer": "affirmed", "clauses": ["2"]}, "Only a statement names the clauses it concerns"),
    ({"answer": "affirmed with statement", "statement": SEOUL_STATEMENT, "clauses": ["two"]}, "Invalid choice"),
])
def test_clauses_that_the_text_lacks_or_without_a_statement_are_refused(client, login_as, case, data, message):
    login_as(case["minji"])
    response = client.post(url(case, "/affirmation"), data=data | {"authorised": "y"})
    assert response.status_code == 422 and message.lower() in response.get_data(as_text=True).lower()
    assert db.session.query(Affirmation).filter_by(organization_id=case["minji"].organization_id).count() == 0
    with pytest.raises(signoff.SignoffRefused, match="The final text has no clause 9"):
        signoff.answer(case["final"], case["minji"], Answer.affirmed_with_statement, True, SEOUL_STATEMENT, clauses=[9])


def test_the_adopted_pdf_prints_the_statements_by_clause(case, tmp_path):
    signoff.answer(case["final"], case["minji"], Answer.affirmed_with_statement, True, SEOUL_STATEMENT, clauses=[3])
    signoff.answer(case["final"], case["somchai"], Answer.affirmed_with_statement, True, BANGKOK_STATEMENT)
    signoff.adopt(case["declaration"], case["drafter"], ADOPTED_IN_SESSION)
    db.session.commit()
    record = published_record.of(case["declaration"])
    assert {s.organization: s.clauses for s in record.statements()} == {"Seoul": (3,), "Bangkok": ()}
    path = tmp_path / "adopted.pdf"
    path.write_bytes(stored_pdfs.adopted_pdf(case["declaration"]).content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    annex = text[text.index("Statements made on affirmation"):]
    assert f"On clause 3 Seoul {SEOUL_STATEMENT}" in annex
    assert f"Bangkok {BANGKOK_STATEMENT}" in annex and "On clause 3 Bangkok" not in annex


def test_a_record_frozen_before_statements_named_clauses_reads_as_before(case):
    signoff.answer(case["final"], case["minji"], Answer.affirmed_with_statement, True, SEOUL_STATEMENT)
    signoff.adopt(case["declaration"], case["drafter"], ADOPTED_IN_SESSION)
    db.session.commit()
    stored = deepcopy(case["declaration"].published_record)
    assert all("statement_clauses" not in participant for participant in stored["participants"])
    old = published_record.PublishedRecord.from_json(stored)
    assert [(s.organization, s.text, s.clauses) for s in old.statements()] == [("Seoul", SEOUL_STATEMENT, ())]
