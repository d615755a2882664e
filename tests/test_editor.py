"""The host-city drafting journey through the web pages."""

import html.parser
import re
from datetime import date

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from drafting.domain import draft_editing
from drafting.domain.people import participants
from drafting.domain.people.participants import invite
from drafting.domain.text.composed_document import Part, part_text
from drafting.extensions import db
from drafting.models import ClauseTemplate, Declaration, Network, NetworkMembership, Organization, ParticipantRole, UserRole
from tests.conftest import PASSWORD

NEW_DECLARATION = {
    "title": "Tokyo Declaration",
    "subtitle": "Cities in harmony with the environment",
    "meeting_name": "Plenary Meeting of the Asian Network of Major Cities 21",
    "meeting_number": "9",
    "meeting_acronym": "ANMC21",
    "place": "Tokyo",
    "starts_on": "2010-11-08",
    "ends_on": "2010-11-09",
    "language": "en",
    "layout": "listed_by_country",
    "network_id": "0",
}


@pytest.fixture
def drafter(make_user, login_as):
    return login_as(make_user())


@pytest.fixture
def own_declaration(drafter, make_declaration):
    return make_declaration(host=drafter.organization, clauses=3)


def count_declarations():
    return db.session.scalar(select(func.count()).select_from(Declaration))


