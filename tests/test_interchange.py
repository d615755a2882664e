"""Exporting a declaration as JSON and importing it back: a round trip that keeps every text and
fingerprint, and imports that either store everything or change nothing and name the problem."""

import copy
import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from drafting.domain import audit, draft_editing as composition, final_text, interchange, signoff
from drafting.domain.people.participants import invite
from drafting.domain.text import fingerprint
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.models import (
    Answer,
    AuditEvent,
    Declaration,
    DeclarationState,
    Network,
    Organization,
    OrganizationKind,
    ParticipantRole,
    User,
    UserRole,
)

NEW_TITLE = "Yokohama Declaration (archive copy)"


@pytest.fixture
def adopted(make_declaration, make_organization, make_user, circulate, propose_final):
    """An adopted declaration of two drafts and a final text, answered in every way there is."""
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    db.session.add(network)
    db.session.flush()
    host = make_organization("City of Yokohama", "JP", local_name="横浜市")
    declaration = make_declaration(
        host=host, clauses=2, title="Yokohama Declaration", subtitle="Cities in the age of climate change",
        place="Yokohama", network_id=network.id, preamble="We, the cities gathered in *Yokohama*,\n\nresolve:",
    )
    cities = {
        "Seoul": make_organization("Seoul Metropolitan Government", "KR", OrganizationKind.government, "서울특별시"),
        "Bangkok": make_organization("Bangkok", "TH"),
        "Hanoi": make_organization("Hà Nội", "VN"),
        "Jakarta": make_organization("Jakarta", "ID"),
    }
    for name in ("Seoul", "Bangkok", "Hanoi"):
        invite(declaration, cities[name], ParticipantRole.participant)
    invite(declaration, cities["Jakarta"], ParticipantRole.observer)
    drafter = make_user(organization=host)
    circulate(declaration, by=drafter)
    clause = declaration.clauses[1]
    composition.update_clause(clause, clause.lock_version, "Next meeting", "We will meet again in Hà Nội.\n\n- in 2011")
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    delegate = {name: make_user(role=UserRole.delegate, organization=city) for name, city in cities.items()}
    signoff.answer(final, delegate["Seoul"], Answer.affirmed_with_statement, True, statement="Seoul adds: 기후.")
    signoff.answer(final, delegate["Bangkok"], Answer.affirmed, True)
    signoff.answer(final, delegate["Bangkok"], Answer.declined, True, reason="Our council has not approved it.")
    signoff.answer(final, delegate["Hanoi"], Answer.affirmed, True)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    return declaration


def retitled(data: dict, title: str) -> dict:
    """Return an export with a new title in the declaration and in every version, fingerprints and all."""
    data["declaration"]["title"] = title
    renamed = {}
    for version in data["declaration"]["versions"]:
        version["document"]["title"] = title
        text = fingerprint.canonical_text(Document.from_json(version["document"]))
        renamed[version["fingerprint"]] = fingerprint.fingerprint(text)
        version["canonical_text"], version["fingerprint"] = text, renamed[version["fingerprint"]]
    for affirmation in data["declaration"]["affirmations"]:
        affirmation["fingerprint"] = renamed[affirmation["fingerprint"]]
    return data


@pytest.fixture
def exported(adopted):
    """The export of the adopted declaration, retitled so that it is new to the archive."""
    return retitled(interchange.export_declaration(adopted), NEW_TITLE)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def test_the_export_holds_the_text_and_the_whole_record(adopted):
    data = interchange.export_declaration(adopted)
    declaration = data["declaration"]
    assert (data["format"], data["format_version"]) == ("drafting-declaration", 1)
    assert declaration["state"] == "adopted"
    assert declaration["network"] == {"name": "Asian Network of Major Cities 21", "acronym": "ANMC21"}
    assert declaration["host"] == {"name": "City of Yokohama", "kind": "city", "country": "JP", "local_name": "横浜市"}
    assert [v["label"] for v in declaration["versions"]] == ["Draft 1", "Draft 2", "Final"]
    assert [v["fingerprint"] for v in declaration["versions"]] == [v.fingerprint for v in adopted.versions]
    # Clauses of a document refer to the working clauses by number, not by this database's ids.
    assert [c["clause_id"] for c in declaration["versions"][2]["document"]["clauses"]] == [1, 2]
    assert [(p["organization"]["name"], p["organization"]["country"], p["role"]) for p in declaration["participants"]] == [
        ("City of Yokohama", "JP", "host"), ("Seoul Metropolitan Government", "KR", "participant"),
        ("Bangkok", "TH", "participant"), ("Hà Nội", "VN", "participant"), ("Jakarta", "ID", "observer"),
    ]
    assert [(a["organization"], a["answer"], a["statement"], a["live"]) for a in declaration["affirmations"]] == [
        ("City of Yokohama", "affirmed", None, True),
        ("Seoul Metropolitan Government", "affirmed with statement", "Seoul adds: 기후.", True),
        ("Bangkok", "affirmed", None, False),
        ("Bangkok", "declined", None, True),
        ("Hà Nội", "affirmed", None, True),
    ]
    assert declaration["affirmations"][2]["superseded_at"] is not None
    assert "서울특별시" in interchange.export_text(adopted)  # written as is, not escaped


