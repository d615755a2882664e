"""Forms of the delegates' review."""

from flask import abort
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import Optional, ValidationError

from drafting.models import CommentPart
from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


class CommentForm(FlaskForm):
    """A comment on a part or a paragraph of it (a whole clause unless told otherwise); with proposed text, an
    amendment. The domain checks the target and the texts."""

    part = HiddenField(default=CommentPart.clause.value, validators=[SingleLine()])
    clause_number = IntegerField(validators=[Optional()])
    paragraph = IntegerField(validators=[Optional()])
    kind = HiddenField(default="comment", validators=[SingleLine()])  # "amendment" when the form proposes text
    # The button pressed: "prepare" keeps it for the organization; anything else sends it at once.
    action = HiddenField(default="send", validators=[SingleLine()])
    body = TextAreaField("Comment", filters=[normalize_line_endings], validators=[MultiLine()])
    proposed_text = TextAreaField(
        "Proposed text of the clause", filters=[normalize_line_endings], validators=[MultiLine()]
    )
    quote = TextAreaField("Quote the words you comment on", filters=[normalize_line_endings], validators=[MultiLine()])
    justification = TextAreaField("Justification", filters=[normalize_line_endings], validators=[MultiLine()])


    @property
    def amending(self) -> bool:
        return self.kind.data == "amendment"

    def validate_clause_number(self, field) -> None:
        if field.data is None and self.part.data in ("", CommentPart.clause.value):
            raise ValidationError("Name the clause.")

    def target_part(self) -> CommentPart:
        """Return the part the form comments on; a part no page offers is a bad request."""
        try:
            return CommentPart(self.part.data or CommentPart.clause.value)
        except ValueError:
            abort(400)

    @property
    def preparing(self) -> bool:
        return self.action.data == "prepare"


class RevisionForm(FlaskForm):
    """A prepared comment rewritten before it is sent; the proposed text counts for an amendment only."""

    body = TextAreaField("Comment", filters=[normalize_line_endings], validators=[MultiLine()])
    proposed_text = TextAreaField(
        "Proposed text of the clause", filters=[normalize_line_endings], validators=[MultiLine()]
    )


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply", filters=[normalize_line_endings], validators=[MultiLine()])
