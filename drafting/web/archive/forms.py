"""Forms of the public archive: its filters, and the verification of a fingerprint or a PDF."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Form, SearchField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from drafting.domain import archive_index, verification
from drafting.domain.archive_search import ArchiveChoices
from drafting.models.organizations import country_name
from drafting.web.text_fields import SingleLine


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ArchiveSearchForm(Form):
    """The archive's filters; a plain Form because a search changes nothing and needs no CSRF token."""

    words = SearchField("Words", filters=[strip], validators=[SingleLine(), Optional(), Length(max=200)])
    network = SelectField("Network", default="")
    year = SelectField("Year of adoption", default="")
    country = SelectField("Host country", default="")

    def __init__(self, formdata, choices: ArchiveChoices):
        super().__init__(formdata)
        self.network.choices = [SelectChoice("", "All networks")] + [
            SelectChoice(str(network_id), name) for network_id, name in choices.networks
        ]
        self.year.choices = [SelectChoice("", "All years")] + [
            SelectChoice(str(year), str(year)) for year in choices.years
        ]
        self.country.choices = [SelectChoice("", "All countries")] + [
            SelectChoice(code, country_name(code)) for code in choices.countries
        ]

    def validate_words(self, field) -> None:
        if field.data and not archive_index.phrases(field.data):
            raise ValidationError("Type words with a letter or a digit: the archive is searched by whole words.")

    def filters(self) -> dict:
        """Return the filters as archive_search.search takes them."""
        return dict(
            network_id=int(self.network.data) if self.network.data else None,
            year=int(self.year.data) if self.year.data else None,
            country=self.country.data or None,
            words=self.words.data or "",
        )


class FingerprintForm(Form):
    """A fingerprint typed in; a plain Form, sent with GET: looking it up changes nothing."""

    fingerprint = StringField(
        "Fingerprint", filters=[verification.normalized],
        validators=[SingleLine(), InputRequired(message="Type the fingerprint printed in the PDF.")],
    )

    def validate_fingerprint(self, field) -> None:
        if not verification.is_fingerprint(field.data):
            raise ValidationError(verification.MALFORMED)


class UploadForm(FlaskForm):
    pdf = FileField("PDF file", validators=[FileRequired(message="Choose the PDF you want to verify.")])
