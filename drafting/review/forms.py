"""Forms of the delegates' review."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired


class CommentForm(FlaskForm):
    """A comment on a clause; with proposed text, an amendment. The domain checks the texts."""

    clause_number = IntegerField(validators=[InputRequired()])
    kind = HiddenField(default="comment")  # "amendment" when the form proposes text
    body = TextAreaField("Comment")
    proposed_text = TextAreaField("Proposed text of the clause")


    @property
    def amending(self) -> bool:
        return self.kind.data == "amendment"


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply")
