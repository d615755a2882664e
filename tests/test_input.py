"""What text the application takes in: no line break or control character in a single-line field,
no control character but line feeds and tabs in a multi-line one, and no NUL character anywhere,
refused with a clear message before anything is stored."""

import html
import importlib
import inspect
import pkgutil
import re

import pytest
from sqlalchemy import func, select
from wtforms import Form, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import drafting.web
from drafting.domain.people.participants import invite
from drafting.domain.text import characters as text_input
from drafting.extensions import db
from drafting.models import Comment, Declaration, Organization, ParticipantRole, UserRole
from drafting.domain.people.passwords import hash_password
from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings

# Every character Python's str.splitlines() breaks a line at, and other control characters.
LINE_BREAKS = ["\n", "\r\n", "\r", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029"]
CONTROLS = ["\x00", "\x07", "\t", "\x1b", "\x7f", "\x9b"]


def form_classes() -> list[type]:
    """Return every form class defined in a forms module of the application's blueprints."""
    classes = []
    for module_info in pkgutil.iter_modules(drafting.web.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"drafting.web.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        classes += [
            value for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Form) and value.__module__ == module.__name__
        ]
    return classes


def text_fields(form_class: type) -> list[tuple[str, UnboundField]]:
    """Return the text fields a form class declares or inherits, by name."""
    return [
        (name, value) for name in dir(form_class)
        if isinstance(value := getattr(form_class, name), UnboundField) and issubclass(value.field_class, StringField)
    ]


def test_every_text_field_of_every_form_says_whether_it_is_one_line_or_many():
    classes = form_classes()
    assert len(classes) >= 30 and {"LoginForm", "DeclarationForm", "CommentForm", "ArchiveSearchForm"} <= {
        c.__name__ for c in classes
    }
    checked, forgotten = 0, []
    for form_class in classes:
        for name, field in text_fields(form_class):
            checked += 1
            assert len(field.args) <= 1, "give a text field's validators by keyword"
            validators = field.kwargs.get("validators") or []
            multi_line = issubclass(field.field_class, TextAreaField)
            expected = MultiLine if multi_line else SingleLine
            # The check comes first, so that no other check (some ask the database) reads bad text.
            right = bool(validators) and type(validators[0]) is expected
            if multi_line:
                right = right and normalize_line_endings in field.kwargs.get("filters", ())
            if not right:
                forgotten.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert checked >= 50
    assert forgotten == []


@pytest.mark.parametrize("character", LINE_BREAKS + CONTROLS)
def test_single_line_text_refuses_every_line_break_and_control_character(character):
    assert text_input.refused_character(f"Tokyo{character}Declaration") == character[0]
    assert text_input.refused_character("Déclaration de Tōkyō — 東京宣言 🌏") is None


