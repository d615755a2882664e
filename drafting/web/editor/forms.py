"""Forms of the host's editor."""

from datetime import date
from enum import Enum
from typing import NamedTuple

import pycountry
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from drafting.domain import draft_editing
from drafting.domain.text import phrasing
from drafting.domain.text.composed_document import Part
from drafting.models import DatePosition, Declaration, DeclarationLayout, ParticipantRole, limits
from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


def strip(value):
    return value.strip() if isinstance(value, str) else value


def language_choices() -> list[SelectChoice]:
    """Return the ISO 639-1 languages, by English name."""
    languages = [language for language in pycountry.languages if hasattr(language, "alpha_2")]
    return [SelectChoice(language.alpha_2, language.name) for language in sorted(languages, key=lambda l: l.name)]


LAYOUT_CHOICES = [
    SelectChoice(DeclarationLayout.listed_by_country.value, "Participants listed by country after the closing formula"),
    SelectChoice(
        DeclarationLayout.named_in_opening.value, "Participants named in the opening paragraph, place and date at the end"
    ),
]

ROLE_CHOICES = [
    SelectChoice(ParticipantRole.participant.value, "Participant (affirms the declaration)"),
    SelectChoice(ParticipantRole.observer.value, "Observer (comments, is not listed)"),
    SelectChoice(ParticipantRole.host.value, "Co-host (proposed; shares the host's rights once it accepts)"),
]


class DeclarationForm(FlaskForm):
    title = StringField("Title", filters=[strip], validators=[SingleLine(), DataRequired(), Length(max=limits.NAME)])
    subtitle = StringField(
        "Theme", filters=[strip], validators=[SingleLine(), Optional(), Length(max=limits.SHORT_TEXT)]
    )
    meeting_name = StringField(
        "Meeting", filters=[strip], validators=[SingleLine(), DataRequired(), Length(max=limits.NAME)]
    )
    meeting_number = IntegerField(
        "Number of the meeting", validators=[Optional(), NumberRange(min=1, max=9999, message="A number from 1 to 9999.")]
    )
    meeting_acronym = StringField(
        "Acronym", filters=[strip], validators=[SingleLine(), Optional(), Length(max=limits.ACRONYM)]
    )
    place = StringField("Place", filters=[strip], validators=[SingleLine(), DataRequired(), Length(max=limits.NAME)])
    starts_on = DateField("First day", validators=[InputRequired(message="Give the first day of the meeting.")])
    ends_on = DateField("Last day", validators=[InputRequired(message="Give the last day of the meeting.")])
    language = SelectField("Language", default="en", validators=[DataRequired()])
    layout = RadioField("Layout", choices=LAYOUT_CHOICES, default=DeclarationLayout.listed_by_country.value)
    network_id = SelectField("Network", coerce=int, default=0)
    lock_version = HiddenField(validators=[SingleLine()])

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.network_id.choices = [SelectChoice(0, "None")] + [SelectChoice(n.id, n.name) for n in networks]

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day cannot be before the first day.")

    def metadata(self) -> dict:
        """Return the declaration's fields as the domain takes them."""
        return dict(
            title=self.title.data,
            subtitle=self.subtitle.data or None,
            meeting_name=self.meeting_name.data,
            meeting_number=self.meeting_number.data,
            meeting_acronym=self.meeting_acronym.data or None,
            place=self.place.data,
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            language=self.language.data,
            layout=DeclarationLayout(self.layout.data),
            network_id=self.network_id.data or None,
        )

    def differences_from(self, saved: Declaration) -> list["FieldDifference"]:
        """Return each field whose saved value differs from this form's, in the form's order, as the form words it."""
        return [
            FieldDifference(self[name].label.text, _shown(self[name], getattr(saved, name)), _shown(self[name], value))
            for name, value in self.metadata().items() if getattr(saved, name) != value
        ]


class FieldDifference(NamedTuple):
    """One field of a form as someone else saved it and as this form holds it."""

    label: str
    theirs: str
    yours: str


