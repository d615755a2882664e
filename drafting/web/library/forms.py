"""Forms of the clause-template library."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, SearchField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from drafting.domain.clause_library import TemplateError, checked_language, language_name, placeholder_errors
from drafting.models import ClauseTemplate, TemplateCategory, limits
from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings

CATEGORY_CHOICES = [SelectChoice(category.value, category.label) for category in TemplateCategory]


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LibrarySearchForm(Form):
    """The list page's filters; a plain Form because a search changes nothing and needs no CSRF token."""

    words = SearchField("Words", filters=[strip], validators=[SingleLine(), Optional(), Length(max=200)])
    category = SelectField("Category", choices=[SelectChoice("", "All categories")] + CATEGORY_CHOICES, default="")
    language = SelectField("Language", default="")
    retired = BooleanField("Include retired templates")

    def __init__(self, formdata, languages: list[str]):
        super().__init__(formdata)
        self.language.choices = [SelectChoice("", "All languages")] + [
            SelectChoice(code, language_name(code)) for code in languages
        ]

    def filters(self) -> dict:
        """Return the filters as search_templates takes them."""
        return dict(
            words=self.words.data or "",
            category=TemplateCategory(self.category.data) if self.category.data else None,
            language=self.language.data or None,
            retired=self.retired.data,
        )


class TemplateForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip],
        validators=[SingleLine(), DataRequired(message="Give the template a name."), Length(max=limits.NAME)],
    )
    category = SelectField("Category", choices=CATEGORY_CHOICES)
    language = StringField(
        "Language", filters=[strip], default="en",
        validators=[
            SingleLine(), DataRequired(message="Give the language's code, e.g. en."), Length(max=limits.LANGUAGE),
        ],
        description="Two-letter ISO 639-1 code: en, ja, ko, th …",
    )
    heading = StringField(
        "Heading", filters=[strip], validators=[SingleLine(), Optional(), Length(max=limits.HEADING)],
        description="Optional; may hold placeholders too.",
    )
    body = TextAreaField(
        "Text", filters=[strip, normalize_line_endings],
        validators=[MultiLine(), DataRequired(message="Write the clause's text."), Length(max=limits.CLAUSE_BODY)],
        description=(
            "Paragraphs separated by a blank line; *stars* emphasise; lines starting with \"- \" make a list. "
            "Placeholders: {{host_city}} for the names listed below, {{name:type}} for your own."
        ),
    )

    def validate_language(self, field) -> None:
        try:
            checked_language(field.data)
        except TemplateError as error:
            raise ValidationError(str(error)) from None

    def validate_heading(self, field) -> None:
        self._check_placeholders(field)

    def validate_body(self, field) -> None:
        self._check_placeholders(field)

    def _check_placeholders(self, field) -> None:
        message = placeholder_errors(self.heading.data or "", self.body.data or "").get(field.name)
        if message:
            raise ValidationError(message)

    def template_fields(self) -> dict:
        """Return the template's fields as the domain takes them."""
        return dict(
            name=self.name.data,
            category=TemplateCategory(self.category.data),
            language=self.language.data,
            heading=self.heading.data,
            body=self.body.data,
        )


OUT_OF_DATE = "This form is out of date: reload the page and make your changes again."


class EditTemplateForm(TemplateForm):
    lock_version = HiddenField(validators=[SingleLine(), Regexp(r"^[0-9]+$", message=OUT_OF_DATE)])

    @classmethod
    def showing(cls, template: ClauseTemplate) -> "EditTemplateForm":
        """Return the form filled with a stored template, ready to edit it."""
        return cls(
            formdata=None,
            data=dict(
                name=template.name,
                category=template.category.value,
                language=template.language,
                heading=template.heading,
                body=template.body,
                lock_version=str(template.lock_version),
            ),
        )