def test_an_import_reproduces_the_declaration_exactly(adopted, exported):
    imported = interchange.import_declaration(copy.deepcopy(exported))
    declaration = imported.declaration
    assert (declaration.title, declaration.state) == (NEW_TITLE, DeclarationState.adopted)
    assert imported.created_organizations == []
    assert declaration.id != adopted.id and declaration.host is adopted.host and declaration.network is adopted.network
    # Exported again, it is the same document, but for the accounts that recorded the answers.
    expected = copy.deepcopy(exported)
    for affirmation in expected["declaration"]["affirmations"]:
        affirmation["delegate"] = "Imported archive"
    assert interchange.export_declaration(declaration) == expected
    for original, copied in zip(exported["declaration"]["versions"], declaration.versions):
        assert (copied.canonical_text, copied.fingerprint) == (original["canonical_text"], original["fingerprint"])
        assert fingerprint.canonical_text(Document.from_json(copied.document)) == copied.canonical_text
    assert [c.clause_id for c in Document.from_json(declaration.versions[-1].document).clauses] == [
        clause.id for clause in declaration.clauses
    ]
    published, original = final_text.adopted_document(declaration), final_text.adopted_document(adopted)
    assert fingerprint.canonical_text(published) == fingerprint.canonical_text(dataclasses.replace(original, title=NEW_TITLE))
    assert published.signatories == original.signatories
    live = signoff.live_answers(declaration.versions[-1]).values()
    answers = {a.organization.name: (a.answer, a.statement) for a in live}
    assert answers["Seoul Metropolitan Government"] == (Answer.affirmed_with_statement, "Seoul adds: 기후.")
    assert answers["Bangkok"] == (Answer.declined, None)
    # Its published record prints the audit trail's head as of the import event, which is the last one.
    anchor, last = audit.anchor_of(declaration), db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, anchor.hash, anchor.events) == ("import", last.hash, audit.verify().events)


def test_an_import_creates_missing_organizations_and_networks_and_inactive_archive_accounts(exported):
    data = exported["declaration"]
    newcomer = {"name": "Phnom Penh", "kind": "city", "country": "KH", "local_name": "ភ្នំពេញ"}
    data["participants"][2]["organization"] = newcomer  # instead of Bangkok
    for affirmation in data["affirmations"]:
        if affirmation["organization"] == "Bangkok":
            affirmation["organization"] = "phnom penh"  # names match whatever their case
    data["network"] = {"name": "Mekong Cities", "acronym": None}
    imported = interchange.import_declaration(exported)
    assert imported.created_organizations == ["Phnom Penh"]
    phnom_penh = db.session.scalar(select(Organization).where(Organization.name == "Phnom Penh"))
    assert (phnom_penh.country_name, phnom_penh.local_name) == ("Cambodia", "ភ្នំពេញ")
    assert imported.declaration.network.name == "Mekong Cities"
    archive = db.session.scalars(select(User).where(User.organization_id == phnom_penh.id)).one()
    assert (archive.name, archive.role, archive.is_active) == ("Imported archive", UserRole.delegate, False)
    assert archive.email.endswith("@import.invalid")


def parent_of(data, path: tuple) -> tuple:
    """Return the list or object that holds the value at path, and the value's key in it."""
    *parents, last = path
    for key in parents:
        data = data[key]
    return data, last


def put(path: tuple, value):
    """Return a change of a document that sets the value at path."""

    def spoil(data):
        container, key = parent_of(data, path)
        container[key] = value
    return spoil


