"""The host's parts and order: a "proposed and affirmed" declaration ordered by the host, its PDF read back,
the fingerprint where the order is part of the text, and the migration that carries existing closing formulas."""

import copy
import subprocess
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade

from drafting.domain import draft_editing, final_text, interchange, signoff
from drafting.domain.people.organizations import create_organization
from drafting.domain.people.accounts import create_user
from drafting.domain.people.participants import answer_co_host_proposal, invite
from drafting.domain.text import composed_document, fingerprint
from drafting.extensions import db
from drafting.models import Answer, DatePosition, DeclarationLayout, OrganizationKind, ParticipantRole, UserRole
from tests.databases import migrated_application
from tests.test_interchange import retitled

REVISION_BEFORE = "b5e2c9d41f03"


def pdf_words(content: bytes, tmp_path) -> str:
    path = tmp_path / "declaration.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.fixture
def conference(make_declaration, make_organization, make_user):
    """A 2024 conference in the listed layout, hosted by Yokohama: Cambodia's ministry, province and two cities,
    Bangkok, and Kawasaki; each with a delegate."""
    host = make_organization("City of Yokohama", "JP")
    declaration = make_declaration(
        host=host, title="Yokohama Declaration", meeting_name="Asia Smart City Conference", meeting_number=13,
        meeting_acronym="ASCC", place="Yokohama", starts_on=date(2024, 10, 1), ends_on=date(2024, 10, 3), clauses=1,
    )
    delegates = {}
    for name, country, kind in [
        ("Phnom Penh Capital Hall", "KH", OrganizationKind.city), ("Battambang", "KH", OrganizationKind.city),
        ("Siem Reap Province", "KH", OrganizationKind.government),
        ("Ministry of Interior", "KH", OrganizationKind.government),
        ("Bangkok", "TH", OrganizationKind.city), ("City of Kawasaki", "JP", OrganizationKind.city),
    ]:
        organization = make_organization(name, country, kind=kind)
        invite(declaration, organization, ParticipantRole.participant)
        delegates[name] = make_user(role=UserRole.delegate, organization=organization)
    db.session.commit()
    return declaration, make_user(organization=host), delegates


def participant_named(declaration, name):
    return next(p for p in declaration.participants if p.organization.name == name)


def test_the_list_follows_the_host_order_set_with_the_move_buttons_and_leaves_the_host_out(
    client, login_as, conference, circulate, propose_final, tmp_path
):
    declaration, drafter, delegates = conference
    login_as(drafter)
    editor = client.get(f"/declarations/{declaration.id}").get_data(as_text=True)
    assert 'aria-label="Move Ministry of Interior up"' in editor and "reorder.js" in editor
    order = f"/declarations/{declaration.id}/order"
    # What a host does with Move up / Move down without script, and what a drop posts: the new index.
    for name, to in [("Ministry of Interior", 0), ("Siem Reap Province", 1), ("Battambang", 2)]:
        assert client.post(f"{order}/participants/{participant_named(declaration, name).id}",
                           data={"to": to}).status_code == 302
    assert client.post(f"{order}/countries/TH", data={"to": 0}).status_code == 302
    assert client.post(f"{order}/countries/KH", data={"to": 1}).status_code == 302
    # A country no participant comes from, and a place that is no number, are refused and change nothing.
    refused = client.post(f"{order}/countries/FR", data={"to": 0}, follow_redirects=True).get_data(as_text=True)
    assert "No participant comes from that country." in refused
    refused = client.post(f"{order}/countries/JP", data={"to": "first"}, follow_redirects=True).get_data(as_text=True)
    assert "Say where the country goes." in refused
    db.session.expire_all()
    assert declaration.country_order == ["TH", "KH", "JP"]

    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    for delegate in delegates.values():
        signoff.answer(final, delegate, Answer.affirmed, True)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    text = pdf_words(client.get(f"/declarations/{declaration.id}/declaration.pdf").data, tmp_path)

    listed = [
        "(Thailand)", "Bangkok",
        "(Cambodia)", "Ministry of Interior", "Siem Reap Province", "Battambang", "Phnom Penh Capital Hall",
        "(Japan)", "City of Kawasaki",
    ]
    start = text.index("and affirmed by the participating cities and organizations.")
    positions = [text.index(name, start) for name in listed]
    assert positions == sorted(positions), text[start:]
    # The closing formula names the host; the list does not.
    assert "proposed by City of Yokohama, Japan on October 3, 2024" in text
    assert "City of Yokohama" not in text[positions[0]:]


