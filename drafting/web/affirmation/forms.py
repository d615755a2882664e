"""The delegate's answer to the final text."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

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
    clauses = SelectMultipleField("Clauses the statement concerns (optional)", coerce=int,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    reason = TextAreaField(
        "Reason (optional, with “decline”)", filters=[normalize_line_endings], validators=[MultiLine()]
    )
    authorised = BooleanField("I am authorised to answer for my organization")

    def __init__(self, *args, clause_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.clauses.choices = [(number, f"Clause {number}") for number in clause_numbers]


class ContestForm(FlaskForm):
    """Contesting an answer the host recorded; on the page of the answer form, so its fields are prefixed."""

    reason = TextAreaField("Why this is not your organization's answer; the host is told",
                           filters=[normalize_line_endings], validators=[MultiLine()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="contest", **kwargs)