@pytest.mark.parametrize("character", ["\x00", "\x07", "\v", "\f", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029"])
def test_multi_line_text_refuses_control_characters_but_line_feeds_and_tabs(character):
    assert text_input.refused_character(f"We resolve:{character}to act.", multi_line=True) == character
    assert text_input.refused_character("We resolve:\r\n\n- to act;\n\tnow.", multi_line=True) is None


# Combining marks: a dot below and a dot above on one letter, as Vietnamese writes; Zalgo heaps them up.
ZALGO = "Tokyo D" + "e" + "\u0301\u0300\u0302" * 100 + "claration"


@pytest.mark.parametrize("text, marks", [
    ("Hà Nội", 0), ("Ha\u0300 No\u0323\u0302i", 0), ("ה" + "\u05bc\u05b8\u0591\u05bd", 0),
    ("e" + "\u0301" * text_input.MAX_COMBINING_MARKS, 0),
    ("e" + "\u0301" * (text_input.MAX_COMBINING_MARKS + 1), text_input.MAX_COMBINING_MARKS + 1),
    (ZALGO, 300),
    # An invisible joiner between the marks leaves them on one letter.
    ("e" + "\u0301\u200d" * 20, 20),
    # Enclosing marks are marks too.
    ("1" + "\u20dd" * 12, 12),
])
def test_a_letter_carries_at_most_a_few_combining_marks(text, marks):
    assert text_input.stacked_marks(text) == marks


def test_a_title_with_a_letter_under_hundreds_of_marks_is_refused_at_its_field(
    client, make_user, login_as, make_declaration
):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    response = client.post(f"/declarations/{declaration.id}/details",
                           data={**NEW_DECLARATION, "title": ZALGO, "lock_version": declaration.lock_version})
    assert response.status_code == 422
    assert errors_at(response, "title") == (
        "One letter here carries 300 combining marks (accents, dots, strokes): a letter may carry at most 8."
    )
    db.session.refresh(declaration)
    assert declaration.title == "Tokyo Declaration"


def test_a_password_under_many_marks_set_before_the_rule_still_signs_in(client, make_user):
    # A password is never drawn: the rule on marks is not its to keep.
    user = make_user()
    password = "Zalgo password " + "e" + "\u0301" * 20
    user.password_hash = hash_password(password)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302


# Through the pages


NEW_DECLARATION = {
    "title": "Tokyo Declaration", "subtitle": "", "meeting_name": "Plenary Meeting", "meeting_number": "9",
    "meeting_acronym": "ANMC21", "place": "Tokyo", "starts_on": "2010-11-08", "ends_on": "2010-11-09",
    "language": "en", "layout": "listed_by_country", "network_id": "0",
}


def errors_at(response, field: str) -> str:
    """Return the text of the error list shown at a form field."""
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', response.get_data(as_text=True), re.S)
    assert found, f"no error at {field}"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@pytest.mark.parametrize(
    "title, message",
    [(f"Tokyo{c}Declaration", "Write this on one line") for c in LINE_BREAKS]
    + [("Tokyo\x00Declaration", "This field holds a NUL character (U+0000), which no field accepts."),
       ("Tokyo\x1bDeclaration", "This field holds a control character (U+001B), which it does not accept.")],
)
def test_a_title_with_a_line_break_or_a_control_character_is_refused_at_its_field(
    client, make_user, login_as, make_declaration, title, message
):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    response = client.post(f"/declarations/{declaration.id}/details",
                           data={**NEW_DECLARATION, "title": title, "lock_version": declaration.lock_version})
    assert response.status_code == 422
    assert message in errors_at(response, "title")
    db.session.refresh(declaration)
    assert declaration.title == "Tokyo Declaration"


def test_the_message_names_the_line_break(client, make_user, login_as, make_declaration):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    response = client.post(f"/declarations/{declaration.id}/details", data={
        **NEW_DECLARATION, "place": "Tokyo\u2028Japan", "lock_version": declaration.lock_version,
    })
    assert errors_at(response, "place") == "Write this on one line: it holds a line break (U+2028 LINE SEPARATOR)."


@pytest.mark.parametrize("name", ["Evil\nCity", "Evil\r\nCity", "Evil\x85City", "Evil\x00City"])
def test_an_organization_name_with_a_line_break_or_a_nul_is_refused_at_its_field(client, make_user, login_as, name):
    login_as(make_user(role=UserRole.administrator))
    before = db.session.scalar(select(func.count()).select_from(Organization))
    response = client.post("/admin/organizations/new", data={"name": name, "kind": "city", "country": "JP"})
    assert response.status_code == 422
    assert "holds" in errors_at(response, "name")
    assert db.session.scalar(select(func.count()).select_from(Organization)) == before


@pytest.mark.parametrize("country", ["J\x00", "JP\n", "JP\u2028"])
def test_an_organization_country_with_a_nul_or_a_line_break_is_refused_at_its_field(client, make_user, login_as, country):
    login_as(make_user(role=UserRole.administrator))
    before = db.session.scalar(select(func.count()).select_from(Organization))
    response = client.post("/admin/organizations/new", data={"name": "Osaka", "kind": "city", "country": country})
    assert response.status_code == 422
    assert "holds" in errors_at(response, "country") and "\x00" not in errors_at(response, "country")
    assert db.session.scalar(select(func.count()).select_from(Organization)) == before


@pytest.fixture
def consultation(make_declaration, make_organization, make_user, circulate):
    declaration = make_declaration(clauses=2)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    circulate(declaration)
    return declaration, make_user(role=UserRole.delegate, organization=seoul)


@pytest.mark.parametrize(
    "body, message",
    [
        ("Seoul\x00 agrees.", "This field holds a NUL character (U+0000), which no field accepts."),
        ("Seoul\x07 agrees.", "This field holds a control character (U+0007), which it does not accept."),
        ("Seoul agrees.\u2028Fully.",
         "This text holds a line break (U+2028 LINE SEPARATOR): use an ordinary line break instead."),
        ("Seoul agrees.\n" + ZALGO,
         "One letter here carries 300 combining marks (accents, dots, strokes): a letter may carry at most 8."),
    ],
)
def test_a_comment_with_a_control_character_gets_a_clear_message_and_nothing_is_stored(
    client, login_as, consultation, body, message
):
    declaration, delegate = consultation
    login_as(delegate)
    response = client.post(f"/declarations/{declaration.id}/versions/1/comments",
                           data={"clause_number": 1, "kind": "comment", "body": body})
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_comment_keeps_its_lines_and_tabs_with_line_feeds_only(client, login_as, consultation):
    declaration, delegate = consultation
    login_as(delegate)
    response = client.post(f"/declarations/{declaration.id}/versions/1/comments",
                           data={"clause_number": 1, "kind": "comment", "body": "Seoul agrees:\r\n\r\n-\tfully."})
    assert response.status_code == 302
    assert db.session.scalar(select(Comment.body)) == "Seoul agrees:\n\n-\tfully."


@pytest.mark.parametrize("words", ["\x00", "Tokyo\x00", "Tokyo\nSeoul"])
def test_search_words_with_a_nul_or_a_line_break_are_refused_at_the_field(client, words):
    response = client.get("/archive", query_string={"words": words})
    assert response.status_code == 422
    assert "holds" in errors_at(response, "words")


def test_the_raw_query_string_with_a_nul_is_refused_at_the_field(client):
    response = client.get("/archive?words=%00")
    assert response.status_code == 422
    assert errors_at(response, "words") == "This field holds a NUL character (U+0000), which no field accepts."


@pytest.mark.parametrize("field", ["email", "password"])
def test_signing_in_with_a_nul_is_refused_at_the_field(client, make_user, field):
    user = make_user()
    data = {"email": user.email, "password": "correct horse battery staple"}
    data[field] += "\x00"
    response = client.post("/login", data=data)
    assert response.status_code == 422
    assert "NUL character" in errors_at(response, field)


def test_asking_for_a_new_password_with_a_nul_is_refused_at_the_field(client, make_user):
    user = make_user()
    response = client.post("/password/forgotten", data={"email": user.email + "\x00"})
    assert response.status_code == 422
    assert "NUL character" in errors_at(response, "email")


def test_a_fingerprint_with_a_nul_is_refused_at_the_field(client):
    response = client.get("/verify?fingerprint=%00abcdef")
    assert response.status_code == 422
    assert "NUL character" in errors_at(response, "fingerprint")


@pytest.mark.parametrize("address", ["/invitations/%00", "/password/reset/abc%00def", "/verify/%00"])
def test_a_nul_in_the_address_is_refused_with_a_clear_page(client, address):
    response = client.get(address)
    assert response.status_code == 400
    assert "The request contains a NUL character, which no field accepts." in response.get_data(as_text=True)


def test_no_nul_character_reaches_the_database_whatever_sends_it(db):
    with pytest.raises(text_input.NulCharacter):
        db.session.scalar(select(Declaration).where(Declaration.title == "Tokyo\x00"))
    db.session.rollback()
    with pytest.raises(text_input.NulCharacter):
        db.session.execute(Organization.__table__.insert(), [
            {"name": "Nara", "kind": "city", "country": "JP"}, {"name": "Ky\x00oto", "kind": "city", "country": "JP"},
        ])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Organization).where(Organization.name == "Nara")) == 0


@pytest.mark.parametrize("parameter", ["q", "language"])
def test_a_nul_in_a_parameter_that_no_form_reads_is_refused_with_a_clear_page(
    client, make_user, login_as, make_declaration, make_template, parameter
):
    drafter = login_as(make_user())
    declaration = make_declaration(host=drafter.organization)
    make_template()
    response = client.get(f"/declarations/{declaration.id}/insert", query_string={parameter: "Joint\x00"})
    assert response.status_code == 400
    assert "The request contains a NUL character, which no field accepts." in response.get_data(as_text=True)
