"""Forms of the host's sign-off: the final text, reopening and withdrawal."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField, DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from drafting.web.affirmation.forms import ANSWER_CHOICES
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


class RecordedAnswerForm(FlaskForm):
    """An answer given outside the application, as the host read it, with the scan of it."""

    organization = SelectField("Participant", coerce=int, validators=[InputRequired(message="Choose the participant.")])
    answer = RadioField("Its answer", choices=ANSWER_CHOICES, validators=[InputRequired(message="Choose its answer.")])
    statement = TextAreaField("Statement (with “affirm with a statement”)", filters=[normalize_line_endings],
                              validators=[MultiLine()])
    clauses = SelectMultipleField("Clauses the statement concerns (optional)", coerce=int,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    reason = TextAreaField("Reason (optional, with “decline”)", filters=[normalize_line_endings], validators=[MultiLine()])
    description = StringField("What the evidence is, for example “letter of 3 December 2026”", validators=[SingleLine()])
    evidence = FileField("Scan of the answer", validators=[FileRequired(message="Upload the scan of the answer.")])
    contestable_until = DateField("Its people may contest it until the end of",
                                  validators=[InputRequired(message="Give the last day to contest it.")])

    def __init__(self, *args, participants=(), clause_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = [(p.organization_id, p.organization.name) for p in participants]
        self.clauses.choices = [(number, f"Clause {number}") for number in clause_numbers]