def _shown(field: Field, value) -> str:
    # A value as the form offers it: a choice by its label, a date written out, nothing as "(empty)".
    if isinstance(value, Enum):
        value = value.value
    choices = getattr(field, "choices", None)
    if choices is not None:
        offered = {str(choice.value): choice.label for choice in choices}
        return offered.get(str(0 if value is None else value), str(value))  # the network's choice "None" is 0
    if value is None or value == "":
        return "(empty)"
    return phrasing.format_date(value) if isinstance(value, date) else str(value)


class PreambleForm(FlaskForm):
    preamble = TextAreaField(
        "Preamble", filters=[strip, normalize_line_endings], validators=[MultiLine(), Length(max=limits.PREAMBLE)],
        description="Paragraphs separated by a blank line; *stars* emphasise; lines starting with \"- \" make a list.",
    )
    lock_version = HiddenField(validators=[SingleLine()])


PART_LABELS = {
    Part.header: "Header",
    Part.opening: "Opening paragraph",
    Part.date_line: "Date line",
    Part.closing_formula: "Closing formula",
    Part.list_heading: "Heading of the list of participants",
}
PART_LIMITS = {
    Part.header: limits.NAME, Part.opening: limits.OPENING, Part.date_line: limits.DATE_LINE,
    Part.closing_formula: limits.CLOSING_FORMULA, Part.list_heading: limits.HEADING,
}
# The header and the list's heading are one line; the date line may hold the place on a line of its own.
ONE_LINE_PARTS = (Part.header, Part.list_heading)


class PartForm(FlaskForm):
    """The host's text of one part of the document, made by part_form(); its field is named after the part."""

    lock_version = HiddenField(validators=[SingleLine()])

    @property
    def text(self) -> Field:
        return self[self.part.value]


def part_form(part: Part, **kwargs) -> PartForm:
    """Build the form of one part, its field named after the declaration's column."""
    if part in ONE_LINE_PARTS:
        text = StringField(PART_LABELS[part], filters=[strip], validators=[SingleLine(), Length(max=PART_LIMITS[part])])
    else:
        text = TextAreaField(
            PART_LABELS[part], filters=[strip, normalize_line_endings],
            validators=[MultiLine(), Length(max=PART_LIMITS[part])],
        )
    # The opening and the closing formula are left out by a button of their own, never by saving them empty.
    attributes = {part.value: text, "part": part, "may_leave_out": part in draft_editing.LEFT_OUT_ONLY_ON_PURPOSE}
    return type(f"{part.name.title()}Form", (PartForm,), attributes)(**kwargs)


DATE_POSITION_CHOICES = [
    SelectChoice("", "As the layout has it"),
    SelectChoice(DatePosition.title.value, "Under the title"),
    SelectChoice(DatePosition.end.value, "At the end, with the place"),
    SelectChoice(DatePosition.both.value, "Under the title and at the end"),
    SelectChoice(DatePosition.none.value, "Nowhere"),
]
HOSTS_LISTED_CHOICES = [
    SelectChoice("", "As the layout has it"),
    SelectChoice("yes", "Listed with the participants"),
    SelectChoice("no", "Not listed: the closing formula names them"),
]


class PlacementForm(FlaskForm):
    date_position = SelectField("Where the date line stands", choices=DATE_POSITION_CHOICES)
    hosts_listed = SelectField("The host and co-hosts", choices=HOSTS_LISTED_CHOICES)
    lock_version = HiddenField(validators=[SingleLine()])

    def values(self) -> dict:
        """Return the choices as the declaration stores them: None for the layout's default."""
        return dict(
            date_position=DatePosition(self.date_position.data) if self.date_position.data else None,
            hosts_listed={"yes": True, "no": False}.get(self.hosts_listed.data),
        )


class PlaceForm(FlaskForm):
    """Where a participant or a country goes in the host's order: its 0-based index in its list."""

    to = IntegerField(validators=[InputRequired(message="Say where it goes."), NumberRange(min=0, max=10_000)])


