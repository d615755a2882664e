"""The form of a stance on a clause."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


class StanceForm(FlaskForm):
    """A stance on one clause; the domain checks the position and the texts."""

    clause_number = IntegerField(validators=[InputRequired()])
    position = StringField(validators=[SingleLine()])
    reason = TextAreaField("Reason", filters=[normalize_line_endings], validators=[MultiLine()])
    proposed_text = TextAreaField(
        "Text you could accept instead", filters=[normalize_line_endings], validators=[MultiLine()]
    )