def drop(path: tuple):
    """Return a change of a document that removes the value at path."""

    def spoil(data):
        container, key = parent_of(data, path)
        del container[key]
    return spoil


# Participants are exported in the order they were invited: Yokohama, Seoul, Bangkok, Hà Nội,
# Jakarta; answers in the order they were given: Yokohama, Seoul, Bangkok twice, Hà Nội.
BAD_INPUT = {
    "wrong type": (
        put(("declaration", "clauses", 1, "number"), "2"),
        "$.declaration.clauses[1].number", "expected a whole number, found a string",
    ),
    "missing field": (
        drop(("declaration", "host", "country")),
        "$.declaration.host.country", "this field is missing",
    ),
    "unknown country": (
        put(("declaration", "participants", 4, "organization", "country"), "XX"),
        "$.declaration.participants[4].organization.country",
        "unknown country “XX”: give an ISO 3166 alpha-2 code such as JP",
    ),
    "duplicate clause number": (
        put(("declaration", "clauses", 1, "number"), 1),
        "$.declaration.clauses[1].number", "clause number 1 appears twice (also at $.declaration.clauses[0].number)",
    ),
    "affirmation of a participant that is not listed": (
        drop(("declaration", "participants", 3)),
        "$.declaration.affirmations[4].organization", "Hà Nội is not listed in $.declaration.participants",
    ),
    "fingerprint that is not the text's": (
        put(("declaration", "versions", 2, "fingerprint"), "0" * 64),
        "$.declaration.versions[2].fingerprint",
        "is not the SHA-256 of the canonical text: the text or its fingerprint was changed",
    ),
    "document changed under its canonical text": (
        put(("declaration", "versions", 0, "document", "clauses", 0, "paragraphs"), ["Changed."]),
        "$.declaration.versions[0].canonical_text", "is not the canonical text of the version's document",
    ),
    "existing organization in another country": (
        put(("declaration", "participants", 2, "organization", "country"), "LA"),
        "$.declaration.participants[2].organization.country",
        "Bangkok exists already, in Thailand (TH), not in Laos (LA)",
    ),
    "declaration imported twice": (
        lambda data: retitled(data, "Yokohama Declaration"),
        "$.declaration",
        "“Yokohama Declaration”, hosted by City of Yokohama for the meeting that began on November 8, 2010, "
        "exists already as declaration {id}",
    ),
    "meeting that ends before it starts": (
        put(("declaration", "ends_on"), "2010-11-07"),
        "$.declaration.ends_on", "the meeting cannot end before it starts",
    ),
    "line break in an organization's name": (
        put(("declaration", "participants", 2, "organization"),
            {"name": "Evil\nCity", "kind": "city", "country": "KH", "local_name": None}),
        "$.declaration.participants[2].organization.name",
        "holds a line break (U+000A LINE FEED): this field is a single line, without control characters",
    ),
    "line separator in the title": (
        put(("declaration", "title"), "Yokohama\u2028Declaration"),
        "$.declaration.title",
        "holds a line break (U+2028 LINE SEPARATOR): this field is a single line, without control characters",
    ),
    "vertical tab in a clause's heading": (
        put(("declaration", "clauses", 1, "heading"), "Next\vmeeting"),
        "$.declaration.clauses[1].heading",
        "holds a line break (U+000B VERTICAL TAB): this field is a single line, without control characters",
    ),
    "control character in a clause's body": (
        put(("declaration", "clauses", 0, "body"), "Body\x07 of clause 1."),
        "$.declaration.clauses[0].body",
        "holds a control character (U+0007): a text may hold line feeds, carriage returns and tabs, "
        "but no other control character",
    ),
    "paragraph separator in a statement": (
        put(("declaration", "affirmations", 1, "statement"), "Seoul adds:\u2029기후."),
        "$.declaration.affirmations[1].statement",
        "holds a line break (U+2029 PARAGRAPH SEPARATOR): a text may hold line feeds, carriage returns and tabs, "
        "but no other control character",
    ),
    "NUL in a version's paragraph": (
        put(("declaration", "versions", 0, "document", "clauses", 0, "paragraphs"), ["Body\x00"]),
        "$.declaration.versions[0].document.clauses[0].paragraphs[0]",
        "holds a NUL character (U+0000), which no field accepts",
    ),
    "letter under a heap of combining marks in a statement": (
        put(("declaration", "affirmations", 1, "statement"), "Seoul adds: e" + "\u0301" * 200),
        "$.declaration.affirmations[1].statement",
        "one letter carries 200 combining marks: a letter may carry at most 8",
    ),
    "letter under a heap of combining marks in an organization's name": (
        put(("declaration", "participants", 2, "organization"),
            {"name": "Ba" + "\u0300" * 9 + "ngkok", "kind": "city", "country": "TH", "local_name": None}),
        "$.declaration.participants[2].organization.name",
        "one letter carries 9 combining marks: a letter may carry at most 8",
    ),
    "title that is not the adopted text's": (
        put(("declaration", "title"), "Osaka Declaration"),
        "$.declaration.title", f"the title differs from the adopted version's title “{NEW_TITLE}”",
    ),
    "subtitle that is not the adopted text's": (
        put(("declaration", "subtitle"), None),
        "$.declaration.subtitle",
        "the subtitle differs from the adopted version's subtitle “Cities in the age of climate change”",
    ),
    "preamble that is not the adopted text's": (
        put(("declaration", "preamble"), "We, the cities gathered in Yokohama, resolve:"),
        "$.declaration.preamble", "the preamble differs from the adopted version's preamble",
    ),
    "place that is not the adopted text's": (
        put(("declaration", "place"), "Osaka"),
        "$.declaration.place", "the adopted version's opening does not say the meeting was held in Osaka",
    ),
    "meeting dates that are not the adopted text's": (
        put(("declaration", "starts_on"), "2010-11-07"),
        "$.declaration.starts_on",
        "the adopted version's opening does not say the meeting was held from November 7 to 9, 2010",
    ),
    "meeting that is not the adopted text's": (
        put(("declaration", "meeting", "number"), 10),
        "$.declaration.meeting",
        "the adopted version's opening does not name the 10th Plenary Meeting of the Asian Network of Major Cities 21",
    ),
    "meeting acronym that is not the adopted text's": (
        put(("declaration", "meeting", "acronym"), "ASCC"),
        "$.declaration.meeting.acronym", "the adopted version's header does not begin with ASCC",
    ),
    "clause that is not the adopted text's": (
        put(("declaration", "clauses", 1, "body"), "We will meet again in Bangkok."),
        "$.declaration.clauses", "clause 2 differs from clause 2 of the adopted version",
    ),
    "clause that the adopted text does not have": (
        lambda data: data["declaration"]["clauses"].append({"number": 3, "heading": None, "body": "More."}),
        "$.declaration.clauses", "there are 3 clauses, and the adopted version has 2",
    ),
}