class ClauseForm(FlaskForm):
    heading = StringField("Heading", filters=[strip], validators=[SingleLine(), Optional(), Length(max=limits.HEADING)])
    body = TextAreaField(
        "Text", filters=[strip, normalize_line_endings],
        validators=[MultiLine(), DataRequired(message="Write the clause's text."), Length(max=limits.CLAUSE_BODY)],
        description="Paragraphs separated by a blank line; *stars* emphasise; lines starting with \"- \" make a list.",
    )
    lock_version = HiddenField(validators=[SingleLine()])


class MoveClauseForm(FlaskForm):
    direction = HiddenField(validators=[SingleLine(), DataRequired()])

    def validate_direction(self, field) -> None:
        if field.data not in ("up", "down"):
            raise ValidationError("Move a clause up or down.")


class InviteOrganizationForm(FlaskForm):
    organization_id = SelectField("Organization", coerce=int, validators=[DataRequired(message="Choose an organization.")])
    role = SelectField("As", choices=ROLE_CHOICES, default=ParticipantRole.participant.value)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = [SelectChoice(0, "Choose…")] + [
            SelectChoice(organization.id, f"{organization.name} ({organization.country_name})")
            for organization in organizations
        ]


class InviteNetworkForm(FlaskForm):
    network_id = SelectField("Network", coerce=int, validators=[DataRequired(message="Choose a network.")])
    # Beside the form that invites one organization, whose role field is #role.
    role = SelectField("As", id="network-role", choices=ROLE_CHOICES[:2], default=ParticipantRole.participant.value)

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.network_id.choices = [SelectChoice(0, "Choose…")] + [SelectChoice(n.id, n.name) for n in networks]


class ParticipantRoleForm(FlaskForm):
    """Another role for a participant; "co-host" proposes it to the organization."""

    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired(message="Choose a role.")])


class CoHostAnswerForm(FlaskForm):
    """An organization's answer to a proposal that it co-host: one button each."""

    answer = RadioField(choices=[SelectChoice("accept", "Accept"), SelectChoice("decline", "Decline")],
                        validators=[DataRequired(message="Accept or decline the proposal.")])


# A placeholder's field is named "placeholder-<name>": with the hyphen no name can be an identifier,
# so none can shadow the form's own attributes ({{meta}}, {{data}}, {{validate}}, {{csrf_token}} ...).
PLACEHOLDER_FIELD_PREFIX = "placeholder-"


class PlaceholderForm(FlaskForm):
    """The values of a template's placeholders, one field each, made by placeholder_form()."""

    def field_of(self, name: str) -> Field:
        """Return the field of the placeholder with this name."""
        return self[PLACEHOLDER_FIELD_PREFIX + name]

    def raw_values(self) -> dict[str, str]:
        """Return the value typed for each placeholder, by placeholder name."""
        return {
            name.removeprefix(PLACEHOLDER_FIELD_PREFIX): field.data
            for name, field in self._fields.items() if name.startswith(PLACEHOLDER_FIELD_PREFIX)
        }


def placeholder_form(found, values: dict[str, str]) -> PlaceholderForm:
    """Build a form with one field per placeholder of a template, pre-filled with known values."""
    fields = {
        PLACEHOLDER_FIELD_PREFIX + placeholder.name: StringField(
            placeholder.label,
            filters=[strip],
            validators=[SingleLine()],
            default=values.get(placeholder.name, ""),
            description=placeholder.type,
            render_kw={"type": {"date": "date", "year": "number", "ordinal": "number"}.get(placeholder.type, "text")},
        )
        for placeholder in found
    }
    return type("TemplatePlaceholderForm", (PlaceholderForm,), fields)()


class CirculateForm(FlaskForm):
    comment_deadline = DateField(
        "Comments close at the end of", validators=[InputRequired(message="Give the last day for comments.")]
    )
    # Unticked (closed), each organization's comments on the draft are read only by its own people and the host.
    open_consultation = BooleanField(
        "Open consultation: every participant reads the others' comments and amendments on this draft"
    )
