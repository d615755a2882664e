"""Forms of the host's sign-off: the final text, reopening and withdrawal."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


class ProposeFinalForm(FlaskForm):
    affirmation_deadline = DateField(
        "Answers close at the end of", validators=[InputRequired(message="Give the last day for answers.")]
    )


class ReasonForm(FlaskForm):
    """Reopening and withdrawal both say why; the domain checks the reason."""

    reason = TextAreaField("Reason, told to every delegate", filters=[normalize_line_endings], validators=[MultiLine()])


class AdoptForm(FlaskForm):
    """The host's confirmation of what adoption publishes; the domain decides whether a reason is needed."""

    answers_seen = HiddenField(validators=[SingleLine()])
    without_missing_answers = BooleanField("I adopt the declaration without the missing answers")
    reason = TextAreaField("Why adopt without them? The record keeps this reason",
                           filters=[normalize_line_endings], validators=[MultiLine()])
