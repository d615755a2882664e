"""Forms of the delegates' review."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


class CommentForm(FlaskForm):
    """A comment on a clause; with proposed text, an amendment. The domain checks the texts."""

    clause_number = IntegerField(validators=[InputRequired()])
    kind = HiddenField(default="comment", validators=[SingleLine()])  # "amendment" when the form proposes text
    # The button pressed: "prepare" keeps it for the organization; anything else sends it at once.
    action = HiddenField(default="send", validators=[SingleLine()])
    body = TextAreaField("Comment", filters=[normalize_line_endings], validators=[MultiLine()])
    proposed_text = TextAreaField(
        "Proposed text of the clause", filters=[normalize_line_endings], validators=[MultiLine()]
    )


    @property
    def amending(self) -> bool:
        return self.kind.data == "amendment"

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
