"""The clause-template library through its web pages: who may do what, browsing, searching, adding, editing."""

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from drafting.domain import clause_library
from drafting.extensions import db
from drafting.models import ClauseTemplate, TemplateCategory, UserRole

NEW_TEMPLATE = {
    "name": "Joint disaster exercises",
    "category": "crisis_management",
    "language": "en",
    "heading": "Ready Together in {{host_city}}",
    "body": "We hold joint exercises every year until {{target_year:year}}.\r\n\r\n*Every* member city takes part.",
}


@pytest.fixture
def drafter(make_user, login_as):
    return login_as(make_user())


@pytest.fixture
def template(make_template):
    return make_template(
        name="Next meeting",
        category=TemplateCategory.next_meeting,
        heading="Toward the {{next_meeting_ordinal}} Plenary Meeting",
        body="The next meeting will be held in {{next_meeting_city}} in {{next_meeting_year}}.",
    )


def count_templates() -> int:
    return db.session.scalar(select(func.count()).select_from(ClauseTemplate))


def page_of(response) -> str:
    return response.get_data(as_text=True)


def error_at(page: str, field: str, message: str) -> bool:
    """Tell whether the page shows the message among the errors of the given field."""
    start = page.find(f'id="{field}-errors"')
    return start != -1 and str(escape(message)) in page[start:page.find("</ul>", start)]


# Access: every page, for each kind of visitor.

PAGES = [
    ("GET", "/library/"),
    ("GET", "/library/{id}"),
    ("GET", "/library/new"),
    ("POST", "/library/new"),
    ("GET", "/library/{id}/edit"),
    ("POST", "/library/{id}/edit"),
]
MANAGING = {"/library/new", "/library/{id}/edit"}


