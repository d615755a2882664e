"""The checks and the filter of the forms' text fields: what each kind of text accepts, said at the field.

The rule itself, and its messages, are drafting.domain.text.characters: the import and the
command line refuse the same characters with the same words.
"""

from wtforms.validators import StopValidation

from drafting.domain.text.characters import field_message, marks_message, refused_character, stacked_marks


def normalize_line_endings(value):
    """Return multi-line text with each carriage return and line feed (or lone carriage return) as a line feed."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class SingleLine:
    """Refuse a value that holds a line break, a control character or a letter under too many marks; stop the field's other checks."""

    multi_line = False

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str):
            character = refused_character(field.data, self.multi_line)
            if character is not None:
                raise StopValidation(field_message(character, self.multi_line))
            # A password is never drawn, and one set before this rule must still sign in.
            marks = 0 if field.type == "PasswordField" else stacked_marks(field.data)
            if marks:
                raise StopValidation(marks_message(marks))


class MultiLine(SingleLine):
    """Refuse a value that holds a control character other than a line feed, a carriage return or a tab.

    Use it with the filter normalize_line_endings.
    """

    multi_line = True
