"""The starter library: what it covers, that every template parses, and that loading it is idempotent."""

import pytest
from sqlalchemy import func, select

from drafting.domain.clause_library import create_template
from drafting.domain.starter_library import STARTER_TEMPLATES, load_starter_library
from drafting.domain.text import markup as clause_text, placeholders
from drafting.models import ClauseTemplate, TemplateCategory, limits

ENGLISH = [starter for starter in STARTER_TEMPLATES if starter.language == "en"]


def count_templates(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ClauseTemplate))


@pytest.mark.parametrize("starter", STARTER_TEMPLATES, ids=lambda starter: f"{starter.language}: {starter.name}")
def test_every_starter_template_parses_and_fits(starter):
    placeholders.parse(starter.heading or "", starter.body)
    assert 0 < len(starter.name) <= limits.NAME
    assert len(starter.heading or "") <= limits.HEADING
    assert 0 < len(starter.body) <= limits.CLAUSE_BODY
    assert 1 <= len(clause_text.paragraphs(starter.body)) <= 2


def test_there_are_at_least_fourteen_english_templates_covering_every_category():
    assert len(ENGLISH) >= 14
    assert {starter.category for starter in ENGLISH} == set(TemplateCategory)


def test_some_templates_are_in_japanese():
    assert len([starter for starter in STARTER_TEMPLATES if starter.language == "ja"]) >= 2


def test_names_are_unique_within_a_language():
    keys = [(starter.name.lower(), starter.language) for starter in STARTER_TEMPLATES]
    assert len(keys) == len(set(keys))


def test_the_next_meeting_names_its_ordinal_city_year_and_network():
    [first, *_] = [starter for starter in ENGLISH if starter.category is TemplateCategory.next_meeting]
    names = {placeholder.name for placeholder in placeholders.parse(first.heading or "", first.body)}
    assert {"next_meeting_ordinal", "next_meeting_city", "next_meeting_year", "network"} <= names


def test_the_closing_formula_is_proposed_and_affirmed():
    [closing] = [starter for starter in ENGLISH if starter.category is TemplateCategory.closing]
    assert closing.body == (
        "This declaration is hereby proposed by {{host_organization}}, {{host_country}} on {{end_date}}, "
        "and affirmed by the participating cities and organizations."
    )


def test_the_first_english_template_of_each_category_needs_no_placeholder_of_its_own():
    # The demonstration inserts these with what a declaration knows and the next meeting's details.
    firsts = {}
    for starter in ENGLISH:
        firsts.setdefault(starter.category, starter)
    for starter in firsts.values():
        found = placeholders.parse(starter.heading or "", starter.body)
        assert {placeholder.name for placeholder in found} <= set(placeholders.KNOWN_PLACEHOLDERS), starter.name


def test_loading_adds_every_starter_template_once(db):
    before = count_templates(db)

    assert load_starter_library() == len(STARTER_TEMPLATES)
    assert load_starter_library() == 0
    assert count_templates(db) == before + len(STARTER_TEMPLATES)
    stored = db.session.scalar(
        select(ClauseTemplate).where(ClauseTemplate.name == "Proposed and affirmed", ClauseTemplate.language == "en")
    )
    assert stored.category is TemplateCategory.closing and stored.created_by_id is None


def test_loading_adds_only_what_is_missing_and_keeps_edited_templates(db):
    load_starter_library()
    [removed, edited] = db.session.scalars(
        select(ClauseTemplate).where(ClauseTemplate.language == "ja").order_by(ClauseTemplate.id).limit(2)
    )
    db.session.delete(removed)
    edited.body = "我々は、ここに次のとおり宣言する。"
    db.session.flush()

    assert load_starter_library() == 1
    assert edited.body == "我々は、ここに次のとおり宣言する。"


def test_a_drafters_template_of_the_same_name_and_language_is_kept(db, make_user):
    own = create_template(
        make_user(), name="WATER, AIR AND WASTE", category=TemplateCategory.environment, language="en",
        heading=None, body="Our own text.",
    )

    assert load_starter_library() == len(STARTER_TEMPLATES) - 1
    same_name = select(func.count()).select_from(ClauseTemplate).where(
        func.lower(ClauseTemplate.name) == "water, air and waste"
    )
    assert db.session.scalar(same_name) == 1
    assert own.body == "Our own text."


def test_the_library_load_command_reports_what_it_added(runner):
    first = runner.invoke(args=["library", "load"])
    second = runner.invoke(args=["library", "load"])

    assert first.exit_code == 0, first.output
    assert first.output == f"Added {len(STARTER_TEMPLATES)} starter templates.\n"
    assert second.output == "Added 0 starter templates.\n"