def test_a_drafter_creates_a_declaration_hosted_by_their_organization(client, drafter):
    response = client.post("/declarations/new", data=NEW_DECLARATION)
    assert response.status_code == 302
    declaration = db.session.scalar(select(Declaration).order_by(Declaration.id.desc()))
    assert declaration.host == drafter.organization
    assert [(p.organization, p.role) for p in declaration.participants] == [(drafter.organization, ParticipantRole.host)]
    assert declaration.closing_formula is None  # the default, written from the hosts and dates
    assert part_text(declaration, Part.closing_formula).startswith(
        f"This declaration is hereby proposed by {drafter.organization.name}, Japan")
    page = client.get(response.location).get_data(as_text=True)
    assert "Tokyo Declaration" in page
    assert "The 9th Plenary Meeting of the Asian Network of Major Cities 21 held in Tokyo from November 8 to 9, 2010" in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "This field is required."),
        ("title", "x" * 201, "Field cannot be longer than 200 characters."),
        ("place", "   ", "This field is required."),
        ("ends_on", "2010-11-07", "The last day cannot be before the first day."),
        ("starts_on", "not a date", "Not a valid date value."),
        ("language", "xx", "Not a valid choice."),
        ("meeting_number", "0", "A number from 1 to 9999."),
    ],
)
def test_bad_details_are_refused_at_the_field_and_nothing_is_stored(client, drafter, field, value, message):
    before = count_declarations()
    response = client.post("/declarations/new", data={**NEW_DECLARATION, field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in page and message in page
    assert count_declarations() == before


def test_a_delegate_cannot_create_a_declaration(client, make_user, login_as):
    login_as(make_user(role=UserRole.delegate))
    assert client.get("/declarations/new").status_code == 403
    assert client.post("/declarations/new", data=NEW_DECLARATION).status_code == 403


def test_editing_details_that_someone_saved_meanwhile_shows_their_version(client, own_declaration):
    seen = own_declaration.lock_version
    first = client.post(f"/declarations/{own_declaration.id}/details",
                        data={**NEW_DECLARATION, "title": "Seoul Declaration", "lock_version": seen})
    assert first.status_code == 302
    second = client.post(f"/declarations/{own_declaration.id}/details",
                         data={**NEW_DECLARATION, "title": "Hanoi Declaration", "lock_version": seen})
    assert second.status_code == 409
    assert "Someone else saved these details" in second.get_data(as_text=True)
    assert "Seoul Declaration" in second.get_data(as_text=True)
    db.session.refresh(own_declaration)
    assert own_declaration.title == "Seoul Declaration"


def test_inserting_a_template_prefills_what_the_declaration_knows(client, own_declaration, make_template):
    template = make_template(
        name="Next plenary",
        heading="The {{next_meeting_ordinal}} Plenary Meeting",
        body="The {{next_meeting_ordinal}} Plenary Meeting will be held in {{next_meeting_city}} in {{next_meeting_year}}.",
    )
    url = f"/declarations/{own_declaration.id}/insert/{template.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="placeholder-next_meeting_ordinal" type="number" value="10"' in page

    filled = {"placeholder-next_meeting_ordinal": "10", "placeholder-next_meeting_year": "2011"}
    refused = client.post(url, data={**filled, "placeholder-next_meeting_city": ""})
    assert refused.status_code == 422
    assert "Fill in this placeholder." in refused.get_data(as_text=True)
    assert len(own_declaration.clauses) == 3

    inserted = client.post(url, data={**filled, "placeholder-next_meeting_city": "Seoul"})
    assert inserted.status_code == 302
    db.session.refresh(own_declaration)
    clause = own_declaration.clauses[-1]
    assert (clause.position, clause.heading, clause.template) == (4, "The 10th Plenary Meeting", template)
    assert clause.body == "The 10th Plenary Meeting will be held in Seoul in 2011."


def test_a_template_with_broken_braces_cannot_be_inserted(client, own_declaration, make_template):
    template = make_template(body="We welcome {{next_meeting_city} soon.")
    response = client.get(f"/declarations/{own_declaration.id}/insert/{template.id}")
    assert response.status_code == 302
    assert "never closed" in client.get(response.location).get_data(as_text=True)


# Placeholders named like the form's own attributes: {{meta}}, {{csrf_token}}, {{data}} ...

CLASHING_NAMES = sorted({
    "meta", "process", "csrf_token", "data", "errors", "validate", "populate_obj", "hidden_tag", "submit",
    "form_errors", "validate_on_submit", "is_submitted", "post_process", "extra_validators", "prefix", "name",
} | {name for name in dir(FlaskForm) if re.fullmatch(r"[a-z][a-z0-9_]*", name)})


class FormFields(html.parser.HTMLParser):
    """The fields of a page's forms: each input's name and value, and the text of its label."""

    def __init__(self, page: str):
        super().__init__()
        self.inputs: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self._label_for = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input":
            self.inputs[attributes.get("id") or attributes["name"]] = attributes
        elif tag == "label":
            self._label_for = attributes.get("for")

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def field_labelled(self, label: str) -> dict:
        """Return the attributes of the input whose label reads `label`."""
        (found,) = [self.inputs[id_] for id_, text in self.labels.items() if text.strip() == label]
        return found


def save_template_through_the_library(client, heading: str, body: str) -> ClauseTemplate:
    response = client.post("/library/new", data={
        "name": "Every name the form has", "category": "cooperation", "language": "en", "heading": heading, "body": body,
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(ClauseTemplate).order_by(ClauseTemplate.id.desc()))


def clashing_template(client) -> ClauseTemplate:
    return save_template_through_the_library(
        client, heading="On {{meta:text}} and {{csrf_token:text}}",
        body="\n".join(f"{name} is {{{{{name}:text}}}}." for name in CLASHING_NAMES),
    )


def filled_values(page: str, values: dict[str, str]) -> dict[str, str]:
    """Return the form data that fills each placeholder, found by its label, with values[name]."""
    fields = FormFields(page)
    data = {field["name"]: values[name] for name in CLASHING_NAMES
            for field in [fields.field_labelled(name.replace("_", " ").capitalize())]}
    assert len(data) == len(CLASHING_NAMES)  # one field each
    return data


def test_placeholders_named_like_the_forms_own_attributes_are_filled_in(client, own_declaration):
    template = clashing_template(client)
    url = f"/declarations/{own_declaration.id}/insert/{template.id}"
    shown = client.get(url)
    assert shown.status_code == 200
    values = {name: f"value of {name}" for name in CLASHING_NAMES}

    inserted = client.post(url, data=filled_values(shown.get_data(as_text=True), values))

    assert inserted.status_code == 302, inserted.get_data(as_text=True)
    db.session.refresh(own_declaration)
    clause = own_declaration.clauses[-1]
    assert (clause.position, clause.template) == (4, template)
    assert clause.heading == "On value of meta and value of csrf_token"
    assert clause.body == "\n".join(f"{name} is value of {name}." for name in CLASHING_NAMES)


def test_an_empty_placeholder_named_like_an_attribute_of_the_form_gets_its_message(client, own_declaration):
    template = clashing_template(client)
    url = f"/declarations/{own_declaration.id}/insert/{template.id}"
    data = filled_values(client.get(url).get_data(as_text=True), {name: name.upper() for name in CLASHING_NAMES})
    emptied = next(field for field, value in data.items() if value == "CSRF_TOKEN")

    refused = client.post(url, data={**data, emptied: " "})

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    errors = page[page.index(f'id="{emptied}-errors"'):]
    assert "Fill in this placeholder." in errors[:errors.index("</ul>")]
    assert page.count("Fill in this placeholder.") == 1
    db.session.refresh(own_declaration)
    assert len(own_declaration.clauses) == 3


def test_the_insert_page_still_needs_its_csrf_token_when_a_placeholder_is_called_csrf_token(
        app, client, own_declaration, monkeypatch):
    template = clashing_template(client)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/declarations/{own_declaration.id}/insert/{template.id}"
    page = client.get(url).get_data(as_text=True)
    token = FormFields(page).inputs["csrf_token"]["value"]
    data = filled_values(page, {name: f"value of {name}" for name in CLASHING_NAMES})

    for forged in ({}, {"csrf_token": "forged"}, {"csrf_token": "value of csrf_token"}):
        assert client.post(url, data={**data, **forged}).status_code == 400
        db.session.refresh(own_declaration)
        assert len(own_declaration.clauses) == 3
    assert client.post(url, data={**data, "csrf_token": token}).status_code == 302
    db.session.refresh(own_declaration)
    assert own_declaration.clauses[-1].body.startswith(f"{CLASHING_NAMES[0]} is value of {CLASHING_NAMES[0]}.")


@pytest.mark.parametrize("name", ["_fields", "__class__", "Meta"])
def test_names_that_are_no_placeholder_names_are_refused_when_the_template_is_saved(client, drafter, name):
    response = client.post("/library/new", data={
        "name": "Not a name", "category": "cooperation", "language": "en", "body": f"We meet in {{{{{name}:text}}}}.",
    })
    assert response.status_code == 422
    assert "Malformed placeholder" in response.get_data(as_text=True)


def test_clauses_are_added_reordered_and_removed(client, own_declaration):
    base = f"/declarations/{own_declaration.id}"
    assert client.post(f"{base}/clauses", data={"heading": "Youth", "body": "We will *invite* young people."}).status_code == 302
    assert client.post(f"{base}/clauses", data={"heading": "Empty", "body": "  "}).status_code == 422
    fourth = own_declaration.clauses[3]
    assert client.post(f"{base}/clauses/{fourth.id}/move", data={"direction": "up"}).status_code == 302
    first = own_declaration.clauses[0]
    assert client.post(f"{base}/clauses/{first.id}/remove").status_code == 302
    db.session.expire_all()
    assert [(c.position, c.heading) for c in own_declaration.clauses] == [
        (1, "Heading 2"), (2, "Youth"), (3, "Heading 3"),
    ]
    page = client.get(base).get_data(as_text=True)
    assert "We will <em>invite</em> young people." in page


def test_the_second_save_of_the_same_clause_gets_a_conflict_showing_the_first(client, own_declaration):
    clause = own_declaration.clauses[0]
    url = f"/declarations/{own_declaration.id}/clauses/{clause.id}/edit"
    seen = clause.lock_version
    assert client.post(url, data={"heading": "A", "body": "Text of the first drafter.", "lock_version": seen}).status_code == 302
    second = client.post(url, data={"heading": "B", "body": "Text of the second drafter.", "lock_version": seen})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved this clause" in page
    assert "Text of the first drafter." in page
    assert "Text of the second drafter." in page  # the loser's text is kept in the form, not lost
    db.session.refresh(clause)
    assert clause.body == "Text of the first drafter."


def test_user_text_is_shown_as_text_never_as_markup(client, own_declaration):
    base = f"/declarations/{own_declaration.id}"
    client.post(f"{base}/clauses", data={"heading": "<b>Bold</b>", "body": '<script>alert(1)</script> <img src="file:///etc/passwd">'})
    for page in (client.get(base), client.get(f"{base}/preview")):
        text = page.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in text and "<b>Bold</b>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert '<img src="file:///etc/passwd">' not in text


def test_organizations_are_invited_one_by_one_or_by_network(client, own_declaration, make_organization):
    base = f"/declarations/{own_declaration.id}"
    seoul, hanoi, beijing, jakarta = (make_organization(name, country) for name, country in
                                      [("Seoul", "KR"), ("Hanoi", "VN"), ("Beijing", "CN"), ("Jakarta", "ID")])
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    network.memberships = [
        NetworkMembership(organization=seoul, joined_on=date(2001, 10, 1)),
        NetworkMembership(organization=hanoi, joined_on=date(2001, 10, 1)),
        NetworkMembership(organization=beijing, joined_on=date(2001, 10, 1), left_on=date(2005, 8, 1)),
    ]
    db.session.add(network)
    db.session.flush()

    assert client.post(f"{base}/participants", data={"organization_id": jakarta.id, "role": "observer"}).status_code == 302
    assert client.post(f"{base}/participants/network", data={"network_id": network.id, "role": "participant"}).status_code == 302
    again = client.post(f"{base}/participants", data={"organization_id": seoul.id, "role": "participant"}, follow_redirects=True)
    assert "Seoul takes part already, as participant." in again.get_data(as_text=True)
    db.session.expire_all()
    roles = {p.organization.name: p.role for p in own_declaration.participants}
    assert roles == {
        own_declaration.host.name: ParticipantRole.host,
        "Jakarta": ParticipantRole.observer,
        "Seoul": ParticipantRole.participant,
        "Hanoi": ParticipantRole.participant,
    }


def test_a_co_host_invited_in_the_editor_is_named_in_the_closing_formula_of_the_preview_once_it_accepts(
    client, own_declaration, make_organization, make_user
):
    base = f"/declarations/{own_declaration.id}"
    yokohama = make_organization("City of Yokohama", "JP")
    response = client.post(f"{base}/participants", data={"organization_id": yokohama.id, "role": "host"})
    assert response.status_code == 302
    client.get(response.location)  # shows, and so clears, its message
    host = own_declaration.host.name
    assert "City of Yokohama" not in client.get(f"{base}/preview").get_data(as_text=True)
    assert "co-host proposed" in client.get(base).get_data(as_text=True)
    db.session.expire_all()
    proposal = next(p for p in own_declaration.participants if p.organization_id == yokohama.id)
    participants.answer_co_host_proposal(proposal, make_user(organization=yokohama), accept=True)
    db.session.commit()
    assert f"proposed by {host} (Japan) and City of Yokohama (Japan) on" in client.get(f"{base}/preview").get_data(as_text=True)
    assert "co-host" in client.get(base).get_data(as_text=True)


def test_the_host_cannot_be_uninvited(client, own_declaration):
    host = own_declaration.participants[0]
    response = client.post(f"/declarations/{own_declaration.id}/participants/{host.id}/remove", follow_redirects=True)
    assert "The host cannot be removed" in response.get_data(as_text=True)
    assert len(own_declaration.participants) == 1


def test_the_preview_shows_either_layout(client, own_declaration, make_organization):
    client.post(f"/declarations/{own_declaration.id}/participants",
                data={"organization_id": make_organization("Bangkok", "TH").id, "role": "participant"})
    listed = client.get(f"/declarations/{own_declaration.id}/preview").get_data(as_text=True)
    assert "Participating cities and organizations" in listed and "(Thailand)" in listed
    named = client.get(f"/declarations/{own_declaration.id}/preview?layout=named_in_opening").get_data(as_text=True)
    assert f"We, the representatives of Bangkok and {own_declaration.host.name}, participated in the 9th" in named
    assert "November 9, 2010 / Tokyo" in named
    assert client.get(f"/declarations/{own_declaration.id}/preview?layout=other").status_code == 404


EDITOR_ROUTES = [
    ("GET", ""), ("GET", "/preview"), ("GET", "/details"), ("POST", "/details"), ("POST", "/preamble"),
    ("POST", "/closing-formula"), ("POST", "/clauses"), ("GET", "/clauses/{clause}/edit"),
    ("POST", "/clauses/{clause}/edit"), ("POST", "/clauses/{clause}/move"), ("POST", "/clauses/{clause}/remove"),
    ("GET", "/insert"), ("GET", "/insert/{template}"), ("POST", "/insert/{template}"), ("POST", "/participants"),
    ("POST", "/participants/network"), ("POST", "/participants/{participant}/remove"),
    ("POST", "/header"), ("POST", "/opening"), ("POST", "/date-line"), ("POST", "/list-heading"),
    ("POST", "/placement"), ("POST", "/order/participants/{participant}"), ("POST", "/order/countries/JP"),
]


@pytest.mark.parametrize("method, path", EDITOR_ROUTES)
def test_a_draft_does_not_exist_for_other_organizations(client, login_as, make_user, make_declaration, make_template,
                                                         method, path):
    declaration = make_declaration(clauses=1)
    url = f"/declarations/{declaration.id}" + path.format(
        clause=declaration.clauses[0].id, template=make_template().id, participant=declaration.participants[0].id
    )
    for outsider in (make_user(), make_user(role=UserRole.delegate)):
        login_as(outsider)
        assert client.open(url, method=method, data={"body": "Hijacked", "direction": "up"}).status_code == 404
    client.post("/logout")
    assert client.open(url, method=method).status_code in (302, 404)
    db.session.expire_all()
    assert declaration.clauses[0].body == "Body of clause 1."


@pytest.mark.parametrize("method, path", [r for r in EDITOR_ROUTES if r[1] not in ("", "/preview")])
def test_staff_of_the_host_who_are_not_drafters_may_read_but_not_edit(client, login_as, make_user, make_declaration,
                                                                      make_template, method, path):
    declaration = make_declaration(clauses=1)
    login_as(make_user(role=UserRole.delegate, organization=declaration.host))
    url = f"/declarations/{declaration.id}" + path.format(
        clause=declaration.clauses[0].id, template=make_template().id, participant=declaration.participants[0].id
    )
    assert client.get(f"/declarations/{declaration.id}").status_code == 200
    assert client.open(url, method=method, data={"body": "Changed", "direction": "up"}).status_code == 403


def test_the_editor_makes_as_many_queries_for_60_clauses_as_for_5(client, drafter, make_declaration,
                                                                   make_organization, make_template, count_queries):
    host_id = drafter.organization_id

    def queries_for(clauses):
        declaration = make_declaration(host=db.session.get(Organization, host_id), clauses=clauses)
        template = make_template(name=f"Template for {clauses}")
        for clause in declaration.clauses:
            clause.template = template
        for number in range(clauses):
            invite(declaration, make_organization(country=["JP", "KR", "TH"][number % 3]), ParticipantRole.participant)
        db.session.commit()
        url = f"/declarations/{declaration.id}"
        db.session.expunge_all()  # a request starts with an empty session
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    assert queries_for(5) == queries_for(60)


@pytest.mark.parametrize("path, field, limit", [("/preamble", "preamble", 20_000), ("/closing-formula", "closing_formula", 2_000)])
def test_an_over_long_preamble_or_closing_formula_is_refused_at_its_field(client, own_declaration, path, field, limit):
    before = getattr(own_declaration, field)
    response = client.post(f"/declarations/{own_declaration.id}{path}",
                           data={field: "x" * (limit + 1), "lock_version": own_declaration.lock_version})
    assert response.status_code == 422
    assert f'id="{field}-errors"' in response.get_data(as_text=True)
    db.session.refresh(own_declaration)
    assert getattr(own_declaration, field) == before


def test_a_preamble_saved_by_someone_else_meanwhile_is_shown_not_overwritten(client, own_declaration):
    seen = own_declaration.lock_version
    url = f"/declarations/{own_declaration.id}/preamble"
    assert client.post(url, data={"preamble": "The first drafter's preamble.", "lock_version": seen}).status_code == 302
    second = client.post(url, data={"preamble": "The second drafter's preamble.", "lock_version": seen})
    assert second.status_code == 409
    assert "The first drafter&#39;s preamble." in second.get_data(as_text=True)
    db.session.refresh(own_declaration)
    assert own_declaration.preamble == "The first drafter's preamble."


@pytest.mark.parametrize("value, message", [
    ("Seoul\nCity", "Write this on one line"), ("Seoul\u2028City", "Write this on one line"),
    ("Seoul\x0bCity", "Write this on one line"), ("Seoul\x00City", "holds a NUL character"),
])
def test_a_placeholder_value_is_one_line_without_control_characters(client, own_declaration, value, message):
    template = clashing_template(client)
    url = f"/declarations/{own_declaration.id}/insert/{template.id}"
    data = filled_values(client.get(url).get_data(as_text=True), {name: name.upper() for name in CLASHING_NAMES})
    field = next(field for field, typed in data.items() if typed == "META")

    refused = client.post(url, data={**data, field: value})

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    errors = page[page.index(f'id="{field}-errors"'):]
    assert message in errors[:errors.index("</ul>")]
    db.session.refresh(own_declaration)
    assert len(own_declaration.clauses) == 3


@pytest.mark.parametrize("own", [None, "Done at Tokyo by the Tokyo Metropolitan Government."], ids=["default", "rewritten"])
@pytest.mark.parametrize("slug, part", [("closing-formula", Part.closing_formula), ("opening", Part.opening)])
@pytest.mark.parametrize("empty", ["", "  \n\n  "], ids=["empty", "blank"])
def test_an_empty_closing_formula_or_opening_is_refused_and_the_document_keeps_it(client, own_declaration, own, slug,
                                                                                 part, empty):
    if own is not None:
        setattr(own_declaration, part.value, own)
        db.session.commit()
    printed = part_text(own_declaration, part)
    response = client.post(f"/declarations/{own_declaration.id}/{slug}",
                           data={part.value: empty, "lock_version": own_declaration.lock_version})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{part.value}-errors"' in page and "cannot be empty" in page
    # The ways out that the message names are on the page.
    assert "Go back to the default" in page and f"Leave out the {part.value.replace('_', ' ')}" in page
    db.session.refresh(own_declaration)
    assert getattr(own_declaration, part.value) == own and part_text(own_declaration, part) == printed
    assert printed in client.get(f"/declarations/{own_declaration.id}/preview").get_data(as_text=True)


def test_going_back_to_the_default_closing_formula_from_the_refusal_prints_the_default(client, own_declaration):
    own_declaration.closing_formula = "Done at Tokyo."
    db.session.commit()
    url = f"/declarations/{own_declaration.id}/closing-formula"
    refused = client.post(url, data={"closing_formula": "", "lock_version": own_declaration.lock_version})
    assert refused.status_code == 422
    restored = client.post(url, data={"closing_formula": "", "restore": "1", "lock_version": own_declaration.lock_version})
    assert restored.status_code == 302
    db.session.refresh(own_declaration)
    assert own_declaration.closing_formula is None
    assert part_text(own_declaration, Part.closing_formula).startswith("This declaration is hereby proposed by")


@pytest.mark.parametrize("slug, part", [("opening", Part.opening), ("closing-formula", Part.closing_formula)])
def test_the_host_leaves_the_opening_or_the_closing_formula_out_on_purpose(client, own_declaration, slug, part):
    url = f"/declarations/{own_declaration.id}/{slug}"
    left_out = client.post(url, data={part.value: "ignored", "leave_out": "1",
                                      "lock_version": own_declaration.lock_version}, follow_redirects=True)
    page = left_out.get_data(as_text=True)
    assert f"The {draft_editing.LEFT_OUT_ONLY_ON_PURPOSE[part]} is left out of the document." in page
    assert '<span class="tag">left out</span>' in page
    db.session.refresh(own_declaration)
    assert getattr(own_declaration, part.value) == "" and part_text(own_declaration, part) == ""
    # Leaving out is for these two parts: the others are left out by saving them empty.
    with pytest.raises(draft_editing.CompositionError):
        draft_editing.leave_out_part(own_declaration, own_declaration.lock_version, Part.header)


def lock_version_in(page: str) -> str:
    return re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)


def conflict_rows(page: str) -> dict[str, tuple[str, str]]:
    """Read the conflict notice's table: each field's label, with their value and yours."""
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', page)
    return {label: (theirs, yours) for label, theirs, yours in rows}


def test_two_drafters_editing_the_details_at_once_see_every_field_that_differs_by_its_label(
    app, client, drafter, own_declaration, make_user
):
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    db.session.add(network)
    colleague = make_user(organization=drafter.organization)
    db.session.commit()
    url = f"/declarations/{own_declaration.id}/details"
    other = app.test_client()
    assert other.post("/login", data={"email": colleague.email, "password": PASSWORD}).status_code == 302
    seen_by_me = lock_version_in(client.get(url).get_data(as_text=True))
    seen_by_them = lock_version_in(other.get(url).get_data(as_text=True))
    theirs = {**NEW_DECLARATION, "title": "Seoul Declaration", "subtitle": "Cities for people",
              "meeting_number": "13", "meeting_acronym": "ASCC", "place": "Seoul", "starts_on": "2024-10-01",
              "ends_on": "2024-10-03", "language": "ko", "layout": "named_in_opening", "network_id": str(network.id),
              "meeting_name": "Asia Smart City Conference", "lock_version": seen_by_them}
    assert other.post(url, data=theirs).status_code == 302
    mine = {**NEW_DECLARATION, "title": "Hanoi Declaration", "subtitle": "", "lock_version": seen_by_me}
    response = client.post(url, data=mine)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert conflict_rows(page) == {
        "Title": ("Seoul Declaration", "Hanoi Declaration"),
        "Theme": ("Cities for people", "(empty)"),
        "Meeting": ("Asia Smart City Conference", "Plenary Meeting of the Asian Network of Major Cities 21"),
        "Number of the meeting": ("13", "9"),
        "Acronym": ("ASCC", "ANMC21"),
        "Place": ("Seoul", "Tokyo"),
        "First day": ("October 1, 2024", "November 8, 2010"),
        "Last day": ("October 3, 2024", "November 9, 2010"),
        "Language": ("Korean", "English"),
        "Layout": ("Participants named in the opening paragraph, place and date at the end",
                   "Participants listed by country after the closing formula"),
        "Network": ("Asian Network of Major Cities 21", "None"),
    }
    db.session.refresh(own_declaration)
    assert own_declaration.title == "Seoul Declaration" and own_declaration.language == "ko"


def test_the_conflict_notice_of_the_details_lists_only_the_fields_that_differ(client, drafter, own_declaration, make_user):
    url = f"/declarations/{own_declaration.id}/details"
    seen = lock_version_in(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**NEW_DECLARATION, "place": "Yokohama", "lock_version": seen}).status_code == 302
    response = client.post(url, data={**NEW_DECLARATION, "title": "Hanoi Declaration", "lock_version": seen})
    assert response.status_code == 409
    assert conflict_rows(response.get_data(as_text=True)) == {
        "Title": ("Tokyo Declaration", "Hanoi Declaration"), "Place": ("Yokohama", "Tokyo"),
    }
