"""The public read-only JSON API: adopted declarations only."""

import hashlib
from datetime import datetime, timezone

import pytest

from drafting.domain import signoff
from drafting.extensions import db
from drafting.models import Answer, DeclarationState, Network
# The fixtures adopt and unpublished are shared with the archive's tests.
from tests.test_archive import adopt, unpublished


@pytest.fixture
def tokyo(adopt, make_organization):
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    db.session.add(network)
    db.session.commit()
    return adopt(
        title="Tokyo Declaration",
        subtitle="Cities together",
        host=make_organization("Tokyo Metropolitan Government", "JP"),
        network_id=network.id,
        answers={
            "Seoul/KR": Answer.affirmed,
            "Bangkok/TH": (Answer.affirmed_with_statement, "Bangkok adds <a note>."),
            "Jakarta/ID": Answer.declined,
        },
        adopted_at=datetime(2010, 11, 9, 12, 30, tzinfo=timezone.utc),
    )


def test_the_list_holds_adopted_declarations_only_newest_first(client, tokyo, adopt, unpublished):
    later = adopt(title="Seoul Declaration", adopted_at=datetime(2014, 10, 2, tzinfo=timezone.utc))
    unpublished(DeclarationState.affirmation, title="Confidential Declaration")
    response = client.get("/api/declarations")
    assert response.status_code == 200 and response.is_json
    listed = response.get_json()["declarations"]
    assert [item["id"] for item in listed] == [later.id, tokyo.id]
    fingerprint = signoff.final_version(tokyo).fingerprint
    assert listed[1] == {
        "id": tokyo.id,
        "title": "Tokyo Declaration",
        "subtitle": "Cities together",
        "meeting": {
            "name": "Plenary Meeting of the Asian Network of Major Cities 21", "number": 9, "acronym": "ANMC21",
        },
        "place": "Tokyo",
        "dates": {"start": "2010-11-08", "end": "2010-11-09"},
        "host": {"name": "Tokyo Metropolitan Government", "country": "JP", "country_name": "Japan"},
        "network": {"name": "Asian Network of Major Cities 21", "acronym": "ANMC21"},
        "language": "en",
        "adopted_at": "2010-11-09T12:30:00+00:00",
        "fingerprint": fingerprint,
        "urls": {
            "page": f"http://localhost/archive/{tokyo.id}",
            "pdf": f"http://localhost/declarations/{tokyo.id}/declaration.pdf",
            "verify": f"http://localhost/verify/{fingerprint}",
        },
    }


def test_one_declaration_has_its_text_who_affirmed_it_and_their_statements(client, tokyo):
    response = client.get(f"/api/declarations/{tokyo.id}")
    assert response.status_code == 200
    given = response.get_json()
    assert given["title"] == "Tokyo Declaration" and given["network"]["acronym"] == "ANMC21"
    assert given["text"]["clauses"] == [
        {"number": 1, "heading": "Heading 1", "paragraphs": ["Body of clause 1."]},
        {"number": 2, "heading": "Heading 2", "paragraphs": ["Body of clause 2."]},
    ]
    assert given["text"]["dated"] == "November 9, 2010"
    assert hashlib.sha256(given["canonical_text"].encode("utf-8")).hexdigest() == given["fingerprint"]
    # The closing formula names the host; the list, by default, does not.
    assert given["affirmed_by"] == [
        {"country_name": "South Korea", "organizations": ["Seoul"]},
        {"country_name": "Thailand", "organizations": ["Bangkok"]},
    ]
    assert given["statements"] == [
        {"organization": "Bangkok", "country_name": "Thailand", "statement": "Bangkok adds <a note>."}
    ]
    assert "Jakarta" not in response.get_data(as_text=True)


@pytest.mark.parametrize("state", [DeclarationState.drafting, DeclarationState.withdrawn])
def test_a_declaration_not_adopted_or_missing_is_a_json_404(client, unpublished, state):
    declaration = unpublished(state)
    for declaration_id in (declaration.id, 999999):
        response = client.get(f"/api/declarations/{declaration_id}")
        assert response.status_code == 404 and response.is_json
        assert response.get_json() == {"error": f"There is no adopted declaration {declaration_id}."}


def test_the_list_takes_the_same_number_of_queries_whatever_the_number_of_declarations(
    client, adopt, count_queries, make_organization
):
    network = Network(name="Asian Network of Major Cities 21")
    db.session.add(network)
    db.session.commit()
    adopt(network_id=network.id)

    def queries():
        with count_queries() as counted:
            assert client.get("/api/declarations").status_code == 200
        return len(counted)

    one = queries()
    adopt(network_id=network.id, host=make_organization("Seoul", "KR"))
    adopt(network_id=network.id, host=make_organization("Bangkok", "TH"))
    assert len(client.get("/api/declarations").get_json()["declarations"]) == 3
    assert queries() == one