def test_a_participant_is_placed_only_in_a_draft_still_open(client, login_as, conference, circulate, propose_final):
    declaration, drafter, _ = conference
    circulate(declaration, by=drafter)
    propose_final(declaration, by=drafter)
    login_as(drafter)
    ministry = participant_named(declaration, "Ministry of Interior")
    assert client.post(f"/declarations/{declaration.id}/order/participants/{ministry.id}",
                       data={"to": 0}).status_code in (403, 404)
    with pytest.raises(draft_editing.CompositionError):
        draft_editing.place_participant(ministry, 0)
    assert ministry.position is None


def test_the_order_of_the_opening_is_part_of_the_text_and_the_list_order_is_not(conference):
    declaration, _, _ = conference
    listed_before = fingerprint.fingerprint_of(composed_document.compose(declaration))
    older_before = fingerprint.fingerprint_of(
        composed_document.compose(declaration, layout=DeclarationLayout.named_in_opening))
    draft_editing.place_country(declaration, "TH", 0)
    draft_editing.place_participant(participant_named(declaration, "Siem Reap Province"), 0)
    assert fingerprint.fingerprint_of(composed_document.compose(declaration)) == listed_before
    declaration.layout = DeclarationLayout.named_in_opening
    draft_editing.place_participant(participant_named(declaration, "Phnom Penh Capital Hall"), 0)
    older = composed_document.compose(declaration)
    # The move within Cambodia stays: Siem Reap before Battambang, and so before the Ministry it was after.
    assert older.opening.startswith(
        "We, the representatives of Phnom Penh Capital Hall, Bangkok, Siem Reap Province, City of Kawasaki, "
        "City of Yokohama, Battambang, and Ministry of Interior, participated in")
    assert fingerprint.fingerprint_of(older) != older_before


def test_the_older_layout_names_its_host_and_the_listed_one_lists_it_when_the_host_says_so(conference):
    declaration, _, _ = conference
    assert "City of Yokohama" not in [name for group in composed_document.compose(declaration).signatories
                                      for name in group.organizations]
    named = composed_document.compose(declaration, layout=DeclarationLayout.named_in_opening)
    assert "City of Yokohama" in named.opening
    declaration.hosts_listed = True
    assert ("Japan", ["City of Kawasaki", "City of Yokohama"]) in [
        (group.country, group.organizations) for group in composed_document.compose(declaration).signatories]
    declaration.hosts_listed = False
    assert "City of Yokohama" not in composed_document.compose(
        declaration, layout=DeclarationLayout.named_in_opening).opening


def test_the_date_line_stands_where_the_host_puts_it_and_the_text_says_where(conference):
    declaration, _, _ = conference
    default = composed_document.compose(declaration)
    assert default.dated_under_title and default.place_and_date is None
    draft_editing.update_declaration(declaration, declaration.lock_version, date_position="end",
                                     date_line="October 3, 2024\nYokohama")
    moved = composed_document.compose(declaration)
    text = fingerprint.canonical_text(moved)
    assert "\ndate:" not in text and text.endswith("place and date: October 3, 2024\n  Yokohama\n")


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_default_closing_formulas_stay_defaults_and_the_drafters_own_stay_theirs(self, tmp_path):
        with migrated_application(tmp_path):
            seoul = create_organization("Seoul", OrganizationKind.city, "KR")
            tokyo = create_organization("Tokyo", OrganizationKind.city, "JP")
            details = dict(title="Seoul Declaration", meeting_name="Plenary", place="Seoul",
                           starts_on=date(2011, 10, 26), ends_on=date(2011, 10, 27))
            default = draft_editing.create_declaration(seoul, None, **details)
            co_host = invite(default, tokyo, ParticipantRole.host)
            answer_co_host_proposal(co_host, create_user("drafter@tokyo.example.org", "Tokyo Drafter",
                                                         "a long enough password", UserRole.drafter, tokyo), True)
            own = draft_editing.create_declaration(seoul, None, **details, closing_formula="Done at Seoul.")
            db.session.commit()
            ids = default.id, own.id
            db.session.close()

            downgrade(revision=REVISION_BEFORE)
            formulas = dict(db.session.execute(db.text("SELECT id, closing_formula FROM declarations")).all())
            assert formulas == {
                ids[0]: "This declaration is hereby proposed by Seoul (South Korea) and Tokyo (Japan) on "
                        "October 27, 2011, and affirmed by the participating cities and organizations.",
                ids[1]: "Done at Seoul.",
            }
            db.session.close()
            upgrade()
            assert dict(db.session.execute(db.text("SELECT id, closing_formula FROM declarations")).all()) == {
                ids[0]: None, ids[1]: "Done at Seoul."}
            db.session.close()


