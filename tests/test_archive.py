"""The public archive: adopted declarations only, filters and word search, each declaration's page."""

import re
from datetime import datetime, timezone

import pytest

from drafting.domain import draft_editing as composition, signoff
from drafting.domain.people.participants import invite
from drafting.domain.text import composed_document as document, fingerprint
from drafting.extensions import db
from drafting.models import Answer, DeclarationLayout, DeclarationState, Network, ParticipantRole, UserRole


@pytest.fixture
def adopt(make_declaration, make_organization, make_user, circulate, propose_final):
    """Adopt a declaration through circulation, answers and adoption; return it.

    `answers` maps "Name/CC" (organization, country) to an Answer, or to (Answer.affirmed_with_statement, statement).
    """

    def adopt(answers=None, adopted_at=None, clauses=2, **fields):
        declaration = make_declaration(clauses=clauses, **fields)
        delegates = []
        for key, given in (answers or {}).items():
            name, country = key.split("/")
            organization = make_organization(name, country)
            invite(declaration, organization, ParticipantRole.participant)
            delegates.append((make_user(role=UserRole.delegate, organization=organization), given))
        drafter = make_user(organization=declaration.host)
        circulate(declaration, by=drafter)
        final = propose_final(declaration, by=drafter)
        for delegate, given in delegates:
            given, statement = given if isinstance(given, tuple) else (given, None)
            signoff.answer(final, delegate, given, True, statement=statement)
        signoff.adopt(declaration, drafter)
        if adopted_at is not None:
            declaration.adopted_at = adopted_at
        db.session.commit()
        return declaration

    return adopt


@pytest.fixture
def unpublished(make_declaration, make_user, circulate, propose_final):
    """Make a declaration in the given state that is not adopted; return it."""

    def make(state: DeclarationState, **fields):
        declaration = make_declaration(clauses=1, **fields)
        drafter = make_user(organization=declaration.host)
        if state is not DeclarationState.drafting:
            circulate(declaration, by=drafter)
        if state is DeclarationState.affirmation:
            propose_final(declaration, by=drafter)
        if state is DeclarationState.withdrawn:
            signoff.withdraw(declaration, drafter, "The meeting was cancelled.")
        db.session.commit()
        assert declaration.state is state
        return declaration

    return make


def latest_fingerprint(declaration) -> str:
    """Return the fingerprint of the declaration's last version, or of its working draft if none was circulated."""
    if declaration.versions:
        return declaration.versions[-1].fingerprint
    return fingerprint.fingerprint_of(document.compose(declaration))


def listed_titles(client, query="") -> list[str]:
    """Return the titles the archive lists for the query, in the order listed."""
    page = client.get(f"/archive{query}")
    assert page.status_code == 200
    html = re.sub(r"</?mark>", "", page.get_data(as_text=True))
    listed = [title for title in TITLES if f">{title}</a>" in html]
    return sorted(listed, key=lambda title: html.index(f">{title}</a>"))


TITLES = ["Tokyo Declaration", "Seoul Declaration", "Bangkok Declaration", "Draft Declaration"]


def test_the_archive_lists_adopted_declarations_only_newest_adoption_first(client, adopt, unpublished):
    adopt(title="Tokyo Declaration", adopted_at=datetime(2010, 11, 9, 12, tzinfo=timezone.utc))
    adopt(title="Seoul Declaration", adopted_at=datetime(2014, 10, 2, 12, tzinfo=timezone.utc))
    for state in (DeclarationState.drafting, DeclarationState.consultation,
                  DeclarationState.affirmation, DeclarationState.withdrawn):
        unpublished(state, title="Draft Declaration")
    html = client.get("/archive").get_data(as_text=True)
    assert "Draft Declaration" not in html
    assert html.index("Seoul Declaration") < html.index("Tokyo Declaration")
    assert "October 2, 2014" in html and "Plenary Meeting of the Asian Network of Major Cities 21" in html


def test_every_visitor_finds_the_archive_in_the_navigation(client, login_as, make_user):
    assert 'href="/archive">Archive</a>' in client.get("/").get_data(as_text=True)
    login_as(make_user())
    assert 'href="/archive">Archive</a>' in client.get("/").get_data(as_text=True)


def test_filters_offer_only_what_adopted_declarations_have_and_narrow_the_list(
    client, adopt, unpublished, make_organization
):
    anmc21 = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    db.session.add(anmc21)
    db.session.commit()
    adopt(title="Tokyo Declaration", host=make_organization("Tokyo", "JP"), network_id=anmc21.id,
          adopted_at=datetime(2010, 11, 9, 12, tzinfo=timezone.utc))
    adopt(title="Seoul Declaration", host=make_organization("Seoul", "KR"),
          adopted_at=datetime(2014, 10, 2, 12, tzinfo=timezone.utc))
    unpublished(DeclarationState.consultation, title="Draft Declaration", host=make_organization("Hanoi", "VN"))
    html = client.get("/archive").get_data(as_text=True)
    assert '<option value="JP">Japan</option>' in html and '<option value="KR">South Korea</option>' in html
    assert "Viet Nam" not in html and "Vietnam" not in html  # only a draft is hosted there
    assert '<option value="2014">2014</option>' in html and '<option value="2010">2010</option>' in html
    assert listed_titles(client, f"?network={anmc21.id}") == ["Tokyo Declaration"]
    assert listed_titles(client, "?year=2014") == ["Seoul Declaration"]
    assert listed_titles(client, "?country=JP") == ["Tokyo Declaration"]
    assert listed_titles(client, "?country=KR&year=2010") == []
    assert client.get("/archive?country=VN").status_code == 422  # not a choice: no adopted declaration there


