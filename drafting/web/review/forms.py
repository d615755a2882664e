"""Forms of the delegates' review."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, SingleLine, normalize_line_endings


class CommentForm(FlaskForm):
    """A comment on a clause; with proposed text, an amendment. The domain checks the texts."""

    clause_number = IntegerField(validators=[InputRequired()])
    kind = HiddenField(default="comment", validators=[SingleLine()])  # "amendment" when the form proposes text
    body = TextAreaField("Comment", filters=[normalize_line_endings], validators=[MultiLine()])
    proposed_text = TextAreaField(
        "Proposed text of the clause", filters=[normalize_line_endings], validators=[MultiLine()]
    )
    justification = TextAreaField("Justification", filters=[normalize_line_endings], validators=[MultiLine()])


    @property
    def amending(self) -> bool:
        return self.kind.data == "amendment"


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply", filters=[normalize_line_endings], validators=[MultiLine()])