@pytest.mark.parametrize("spoil, path, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_named_at_its_path_and_nothing_is_stored(adopted, exported, spoil, path, message):
    spoil(exported)
    before = row_counts()
    with pytest.raises(interchange.ImportProblem) as problem:
        interchange.import_declaration(exported)
    assert (problem.value.path, problem.value.message) == (path, message.format(id=adopted.id))
    assert row_counts() == before


def test_a_file_that_is_not_json_is_named_so():
    with pytest.raises(interchange.ImportProblem) as problem:
        interchange.load(b'{"format": "drafting-declaration",\n  format_version: 1}')
    assert problem.value.path is None
    assert str(problem.value) == "the file is not JSON: line 2 column 3: Expecting property name enclosed in double quotes"


def test_a_key_that_appears_twice_in_an_object_is_refused_at_its_path(exported):
    text = json.dumps(exported)
    clause = json.dumps(exported["declaration"]["clauses"][1])
    twice = clause.replace('"body": ', '"body": "We will meet in Seoul.", "body": ', 1)
    before = row_counts()
    with pytest.raises(interchange.ImportProblem) as problem:
        interchange.import_declaration(interchange.load(text.replace(clause, twice).encode()))
    assert str(problem.value) == '$.declaration.clauses[1]: the key "body" appears twice'
    assert row_counts() == before


def test_a_key_twice_at_the_top_is_refused_too(exported):
    text = json.dumps(exported).replace('"format_version": 1', '"format_version": 1, "format_version": 1', 1)
    with pytest.raises(interchange.ImportProblem) as problem:
        interchange.import_declaration(interchange.load(text.encode()))
    assert str(problem.value) == '$: the key "format_version" appears twice'


def test_the_import_command_refuses_an_organization_named_on_two_lines(exported, runner, tmp_path):
    exported["declaration"]["participants"][2]["organization"]["name"] = "Evil\nCity"
    file = tmp_path / "evil.json"
    file.write_text(json.dumps(exported), encoding="utf-8")
    before = row_counts()
    result = runner.invoke(args=["declaration", "import", str(file)])
    assert result.exit_code == 1
    assert result.output == (
        "Nothing imported: $.declaration.participants[2].organization.name: holds a line break (U+000A LINE FEED): "
        "this field is a single line, without control characters\n"
    )
    assert row_counts() == before
    assert db.session.scalar(select(Organization).where(Organization.name.like("Evil%"))) is None


def test_an_import_keeps_the_line_feeds_tabs_and_carriage_returns_of_its_texts(exported):
    exported["declaration"]["affirmations"][1]["statement"] = "Seoul adds:\r\n\t기후."
    imported = interchange.import_declaration(exported)
    answers = {a.organization.name: a.statement for a in signoff.live_answers(imported.declaration.versions[-1]).values()}
    assert answers["Seoul Metropolitan Government"] == "Seoul adds:\r\n\t기후."


def test_the_commands_export_and_import_a_declaration(adopted, runner, tmp_path):
    exported = runner.invoke(args=["declaration", "export", str(adopted.id)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.stdout)
    assert data["declaration"]["versions"][-1]["fingerprint"] == adopted.versions[-1].fingerprint
    retitled(data, NEW_TITLE)
    file = tmp_path / "archive.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    imported = runner.invoke(args=["declaration", "import", str(file)])
    assert imported.exit_code == 0, imported.output
    number = db.session.scalar(select(Declaration.id).where(Declaration.title == NEW_TITLE))
    assert imported.output == (
        f"Imported “{NEW_TITLE}” as declaration {number}: 2 clauses, 5 participants, 3 versions, "
        "5 affirmations; created organizations: none.\n"
    )
    again = runner.invoke(args=["declaration", "export", str(number), "--output", str(tmp_path / "again.json")])
    assert again.exit_code == 0, again.output
    written = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert written["declaration"]["versions"] == data["declaration"]["versions"]

    twice = runner.invoke(args=["declaration", "import", str(file)])
    assert twice.exit_code == 1
    assert twice.output.startswith(f"Nothing imported: $.declaration: “{NEW_TITLE}”, hosted by City of Yokohama")


def test_the_commands_refuse_an_unknown_declaration_and_a_file_that_is_not_json(runner, tmp_path):
    unknown = runner.invoke(args=["declaration", "export", "999999"])
    assert unknown.exit_code == 2 and "there is no declaration 999999" in unknown.output
    file = tmp_path / "notes.json"
    file.write_text("Declarations of 2010\n", encoding="utf-8")
    before = row_counts()
    result = runner.invoke(args=["declaration", "import", str(file)])
    assert result.exit_code == 1
    assert result.output == "Nothing imported: the file is not JSON: line 1 column 1: Expecting value\n"
    assert row_counts() == before


JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(st.characters(exclude_categories=()), max_size=20)  # lone surrogates and NUL included
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
PROPERTY_RUN = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def places(value, path=()):
    """Yield the path of every value inside a JSON value, the value itself first."""
    yield path
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from places(child, path + (key,))


def import_or_refuse(data) -> None:
    """Import, then undo it: the only failure allowed is an ImportProblem, and whatever passes the checks is stored."""
    savepoint = db.session.begin_nested()
    try:
        interchange.import_declaration(data)
    except interchange.ImportProblem:
        pass
    finally:
        savepoint.rollback()


@PROPERTY_RUN
@given(value=JSON_VALUES)
def test_any_json_value_is_refused_with_an_import_problem(value):
    import_or_refuse(value)
    import_or_refuse({"format": "drafting-declaration", "format_version": 1, "declaration": value})


@PROPERTY_RUN
@given(data=st.data())
def test_a_changed_or_dropped_field_is_refused_with_an_import_problem_or_stored(exported, data):
    spoilt = copy.deepcopy(exported)
    container, key = parent_of(spoilt, data.draw(st.sampled_from([path for path in places(spoilt) if path])))
    if isinstance(container, dict) and data.draw(st.booleans()):
        del container[key]
    else:
        container[key] = data.draw(JSON_VALUES)
    import_or_refuse(spoilt)