def test_words_must_all_appear_in_the_title_or_the_adopted_text(client, adopt):
    adopt(title="Tokyo Declaration")
    adopt(title="Seoul Declaration", place="Seoul", preamble="We hold disaster drills every year, at 100% readiness.")
    assert listed_titles(client, "?words=tokyo") == ["Tokyo Declaration"]
    assert listed_titles(client, "?words=DISASTER+drills") == ["Seoul Declaration"]
    assert listed_titles(client, "?words=disaster+tokyo") == []
    # Ranked by how well each matches (tests/test_archive_pages.py), not by date.
    assert sorted(listed_titles(client, "?words=clause+body")) == ["Seoul Declaration", "Tokyo Declaration"]
    # Whole words are searched for: % and _ are neither words nor wildcards.
    assert listed_titles(client, "?words=100%25") == ["Seoul Declaration"]
    assert listed_titles(client, "?words=readi") == []
    assert listed_titles(client, "?words=100+%25+_") == ["Seoul Declaration"]


def test_search_reads_the_adopted_text_not_an_earlier_final_text(client, adopt, make_declaration, make_user,
                                                                   circulate, propose_final):
    declaration = make_declaration(clauses=1, title="Tokyo Declaration")
    composition.update_clause(declaration.clauses[0], declaration.clauses[0].lock_version, None, "Obsolete words.")
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    first_final = propose_final(declaration, by=drafter)
    signoff.reopen(declaration, drafter, "The clause must change.")
    clause = declaration.clauses[0]
    composition.update_clause(clause, clause.lock_version, None, "Current words.")
    propose_final(declaration, by=drafter)
    signoff.adopt(declaration, drafter)
    db.session.commit()
    assert listed_titles(client, "?words=current") == ["Tokyo Declaration"]
    assert listed_titles(client, "?words=obsolete") == []
    assert "not an adopted text" in client.get(f"/verify/{first_final.fingerprint}").get_data(as_text=True)


def test_the_list_takes_the_same_number_of_queries_whatever_the_number_of_declarations(
    client, adopt, count_queries, make_organization
):
    network = Network(name="Asian Network of Major Cities 21")
    db.session.add(network)
    db.session.commit()
    adopt(title="Tokyo Declaration", network_id=network.id)

    def queries(path):
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return len(counted)

    one = queries("/archive?words=declaration")
    for title in ("Seoul Declaration", "Bangkok Declaration"):
        adopt(title=title, network_id=network.id, host=make_organization(title.split()[0], "TH"))
    newest_first = ["Bangkok Declaration", "Seoul Declaration", "Tokyo Declaration"]
    assert listed_titles(client, "?words=declaration") == newest_first
    assert queries("/archive?words=declaration") == one


def test_a_declarations_page_shows_its_text_who_affirmed_it_and_their_statements(client, adopt):
    declaration = adopt(
        title="Tokyo Declaration",
        answers={
            "Seoul/KR": Answer.affirmed,
            "Bangkok/TH": (Answer.affirmed_with_statement, "Bangkok <b>reserves</b> its position on clause 2."),
            "Jakarta/ID": Answer.declined,
        },
        adopted_at=datetime(2010, 11, 9, 12, tzinfo=timezone.utc),
    )
    page = client.get(f"/archive/{declaration.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Tokyo Declaration", "Heading 1", "Body of clause 2.", "held in Tokyo from November 8 to 9, 2010",
                 "Adopted</dt><dd>November 9, 2010", "(South Korea)", "Seoul", "(Thailand)", "Bangkok"):
        assert text in html, text
    assert "Jakarta" not in html and "Indonesia" not in html
    assert "Bangkok &lt;b&gt;reserves&lt;/b&gt; its position on clause 2." in html and "<b>reserves" not in html
    final = signoff.final_version(declaration)
    assert f'href="/verify/{final.fingerprint}"' in html
    assert f'href="/declarations/{declaration.id}/declaration.pdf"' in html
    assert f'href="/declarations/{declaration.id}/declaration.pdf?size=letter"' in html


def test_the_older_layout_lists_who_affirmed_it_after_the_text(client, adopt):
    declaration = adopt(layout=DeclarationLayout.named_in_opening,
                        answers={"Seoul/KR": Answer.affirmed, "Jakarta/ID": Answer.affirmed})
    html = client.get(f"/archive/{declaration.id}").get_data(as_text=True)
    affirmed_by = html[html.index("Affirmed by"):]
    assert affirmed_by.index("Indonesia") < affirmed_by.index("Jakarta") < affirmed_by.index("South Korea")
    assert affirmed_by.index("South Korea") < affirmed_by.index("Seoul")


@pytest.mark.parametrize("state", [DeclarationState.drafting, DeclarationState.consultation,
                                   DeclarationState.affirmation, DeclarationState.withdrawn])
def test_a_declaration_not_adopted_is_not_found_on_any_public_route(client, unpublished, state):
    declaration = unpublished(state, title="Confidential Declaration", place="Nowhere-in-particular")
    pdf = f"/declarations/{declaration.id}/declaration.pdf"
    for path in (f"/archive/{declaration.id}", f"/api/declarations/{declaration.id}", pdf, f"{pdf}?size=letter"):
        assert client.get(path).status_code == 404, path
    for path in ("/archive", "/api/declarations"):
        assert "Confidential" not in client.get(path).get_data(as_text=True)
    verdict = client.get(f"/verify/{latest_fingerprint(declaration)}")
    html = verdict.get_data(as_text=True)
    assert verdict.status_code == 200 and "This is not an adopted text" in html
    assert "Confidential" not in html and "Nowhere-in-particular" not in html and declaration.host.name not in html


def test_an_unknown_declaration_is_not_found(client):
    assert client.get("/archive/999999").status_code == 404
