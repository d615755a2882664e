"""Forms of the host's sign-off: the final text, reopening and withdrawal."""

from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, normalize_line_endings


class ProposeFinalForm(FlaskForm):
    affirmation_deadline = DateField(
        "Answers close at the end of", validators=[InputRequired(message="Give the last day for answers.")]
    )


class ReasonForm(FlaskForm):
    """Reopening and withdrawal both say why; the domain checks the reason."""

    reason = TextAreaField("Reason, told to every delegate", filters=[normalize_line_endings], validators=[MultiLine()])
