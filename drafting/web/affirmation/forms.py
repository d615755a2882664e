"""The delegate's answer to the final text."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from drafting.models import Answer
from drafting.web.text_fields import MultiLine, normalize_line_endings

ANSWER_CHOICES = [
    SelectChoice(Answer.affirmed.value, "Affirm the declaration"),
    SelectChoice(Answer.affirmed_with_statement.value, "Affirm it with a statement, recorded in an annex"),
    SelectChoice(Answer.declined.value, "Decline to affirm it"),
]


class AnswerForm(FlaskForm):
    answer = RadioField("Your organization's answer", choices=ANSWER_CHOICES,
                        validators=[InputRequired(message="Choose an answer.")])
    statement = TextAreaField(
        "Statement (with “affirm with a statement”)", filters=[normalize_line_endings], validators=[MultiLine()]
    )
    reason = TextAreaField(
        "Reason (optional, with “decline”)", filters=[normalize_line_endings], validators=[MultiLine()]
    )
    authorised = BooleanField("I am authorised to answer for my organization")