def test_the_host_parts_and_order_pass_through_an_export_and_an_import(conference, circulate, propose_final):
    declaration, drafter, delegates = conference
    # A file written before the parts could be rewritten has no "parts": every part is its default.
    earlier = retitled(interchange.export_declaration(declaration), "Yokohama Declaration, as filed before")
    del earlier["declaration"]["parts"]
    older = interchange.import_declaration(earlier).declaration
    assert [older.header, older.opening, older.closing_formula, older.date_position, older.country_order] == [None] * 5

    own = dict(header="ASIA SMART CITY CONFERENCE", opening="On October 3, 2024, we met in Yokohama.",
               date_line="October 3, 2024\nYokohama", list_heading="Participants", date_position="end",
               hosts_listed=True)
    draft_editing.update_declaration(declaration, declaration.lock_version, **own)
    draft_editing.place_country(declaration, "TH", 0)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    for delegate in delegates.values():
        signoff.answer(final, delegate, Answer.affirmed, True)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    exported = retitled(interchange.export_declaration(declaration), "Yokohama Declaration, again")

    imported = interchange.import_declaration(copy.deepcopy(exported)).declaration
    assert {name: getattr(imported, name) for name in own} == {**own, "date_position": DatePosition.end}
    assert imported.country_order == ["TH", "KH", "JP"]
    assert final_text.adopted_document(imported).signatories == final_text.adopted_document(declaration).signatories
    # Without its parts the file says the opening is the default, which would name the meeting: it is refused.
    del exported["declaration"]["parts"]
    with pytest.raises(interchange.ImportProblem, match="opening does not name the 13th Asia Smart City Conference"):
        interchange.import_declaration(retitled(exported, "Yokohama Declaration, a third time"))


def test_the_editor_says_which_parts_are_defaults_and_takes_one_back_to_its_default(client, login_as, conference):
    declaration, drafter, _ = conference
    login_as(drafter)
    base = f"/declarations/{declaration.id}"
    assert client.get(base).get_data(as_text=True).count('<span class="tag">default</span>') == 5
    header = "ASIA SMART CITY CONFERENCE (ASCC)"
    assert client.post(f"{base}/header", data={"header": header, "lock_version": declaration.lock_version}).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert page.count('<span class="tag">default</span>') == 4 and "Go back to the default header" in page
    assert composed_document.compose(declaration).header == header
    # Bad input: a header over its limit, or on two lines, is refused at its field and nothing is stored.
    for bad in ("H" * 201, "ASCC\n2024"):
        refused = client.post(f"{base}/header", data={"header": bad, "lock_version": declaration.lock_version})
        assert refused.status_code == 422 and 'aria-invalid="true"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert declaration.header == header
    assert client.post(f"{base}/header", data={"header": header, "restore": "1",
                                               "lock_version": declaration.lock_version}).status_code == 302
    db.session.expire_all()
    assert declaration.header is None and composed_document.compose(declaration).header == "ASCC 2024"


def test_a_placement_out_of_its_choices_is_refused_and_nothing_is_stored(client, login_as, conference):
    declaration, drafter, _ = conference
    login_as(drafter)
    base = f"/declarations/{declaration.id}"
    for bad in ({"date_position": "margin", "hosts_listed": ""}, {"date_position": "end", "hosts_listed": "maybe"}):
        page = client.post(f"{base}/placement", data={**bad, "lock_version": declaration.lock_version},
                           follow_redirects=True).get_data(as_text=True)
        assert "Choose where the date line stands and whether the hosts are listed." in page
    db.session.expire_all()
    assert (declaration.date_position, declaration.hosts_listed) == (None, None)
    assert client.post(f"{base}/placement", data={"date_position": "none", "hosts_listed": "yes",
                                                  "lock_version": declaration.lock_version}).status_code == 302
    db.session.expire_all()
    assert (declaration.date_position, declaration.hosts_listed) == (DatePosition.none, True)
    document = composed_document.compose(declaration)
    assert not document.dated_under_title and document.place_and_date is None
