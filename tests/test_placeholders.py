"""The placeholders of clause templates: parsing, typed values, filling, and values a declaration knows."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.domain.text.placeholders import (
    KNOWN_PLACEHOLDERS,
    TYPES,
    Placeholder,
    TemplateSyntaxError,
    fill,
    fill_all,
    known_values,
    parse,
    render_value,
)
from drafting.models import Network


def test_known_names_take_their_fixed_type():
    found = parse("Held in {{host_city}} in {{year}}.")
    assert found == [Placeholder("host_city", "city"), Placeholder("year", "year")]


def test_every_known_name_has_a_type_that_exists():
    assert set(KNOWN_PLACEHOLDERS.values()) <= set(TYPES)


def test_other_names_carry_their_type():
    assert parse("By {{target_year:year}}, {{partner:organization}}") == [
        Placeholder("target_year", "year"),
        Placeholder("partner", "organization"),
    ]


def test_a_known_name_may_repeat_its_own_type_and_spaces_are_allowed():
    assert parse("{{ host_city : city }}") == [Placeholder("host_city", "city")]


def test_placeholders_come_in_order_of_first_use_across_texts_without_duplicates():
    found = parse("{{next_meeting_city}} and {{year}}", "{{host_city}}, {{next_meeting_city}}, {{year}}")
    assert [placeholder.name for placeholder in found] == ["next_meeting_city", "year", "host_city"]


def test_a_text_without_placeholders_has_none():
    assert parse("We hereby declare the following:", "") == []


def test_a_label_reads_as_words():
    assert Placeholder("next_meeting_city", "city").label == "Next meeting city"


@pytest.mark.parametrize(
    "texts, message",
    [
        (("{{partner:text}} and {{partner:date}}",), "{{partner}} is used both as text and as date."),
        (("{{partner:text}}", "{{partner:city}}"), "{{partner}} is used both as text and as city."),
        (("{{host_city:date}}",), "{{host_city}} is always of type city, not date."),
    ],
)
def test_one_name_cannot_have_two_types(texts, message):
    with pytest.raises(TemplateSyntaxError) as raised:
        parse(*texts)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "text, message",
    [
        ("In {host_city}.", "Stray '{' at line 1, column 4: placeholders are written {{name}}."),
        ("In host_city}}.", "Stray '}' at line 1, column 13: placeholders are written {{name}}."),
        ("{{host_city}}}", "Stray '}' at line 1, column 14: placeholders are written {{name}}."),
        ("{{{host_city}}}", "Stray '{' at line 1, column 1: placeholders are written {{name}}."),
        ("We meet\nin {{host_city}", "'{{' at line 2, column 4 is never closed with '}}'."),
        ("{{host_city} in {{year}}", "'{{' at line 1, column 1 is never closed with '}}'."),
        ("{{}}", "Malformed placeholder {{}} at line 1, column 1: use lower-case letters, digits and underscores, "
                 "as in {{next_meeting_city}}."),
        ("a {{Host City}}", "Malformed placeholder {{Host City}} at line 1, column 3: use lower-case letters, "
                            "digits and underscores, as in {{next_meeting_city}}."),
        ("{{host_city:}}", "Malformed placeholder {{host_city:}} at line 1, column 1: use lower-case letters, "
                           "digits and underscores, as in {{next_meeting_city}}."),
        ("{{2nd_city:city}}", "Malformed placeholder {{2nd_city:city}} at line 1, column 1: use lower-case letters, "
                              "digits and underscores, as in {{next_meeting_city}}."),
    ],
)
def test_malformed_braces_are_refused_with_where_they_are(text, message):
    with pytest.raises(TemplateSyntaxError) as raised:
        parse(text)
    assert str(raised.value) == message


def test_an_unknown_type_is_refused_with_the_types_there_are():
    with pytest.raises(TemplateSyntaxError) as raised:
        parse("{{partner:colour}}")
    assert str(raised.value) == (
        "Unknown placeholder type 'colour' in {{partner:colour}}: "
        "the types are text, organization, city, date, year, ordinal."
    )


def test_an_unknown_name_without_a_type_is_refused():
    with pytest.raises(TemplateSyntaxError) as raised:
        parse("{{mayor}}")
    assert str(raised.value) == "Unknown placeholder {{mayor}}: give its type, as in {{mayor:text}}."


@given(st.text(alphabet=st.sampled_from("{}:_ ab1\nhost_city"), max_size=40) | st.text(max_size=200))
def test_parse_raises_nothing_but_template_syntax_errors(text):
    try:
        found = parse(text)
    except TemplateSyntaxError:
        return
    assert all(placeholder.type in TYPES for placeholder in found)


@pytest.mark.parametrize(
    "type_, raw, printed",
    [
        ("text", "  the Asian Network of Major Cities 21 ", "the Asian Network of Major Cities 21"),
        ("city", "Seoul", "Seoul"),
        ("organization", "Tokyo Metropolitan Government", "Tokyo Metropolitan Government"),
        ("year", "2011", "2011"),
        ("ordinal", "1", "1st"),
        ("ordinal", "13", "13th"),
        ("ordinal", "22", "22nd"),
        ("ordinal", "103", "103rd"),
        ("ordinal", "111", "111th"),
        ("ordinal", "10th", "10th"),
        ("date", "2010-11-09", "November 9, 2010"),
    ],
)
def test_good_values_are_printed_as_declarations_write_them(type_, raw, printed):
    assert render_value(Placeholder("value", type_), raw) == printed


@pytest.mark.parametrize(
    "type_, raw, message",
    [
        ("text", "", "Fill in this placeholder."),
        ("city", "   ", "Fill in this placeholder."),
        ("text", "x" * 201, "At most 200 characters."),
        ("text", "{{host_city}}", "Braces and line breaks are not allowed here."),
        ("city", "Seo}ul", "Braces and line breaks are not allowed here."),
        ("text", "two\nlines", "Braces and line breaks are not allowed here."),
        ("text", "two\rlines", "Braces and line breaks are not allowed here."),
        ("year", "11", "Write the year with four digits, e.g. 2026."),
        ("year", "two thousand", "Write the year with four digits, e.g. 2026."),
        ("year", "٢٠١١", "Write the year with four digits, e.g. 2026."),
        ("ordinal", "0", "Write a positive number, e.g. 13."),
        ("ordinal", "-3", "Write a positive number, e.g. 13."),
        ("ordinal", "tenth", "Write a positive number, e.g. 13."),
        ("ordinal", "12345", "Write a positive number, e.g. 13."),
        ("date", "9 November 2010", "Write the date as YYYY-MM-DD, e.g. 2026-11-09."),
        ("date", "2010-02-30", "Write the date as YYYY-MM-DD, e.g. 2026-11-09."),
    ],
)
def test_bad_values_are_refused_with_a_message(type_, raw, message):
    with pytest.raises(ValueError) as raised:
        render_value(Placeholder("value", type_), raw)
    assert str(raised.value) == message


def test_a_value_of_exactly_the_limit_is_accepted():
    assert render_value(Placeholder("value", "text"), "x" * 200) == "x" * 200


def test_fill_replaces_every_occurrence_and_leaves_the_rest_alone():
    text = "The {{next_meeting_ordinal}} meeting in {{next_meeting_city}}; {{next_meeting_city}} welcomes us."
    printed = {"next_meeting_ordinal": "10th", "next_meeting_city": "Seoul"}
    assert fill(text, printed) == "The 10th meeting in Seoul; Seoul welcomes us."
    assert fill("No placeholder here.", {}) == "No placeholder here."


def test_fill_all_prints_good_values_and_reports_bad_ones_by_name():
    found = parse("{{next_meeting_city}} in {{next_meeting_year}}, the {{next_meeting_ordinal}}")
    printed, errors = fill_all(found, {"next_meeting_city": "Seoul", "next_meeting_year": "11"})
    assert printed == {"next_meeting_city": "Seoul"}
    assert errors == {
        "next_meeting_year": "Write the year with four digits, e.g. 2026.",
        "next_meeting_ordinal": "Fill in this placeholder.",
    }


def test_known_values_come_from_the_declaration(make_declaration, make_organization):
    declaration = make_declaration(host=make_organization(name="Tokyo", country="JP"))

    assert known_values(declaration) == {
        "host_city": "Tokyo",
        "host_organization": "Tokyo",
        "host_country": "Japan",
        "meeting_name": "Plenary Meeting of the Asian Network of Major Cities 21",
        "meeting_acronym": "ANMC21",
        "meeting_ordinal": "9",
        "next_meeting_ordinal": "10",
        "meeting_dates": "November 8 to 9, 2010",
        "place": "Tokyo",
        "start_date": "2010-11-08",
        "end_date": "2010-11-09",
        "year": "2010",
    }


def test_known_values_name_the_network_and_leave_out_what_is_unknown(db, make_declaration):
    network = Network(name="Asian Network of Major Cities 21", acronym="ANMC21")
    db.session.add(network)
    db.session.flush()
    declaration = make_declaration(
        meeting_number=None, meeting_acronym=None, network_id=network.id,
        starts_on=date(2011, 10, 26), ends_on=date(2011, 10, 26),
    )
    db.session.refresh(declaration)

    values = known_values(declaration)

    assert values["network"] == "Asian Network of Major Cities 21"
    assert values["meeting_dates"] == "October 26, 2011"
    assert not {"meeting_acronym", "meeting_ordinal", "next_meeting_ordinal"} & set(values)


def test_known_values_fill_a_template_into_finished_text(make_declaration):
    declaration = make_declaration()
    text = "This declaration is hereby proposed by {{host_organization}}, {{host_country}} on {{end_date}}."
    printed, errors = fill_all(parse(text), known_values(declaration))

    assert errors == {}
    assert fill(text, printed) == (
        f"This declaration is hereby proposed by {declaration.host.name}, Japan on November 9, 2010."
    )
