"""Forms of the administration: they parse what was posted; drafting.domain.people.organizations and drafting.domain.people.accounts judge it."""

import unicodedata
from functools import cache

import pycountry
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice, enum_coerce
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from drafting.domain.clause_library import language_name
from drafting.domain.text import wording
from drafting.models import OrganizationKind, UserRole, limits
from drafting.models.organizations import country_name
from drafting.web.text_fields import SingleLine

KIND_CHOICES = [
    SelectChoice(OrganizationKind.city.value, "City"),
    SelectChoice(OrganizationKind.government.value, "Government (ministry, agency)"),
    SelectChoice(OrganizationKind.organization.value, "Organization (institution, association)"),
]

ROLE_CHOICES = [
    SelectChoice(UserRole.delegate.value, "Delegate (reviews and answers for their organization)"),
    SelectChoice(UserRole.drafter.value, "Drafter (drafts declarations hosted by their organization)"),
    SelectChoice(UserRole.administrator.value, "Administrator (manages organizations, networks and accounts)"),
]


def _alphabetical(name: str) -> str:
    # Sort "Åland Islands" with the A's and "Côte d'Ivoire" before "Croatia", as an English reader expects.
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


@cache
def country_choices() -> list[SelectChoice]:
    """Return every ISO 3166 country as a choice of its alpha-2 code, by English name."""
    countries = [SelectChoice(country.alpha_2, country_name(country.alpha_2)) for country in pycountry.countries]
    return sorted(countries, key=lambda choice: _alphabetical(choice.label))


def organization_choices(organizations, blank: str) -> list[SelectChoice]:
    """Return the organizations as choices of their id, after a blank choice with the id 0."""
    return [SelectChoice(0, blank)] + [
        SelectChoice(organization.id, f"{organization.name} ({organization.country_name})")
        for organization in organizations
    ]


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[SingleLine()])
    kind = SelectField(
        "Kind", choices=KIND_CHOICES, coerce=enum_coerce(OrganizationKind), default=OrganizationKind.city,
        invalid_value_message="Choose a city, a government or an organization.",
    )
    # Not limited to the listed choices: drafting.domain.people.organizations explains what is wrong with an unknown code,
    # once SingleLine has refused what no code holds (the directory would echo a NUL into its message).
    country = SelectField("Country", validate_choice=False, validators=[SingleLine()])
    local_name = StringField("Name in its own language", validators=[SingleLine()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", "Choose…")] + country_choices()

    def language_fields(self) -> list:
        """Return the fields of the names in other languages, one per language documents are written in."""
        return [self[f"name_{language}"] for language in other_languages()]

    def names(self) -> dict[str, str]:
        """Return the names in other languages as posted, by language."""
        return {language: self[f"name_{language}"].data for language in other_languages()}


def other_languages() -> list[str]:
    """Return the languages but English that documents are written in: each has a name field."""
    return [language for language in wording.written_languages() if language != wording.SOURCE_LANGUAGE]


@cache
def organization_form_class() -> type[OrganizationForm]:
    """Return the organization form with a field for the name in each other language (a catalog brings one)."""
    fields = {
        f"name_{language}": StringField(f"Name in {language_name(language)}", validators=[SingleLine()])
        for language in other_languages()
    }
    return type("OrganizationNamesForm", (OrganizationForm,), fields)


def organization_form(organization=None) -> OrganizationForm:
    """Return the organization form, filled in with the organization's names when it shows one first."""
    form = organization_form_class()(obj=organization)
    if organization is not None and not form.is_submitted():
        for language in other_languages():
            form[f"name_{language}"].data = organization.named_in(language)
    return form


class NetworkForm(FlaskForm):
    name = StringField("Name", validators=[SingleLine()])
    acronym = StringField("Acronym", validators=[SingleLine()])


class MembershipForm(FlaskForm):
    organization = SelectField(
        "Organization", coerce=int, validators=[DataRequired(message="Choose an organization.")],
        invalid_choice_message="Choose an organization from the list.",
    )
    joined_on = DateField("Joined on", validators=[InputRequired(message="Give the day it joined.")])
    left_on = DateField("Left on", validators=[Optional()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = organization_choices(organizations, "Choose…")


class EndMembershipForm(FlaskForm):
    left_on = DateField("Left on", validators=[InputRequired(message="Give the day it left.")])


class UserForm(FlaskForm):
    name = StringField("Name", validators=[SingleLine(), Length(max=limits.NAME)])
    role = SelectField(
        "Role", choices=ROLE_CHOICES, coerce=enum_coerce(UserRole), default=UserRole.delegate,
        invalid_value_message="Choose one of the roles.",
    )
    organization = SelectField(
        "Organization", coerce=int, default=0, invalid_choice_message="Choose an organization from the list."
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = organization_choices(organizations, "None (administrators only)")


class NewUserForm(UserForm):
    email = EmailField("E-mail address", validators=[SingleLine()])
    password = PasswordField("Password", validators=[SingleLine()])


class EditUserForm(UserForm):
    active = BooleanField("Active: may sign in")
    password = PasswordField("New password", validators=[SingleLine()])


class FocalPointForm(FlaskForm):
    # "yes" names the account a focal point of its organization, anything else unnames it.
    named = HiddenField(validators=[SingleLine()])
