"""Forms of the host's desk of comments: filters, replies and decisions on amendments.

Several threads share the page, so each form takes the comment it answers and gives its fields
ids of their own; the field names stay plain, so every thread's form posts the same fields.
"""

from flask_wtf import FlaskForm
from wtforms import Form, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Optional
from wtforms.widgets import HiddenInput

from drafting.models import AmendmentDecision, Comment, CommentStatus
from drafting.web.text_fields import MultiLine, normalize_line_endings

DECISION_CHOICES = [
    SelectChoice(AmendmentDecision.accepted.value, "Accept as proposed"),
    SelectChoice(AmendmentDecision.accepted_with_changes.value, "Accept with changes"),
    SelectChoice(AmendmentDecision.rejected.value, "Reject"),
]


def _identify(form, comment: Comment) -> None:
    for field in form:
        field.id = f"{field.name}-{comment.id}"
        field.label.field_id = field.id


class ReplyForm(FlaskForm):
    """A reply in a thread; the domain checks the text."""

    body = TextAreaField("Reply", filters=[normalize_line_endings], validators=[MultiLine()])

    def __init__(self, *args, comment: Comment, **kwargs):
        super().__init__(*args, **kwargs)
        _identify(self, comment)


class DecisionForm(FlaskForm):
    """The host's decision on an amendment; the domain checks the reason and the changed text."""

    # AnyOf rather than RadioField's own check, whose "Not a valid choice" names no decision.
    decision = RadioField(
        "Decision", choices=DECISION_CHOICES, validate_choice=False,
        validators=[AnyOf([choice.value for choice in DECISION_CHOICES],
                          message="Choose whether to accept, accept with changes or reject the amendment.")],
    )
    reason = TextAreaField(
        "Reason", filters=[normalize_line_endings], validators=[MultiLine()],
        description="Required to reject; sent to the author with the decision.")
    changed_text = TextAreaField(
        "Text as changed", filters=[normalize_line_endings], validators=[MultiLine()],
        description="Used only when accepting with changes: it replaces the clause's text."
    )
    # The lock_version of the working clause as the desk showed it: see consultation.decide_amendment.
    clause_lock_version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def __init__(self, *args, amendment: Comment, **kwargs):
        super().__init__(*args, **kwargs)
        _identify(self, amendment)

    @property
    def choice(self) -> AmendmentDecision:
        return AmendmentDecision(self.decision.data)


class CommentFilterForm(Form):
    """The desk's filters, read from the query string: no CSRF, since they change nothing."""

    organization = SelectField("Organization")
    status = SelectField("Status")
    clause = SelectField("Clause or passage")

    def __init__(self, formdata, organizations, clauses: list[tuple[str, str]]):
        super().__init__(formdata)
        self.organization.choices = [SelectChoice("", "All organizations")] + [
            SelectChoice(str(organization.id), organization.name) for organization in organizations
        ]
        self.status.choices = [SelectChoice("", "Any status")] + [
            SelectChoice(status.value, status.value) for status in CommentStatus
        ]
        self.clause.choices = [SelectChoice("", "All clauses and passages")] + [
            SelectChoice(key, label) for key, label in clauses
        ]

    def selection(self) -> dict[str, str]:
        """Return the value chosen for each filter by name, leaving out "all" and any value not offered."""
        return {
            field.name: field.data
            for field in self
            if field.data and field.data in {choice.value for choice in field.choices}
        }