@pytest.mark.parametrize("method, path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, template, method, path):
    response = client.open(path.format(id=template.id), method=method, data=NEW_TEMPLATE)
    assert response.status_code == 302
    assert "/login" in response.location


@pytest.mark.parametrize("method, path", PAGES)
def test_delegates_read_the_library_but_may_not_change_it(client, make_user, login_as, template, method, path):
    login_as(make_user(role=UserRole.delegate))
    before = count_templates()

    response = client.open(path.format(id=template.id), method=method, data=NEW_TEMPLATE)

    assert response.status_code == (403 if path in MANAGING else 200)
    assert count_templates() == before
    assert template.name == "Next meeting"


@pytest.mark.parametrize("role", [UserRole.drafter, UserRole.administrator])
@pytest.mark.parametrize("path", [path for method, path in PAGES if method == "GET"])
def test_drafters_and_administrators_reach_every_page(client, make_user, login_as, template, role, path):
    login_as(make_user(role=role))
    assert client.get(path.format(id=template.id)).status_code == 200


def test_only_those_who_may_manage_the_library_see_its_buttons(client, make_user, login_as, template):
    new_button, edit_button = 'href="/library/new"', f'href="/library/{template.id}/edit"'

    login_as(make_user(role=UserRole.delegate))
    assert new_button not in page_of(client.get("/library/"))
    assert edit_button not in page_of(client.get(f"/library/{template.id}"))

    login_as(make_user(role=UserRole.drafter))
    assert new_button in page_of(client.get("/library/"))
    assert edit_button in page_of(client.get(f"/library/{template.id}"))


def test_an_unknown_template_is_not_found(client, drafter):
    assert client.get("/library/999999").status_code == 404
    assert client.get("/library/999999/edit").status_code == 404


# The list: filters and search.


def listed_names(response) -> set[str]:
    page = page_of(response)
    names = db.session.scalars(select(ClauseTemplate.name))
    return {name for name in names if f">{escape(name)}</a>" in page}


@pytest.fixture
def library(make_template):
    return {
        "climate": make_template(
            name="Cities and the climate", category=TemplateCategory.climate,
            heading="The Pivotal Role of Cities in the Global Climate Challenge",
            body="We will cut greenhouse gas emissions by {{target_year:year}}.",
        ),
        "climate ja": make_template(
            name="Cities and the climate", category=TemplateCategory.climate, language="ja",
            heading="気候変動と都市", body="我々は温室効果ガスを削減する。",
        ),
        "floods": make_template(
            name="Floods and typhoons", category=TemplateCategory.crisis_management,
            body="We will share flood maps and hold joint drills before the typhoon season.",
        ),
        "health": make_template(
            name="Infectious diseases", category=TemplateCategory.health,
            body="We will share surveillance data on infectious diseases promptly.",
        ),
        "percent": make_template(
            name="Renewable share", category=TemplateCategory.climate,
            body="We aim for 100% renewable power in municipal_buildings.",
        ),
    }


def test_the_list_shows_name_category_language_and_placeholders(client, drafter, library):
    page = page_of(client.get("/library/"))

    row = page[page.find("Cities and the climate</a>"):]
    row = row[:row.find("</tr>")]
    assert "Climate and the low-carbon city" in row
    assert "English" in row
    assert '<span class="tag">target_year</span>' in row


def test_the_list_marks_a_template_that_no_longer_parses(client, drafter, make_template):
    broken = make_template(name="Broken", body="Held in {{old_name}}.")
    page = page_of(client.get("/library/"))
    assert ">malformed</span>" in page
    assert f">{broken.name}</a>" in page


def test_without_filters_every_template_is_listed(client, drafter, library):
    response = client.get("/library/")
    assert response.status_code == 200
    assert listed_names(response) == {template.name for template in library.values()}


def test_filter_by_category(client, drafter, library):
    response = client.get("/library/", query_string={"category": "climate"})
    assert listed_names(response) == {"Cities and the climate", "Renewable share"}
    assert '<option selected value="climate">Climate and the low-carbon city</option>' in page_of(response)


def test_the_language_filter_offers_the_languages_present(client, drafter, library):
    page = page_of(client.get("/library/"))
    select_box = page[page.find('<select id="language"'):]
    select_box = select_box[:select_box.find("</select>")]
    assert '<option value="en">English</option>' in select_box
    assert '<option value="ja">Japanese</option>' in select_box
    assert select_box.count("<option") == 3


def test_filter_by_language(client, drafter, library):
    response = client.get("/library/", query_string={"language": "ja"})
    page = page_of(response)
    assert "気候変動と都市" not in page  # the list shows names, not headings
    assert page.count(">Cities and the climate</a>") == 1
    assert f'href="/library/{library["climate ja"].id}"' in page
    assert f'href="/library/{library["climate"].id}"' not in page


def test_filters_combine(client, drafter, library):
    response = client.get("/library/", query_string={"category": "climate", "language": "en", "words": "renewable"})
    assert listed_names(response) == {"Renewable share"}


@pytest.mark.parametrize(
    "words, names",
    [
        ("typhoon", {"Floods and typhoons"}),
        ("TYPHOON drills", {"Floods and typhoons"}),
        ("share", {"Floods and typhoons", "Infectious diseases", "Renewable share"}),
        ("share flood", {"Floods and typhoons"}),
        ("pivotal", {"Cities and the climate"}),  # in the heading only
        ("infectious promptly", {"Infectious diseases"}),  # one in the name, one in the body
        ("typhoon infectious", set()),  # every word must appear
        ("100%", {"Renewable share"}),
        ("%", {"Renewable share"}),
        ("municipal_", {"Renewable share"}),
        ("_", {"Renewable share", "Cities and the climate"}),  # {{target_year:year}} has one too
        ("温室効果ガス", {"Cities and the climate"}),
    ],
)
def test_search_finds_templates_holding_every_word(client, drafter, library, words, names):
    response = client.get("/library/", query_string={"words": words})
    assert response.status_code == 200
    assert listed_names(response) == names


def test_search_happens_in_the_database(db, library, count_queries):
    with count_queries() as statements:
        found = clause_library.search_templates("share flood", category=TemplateCategory.crisis_management)
    assert found == [library["floods"]]
    assert len(statements) == 1 and statements[0].upper().count("LIKE") == 6


def test_nothing_matching_says_so(client, drafter, library):
    assert "No template matches." in page_of(client.get("/library/", query_string={"words": "volcano"}))


def test_an_empty_library_says_so(client, drafter):
    assert "The library is empty." in page_of(client.get("/library/"))


@pytest.mark.parametrize("name, value", [("category", "planets"), ("language", "xx")])
def test_an_unknown_filter_value_is_refused_at_its_field(client, drafter, library, name, value):
    response = client.get("/library/", query_string={name: value})
    assert response.status_code == 422
    assert error_at(page_of(response), name, "Not a valid choice.")


# One template's page.


def test_a_template_page_shows_heading_body_and_typed_placeholders(client, drafter, make_template):
    template = make_template(
        name="Next meeting",
        category=TemplateCategory.next_meeting,
        heading="Toward the {{next_meeting_ordinal}} Plenary Meeting",
        body="Held in {{next_meeting_city}} in {{next_meeting_year}}.\n\n*Everyone* is welcome <b>here</b>.",
    )
    page = page_of(client.get(f"/library/{template.id}"))

    assert "<h2>Toward the {{next_meeting_ordinal}} Plenary Meeting</h2>" in page
    assert "<p>Held in {{next_meeting_city}} in {{next_meeting_year}}.</p>" in page
    assert "<p><em>Everyone</em> is welcome &lt;b&gt;here&lt;/b&gt;.</p>" in page
    assert "Next meeting" in page and "English" in page
    placeholders = page[page.find('id="placeholders-heading"'):]
    for name, label, type_label in [
        ("next_meeting_ordinal", "Next meeting ordinal", "Ordinal number"),
        ("next_meeting_city", "Next meeting city", "City"),
        ("next_meeting_year", "Next meeting year", "Year"),
    ]:
        assert f"<tr><td><code>{name}</code></td><td>{label}</td><td>{type_label}</td></tr>" in placeholders


def test_a_template_page_explains_why_a_template_no_longer_parses(client, drafter, make_template):
    template = make_template(body="Held in {{old_name}}.")
    page = page_of(client.get(f"/library/{template.id}"))
    assert "cannot be inserted until it is corrected" in page
    assert str(escape("Unknown placeholder {{old_name}}: give its type, as in {{old_name:text}}.")) in page


# Adding a template.


def test_a_drafter_adds_a_template(client, drafter):
    response = client.post("/library/new", data=NEW_TEMPLATE)

    assert response.status_code == 302
    template = db.session.scalar(select(ClauseTemplate).order_by(ClauseTemplate.id.desc()))
    assert response.location == f"/library/{template.id}"
    assert (template.name, template.category, template.language) == (
        "Joint disaster exercises", TemplateCategory.crisis_management, "en",
    )
    assert template.heading == "Ready Together in {{host_city}}"
    assert template.body == (
        "We hold joint exercises every year until {{target_year:year}}.\n\n*Every* member city takes part."
    )
    assert template.created_by_id == drafter.id
    assert "“Joint disaster exercises” is added to the library." in page_of(client.get(response.location))


def test_an_administrator_adds_a_template_without_heading_in_japanese(client, make_user, login_as):
    login_as(make_user(role=UserRole.administrator))
    response = client.post("/library/new", data={**NEW_TEMPLATE, "heading": "  ", "language": " JA ", "body": "宣言する。"})

    assert response.status_code == 302
    template = db.session.scalar(select(ClauseTemplate).order_by(ClauseTemplate.id.desc()))
    assert (template.heading, template.language, template.body) == (None, "ja", "宣言する。")


BAD_INPUT = [
    ("name", "", "Give the template a name."),
    ("name", "   ", "Give the template a name."),
    ("name", "x" * 201, "Field cannot be longer than 200 characters."),
    ("category", "planets", "Not a valid choice."),
    ("language", "", "Give the language's code, e.g. en."),
    ("language", "xx", "“xx” is not an ISO 639-1 language code; write e.g. en or ja."),
    ("language", "eng", "“eng” is not an ISO 639-1 language code; write e.g. en or ja."),
    ("language", "english", "“english” is not an ISO 639-1 language code; write e.g. en or ja."),
    ("heading", "x" * 301, "Field cannot be longer than 300 characters."),
    ("heading", "Ready in {{host_city}", "'{{' at line 1, column 10 is never closed with '}}'."),
    ("heading", "Ready in {host_city}", "Stray '{' at line 1, column 10: placeholders are written {{name}}."),
    ("heading", "Ready in {{mayor}}", "Unknown placeholder {{mayor}}: give its type, as in {{mayor:text}}."),
    ("body", "", "Write the clause's text."),
    ("body", "x" * 20_001, "Field cannot be longer than 20000 characters."),
    ("body", "Held in\n{{host_city}}}.", "Stray '}' at line 2, column 14: placeholders are written {{name}}."),
    ("body", "Held in {{Host City}}.", "Malformed placeholder {{Host City}} at line 1, column 9: use lower-case "
                                     "letters, digits and underscores, as in {{next_meeting_city}}."),
    ("body", "By {{target:colour}}.", "Unknown placeholder type 'colour' in {{target:colour}}: the types are text, "
                                     "organization, city, date, year, ordinal."),
    ("body", "In {{host_city:date}}.", "{{host_city}} is always of type city, not date."),
]


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(client, drafter, field, value, message):
    before = count_templates()

    response = client.post("/library/new", data={**NEW_TEMPLATE, field: value})

    assert response.status_code == 422
    assert error_at(page_of(response), field, message)
    assert count_templates() == before


def test_every_bad_field_gets_its_message_at_once(client, drafter):
    response = client.post(
        "/library/new",
        data={**NEW_TEMPLATE, "name": "", "language": "xx", "heading": "In {host_city}", "body": "By {{year:text}}."},
    )
    page = page_of(response)
    assert response.status_code == 422
    assert error_at(page, "name", "Give the template a name.")
    assert error_at(page, "language", "“xx” is not an ISO 639-1 language code; write e.g. en or ja.")
    assert error_at(page, "heading", "Stray '{' at line 1, column 4: placeholders are written {{name}}.")
    assert error_at(page, "body", "{{year}} is always of type year, not text.")


def test_one_placeholder_with_two_types_in_heading_and_body_is_refused_at_the_body(client, drafter):
    before = count_templates()
    data = {**NEW_TEMPLATE, "heading": "Until {{target_year:year}}", "body": "By {{target_year:date}}."}
    response = client.post("/library/new", data=data)
    assert response.status_code == 422
    assert error_at(page_of(response), "body", "{{target_year}} is used both as year and as date.")
    assert 'id="heading-errors"' not in page_of(response)
    assert count_templates() == before


def test_a_name_is_used_once_per_language(client, drafter, library):
    response = client.post("/library/new", data={**NEW_TEMPLATE, "name": "cities AND the climate"})
    assert response.status_code == 422
    assert error_at(
        page_of(response), "name", "The library has a template named “cities AND the climate” in this language already."
    )

    other_language = client.post("/library/new", data={**NEW_TEMPLATE, "name": "Floods and typhoons", "language": "ko"})
    assert other_language.status_code == 302


def test_the_new_template_form_lists_the_known_placeholders(client, drafter):
    page = page_of(client.get("/library/new"))
    assert "<tr><td><code>next_meeting_city</code></td><td>City</td></tr>" in page


# Editing a template.


def edit_data(template: ClauseTemplate, **changes) -> dict:
    data = {
        "name": template.name, "category": template.category.value, "language": template.language,
        "heading": template.heading or "", "body": template.body, "lock_version": str(template.lock_version),
    }
    return data | changes


def test_the_edit_form_shows_the_stored_template(client, drafter, template):
    page = page_of(client.get(f"/library/{template.id}/edit"))
    assert 'value="Next meeting"' in page
    assert '<option selected value="next_meeting">Next meeting</option>' in page
    assert "The next meeting will be held in {{next_meeting_city}} in {{next_meeting_year}}.</textarea>" in page
    assert f'name="lock_version" type="hidden" value="{template.lock_version}"' in page


def test_a_drafter_edits_a_template(client, drafter, template):
    seen = template.lock_version
    response = client.post(
        f"/library/{template.id}/edit",
        data=edit_data(template, category="cooperation", body="We meet again in {{next_meeting_city}}."),
    )

    assert response.status_code == 302
    assert response.location == f"/library/{template.id}"
    db.session.refresh(template)
    assert template.category is TemplateCategory.cooperation
    assert template.body == "We meet again in {{next_meeting_city}}."
    assert template.lock_version == seen + 1


def test_the_name_a_template_has_is_not_a_duplicate_of_itself(client, drafter, template):
    response = client.post(f"/library/{template.id}/edit", data=edit_data(template, name="NEXT MEETING"))
    assert response.status_code == 302
    assert template.name == "NEXT MEETING"


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_bad_input_on_edit_is_refused_at_its_field_and_nothing_changes(
    client, drafter, template, field, value, message
):
    stored = edit_data(template)
    response = client.post(f"/library/{template.id}/edit", data=edit_data(template, **{field: value}))

    assert response.status_code == 422
    assert error_at(page_of(response), field, message)
    db.session.refresh(template)
    assert edit_data(template) == stored


def test_a_save_based_on_an_older_version_shows_the_newer_text_and_changes_nothing(client, drafter, template):
    seen = edit_data(template)
    # A colleague saves first.
    clause_library.update_template(
        template, template.lock_version, name=template.name, category=template.category, language="en",
        heading="Until We Meet in {{next_meeting_city}}", body="See you in {{next_meeting_city}}, <dear> colleagues.",
    )
    db.session.commit()

    response = client.post(f"/library/{template.id}/edit", data=seen | {"body": "My own text."})

    assert response.status_code == 409
    page = page_of(response)
    assert "Someone else saved this template while you were editing." in page
    conflict = page[page.find('class="conflict"'):page.find("</blockquote>")]
    assert "Until We Meet in {{next_meeting_city}}" in conflict
    assert "See you in {{next_meeting_city}}, &lt;dear&gt; colleagues." in conflict
    assert "My own text.</textarea>" in page
    db.session.refresh(template)
    assert template.body == "See you in {{next_meeting_city}}, <dear> colleagues."

    # The form now carries the version the user has seen: saving again replaces it on purpose.
    assert f'name="lock_version" type="hidden" value="{template.lock_version}"' in page
    seen_now = seen | {"body": "My own text.", "lock_version": str(template.lock_version)}
    again = client.post(f"/library/{template.id}/edit", data=seen_now)
    assert again.status_code == 302
    db.session.refresh(template)
    assert template.body == "My own text."


@pytest.mark.parametrize("lock_version", [None, "", "one"])
def test_an_edit_without_a_valid_lock_version_is_refused(client, drafter, template, lock_version):
    data = edit_data(template, body="Changed.")
    if lock_version is None:
        del data["lock_version"]
    else:
        data["lock_version"] = lock_version

    response = client.post(f"/library/{template.id}/edit", data=data)

    assert response.status_code == 422
    assert "This form is out of date: reload the page and make your changes again." in page_of(response)
    db.session.refresh(template)
    assert template.body != "Changed."


# The domain functions refuse bad input on their own, whoever calls them.


@pytest.mark.parametrize(
    "field, changes",
    [
        ("language", {"language": "zz"}),
        ("heading", {"heading": "{{host_city}"}),
        ("body", {"body": "In {{mayor}}."}),
        ("body", {"heading": "{{partner:city}}", "body": "With {{partner:organization}}."}),
    ],
)
def test_create_template_names_the_field_at_fault(make_user, field, changes):
    fields = dict(name="Own clause", category=TemplateCategory.culture, language="en", heading=None, body="Text.")
    before = count_templates()

    with pytest.raises(clause_library.TemplateError) as raised:
        clause_library.create_template(make_user(), **fields | changes)

    assert raised.value.field == field
    assert count_templates() == before
