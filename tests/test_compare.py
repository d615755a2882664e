"""Comparing two circulated versions through the web page: who may, what the redline shows, and escaping."""

import pytest

from drafting.domain import draft_editing as composition
from drafting.domain.people.participants import invite
from drafting.models import ParticipantRole, UserRole

# How the page marks a run of inserted or deleted text, with words for screen readers around it.
HIDDEN = '<span class="visually-hidden">{}</span>'
INSERTED = f"<ins>{HIDDEN.format('inserted: ')}{{}}{HIDDEN.format(' (end of insertion)')}</ins>"
DELETED = f"<del>{HIDDEN.format('deleted: ')}{{}}{HIDDEN.format(' (end of deletion)')}</del>"


@pytest.fixture
def two_drafts(make_declaration, make_organization, make_user, circulate):
    """A declaration in consultation, circulated as Draft 1 and, after clause 2 was edited, as Draft 2.

    With a host drafter, a delegate of an invited city, a delegate of another city and an administrator.
    """
    declaration = make_declaration(clauses=3)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    edit(declaration, 2, "Text of clause 2 for every city.")
    circulate(declaration, by=drafter)
    return {
        "declaration": declaration,
        "drafter": drafter,
        "seoul": make_user(role=UserRole.delegate, organization=seoul),
        "outsider": make_user(role=UserRole.delegate),
        "administrator": make_user(role=UserRole.administrator),
    }


def edit(declaration, number, body):
    clause = declaration.clauses[number - 1]
    composition.update_clause(clause, clause.lock_version, clause.heading, body)


def compare_url(declaration, query=""):
    return f"/declarations/{declaration.id}/compare{query}"


def redline_of(page: str) -> str:
    """Return the compared text of a page: the article, without the form, summary and legend above it."""
    return page[page.index('<article class="document redline"'):page.index("</article>")]


@pytest.mark.parametrize("who", ["drafter", "seoul", "administrator"])
def test_the_host_a_delegate_and_an_administrator_see_the_redline_of_the_two_latest_drafts(
    client, login_as, two_drafts, who
):
    login_as(two_drafts[who])
    response = client.get(compare_url(two_drafts["declaration"]))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Draft 1 to Draft 2" in page
    assert "2 insertions, 1 deletion in clause 2." in page
    assert (
        f"{DELETED.format('Body')}{INSERTED.format('Text')} of clause 2{INSERTED.format(' for every city')}."
        in redline_of(page)
    )
    assert "<p>Body of clause 1.</p>" in redline_of(page)


@pytest.mark.parametrize("who", ["outsider", None])
def test_an_uninvited_user_and_anonymous_are_not_shown_the_redline(client, login_as, two_drafts, who):
    if who:
        login_as(two_drafts[who])
    response = client.get(compare_url(two_drafts["declaration"]))
    assert response.status_code in ((404,) if who else (302, 404))  # anonymous may be sent to sign in
    assert "Body of clause" not in response.get_data(as_text=True)


def test_a_moved_clause_is_shown_moved_not_deleted_and_inserted(client, login_as, two_drafts, circulate):
    declaration = two_drafts["declaration"]
    composition.move_clause(declaration.clauses[2], -1)
    circulate(declaration, by=two_drafts["drafter"])
    login_as(two_drafts["seoul"])
    page = client.get(compare_url(declaration)).get_data(as_text=True)
    assert "Draft 2 to Draft 3" in page
    assert "<h2>Clause 2 (was 3)</h2>" in page and "<h2>Clause 3 (was 2)</h2>" in page
    assert "<ins>" not in redline_of(page) and "<del>" not in redline_of(page)
    assert "<p>Body of clause 3.</p>" in redline_of(page)
    assert "No words changed. Renumbered: clause 2 (was 3) and clause 3 (was 2)." in page


def test_two_versions_are_chosen_by_number_in_the_form(client, login_as, two_drafts, circulate):
    declaration = two_drafts["declaration"]
    edit(declaration, 1, "Body of clause 1, amended.")
    circulate(declaration, by=two_drafts["drafter"])
    login_as(two_drafts["drafter"])
    page = client.get(compare_url(declaration, "?from=1&to=3")).get_data(as_text=True)
    assert "Draft 1 to Draft 3" in page
    assert '<option value="1" selected>' in page and '<option value="3" selected>' in page
    assert "in clauses 1 and 2." in page
    default = client.get(compare_url(declaration)).get_data(as_text=True)
    assert "Draft 2 to Draft 3" in default and "in clause 1." in default


@pytest.mark.parametrize("query", ["?from=9", "?to=0", "?from=one", "?from=1&to="])
def test_unknown_version_numbers_are_not_found(client, login_as, two_drafts, query):
    login_as(two_drafts["drafter"])
    assert client.get(compare_url(two_drafts["declaration"], query)).status_code == 404


def test_a_declaration_with_one_version_says_there_is_nothing_to_compare(
    client, login_as, make_declaration, make_user, circulate
):
    declaration = make_declaration(clauses=1)
    drafter = make_user(organization=declaration.host)
    login_as(drafter)
    page = client.get(compare_url(declaration)).get_data(as_text=True)
    assert "No version has been circulated yet: there is nothing to compare." in page
    circulate(declaration, by=drafter)
    response = client.get(compare_url(declaration))
    assert response.status_code == 200
    only_one = response.get_data(as_text=True)
    assert "Only Draft 1 has been circulated: there is nothing to compare it with yet." in only_one


def test_markup_typed_in_a_clause_is_shown_escaped(client, login_as, two_drafts, circulate):
    declaration = two_drafts["declaration"]
    edit(declaration, 3, 'Body of clause 3 <script>alert("x")</script>.')
    circulate(declaration, by=two_drafts["drafter"])
    login_as(two_drafts["seoul"])
    page = client.get(compare_url(declaration)).get_data(as_text=True)
    assert "<script>" not in page
    assert INSERTED.format(" &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") in page


def test_lists_and_emphasis_show_as_in_the_document_not_as_raw_markup(client, login_as, two_drafts, circulate):
    declaration = two_drafts["declaration"]
    edit(declaration, 3, "We will:\n- share *our* plans;\n- train together.")
    circulate(declaration, by=two_drafts["drafter"])
    edit(declaration, 3, "We will:\n- share *all our* plans;\n- train together;\n- help each other.")
    circulate(declaration, by=two_drafts["drafter"])
    login_as(two_drafts["seoul"])

    page = redline_of(client.get(compare_url(declaration)).get_data(as_text=True))
    clause = page[page.index("<h2>Clause 3</h2>"):]

    assert "*" not in clause and "- " not in clause
    assert f"<p>We will:</p><ul><li>share <em>{INSERTED.format('all ')}</em><em>our</em> plans;</li>" in clause
    assert f"<li>{INSERTED.format('help each other')}.</li></ul>" in clause
