"""Forms of the silence procedure: the host starts it, a participant breaks it."""

from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired

from drafting.web.text_fields import MultiLine, normalize_line_endings


class StartSilenceForm(FlaskForm):
    """The end of the silence and the answer deadline of the final text that follows; the domain checks both."""

    ends = DateTimeLocalField("Silence ends at", format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    answer_deadline = DateField("If nobody breaks it, answers to the final text close at the end of",
                                validators=[InputRequired()])

    def first_error(self) -> tuple[str, str] | None:
        """Return the (field, message) of the first field refused, for a date or time that could not be read."""
        for name in ("ends", "answer_deadline"):
            if self[name].errors or self[name].data is None:
                return name, f"Give {'the moment the silence ends' if name == 'ends' else 'the last day for answers'}."
        return None

    @classmethod
    def again(cls, refused: dict | None) -> "StartSilenceForm":
        """Return the form empty, or as it was sent and refused, with the message at the field at fault."""
        refused = refused or {}
        form = cls(formdata=None, prefix="silence")
        form.ends.raw_data = [refused.get("ends", "")]
        form.answer_deadline.raw_data = [refused.get("answer_deadline", "")]
        if refused.get("field") in ("ends", "answer_deadline"):
            form[refused["field"]].errors = [refused["message"]]
        return form


class BreakSilenceForm(FlaskForm):
    """The clauses a participant objects to and why; the domain checks them against the draft."""

    clauses = SelectMultipleField("Clauses concerned", coerce=int, validate_choice=False)
    reason = TextAreaField("Why your organization breaks the silence", filters=[normalize_line_endings],
                           validators=[MultiLine()])

    @classmethod
    def again(cls, refused: dict | None) -> "BreakSilenceForm":
        """Return the form empty, or as it was sent and refused: its clauses and reason, the message at the field at fault."""
        refused = refused or {}
        form = cls(formdata=None, prefix="silence", clauses=refused.get("clauses", []), reason=refused.get("reason"))
        if refused.get("field") in ("clauses", "reason"):
            form[refused["field"]].errors = [refused["message"]]
        return form
