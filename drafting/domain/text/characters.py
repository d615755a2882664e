"""What text a field accepts: single-line text (titles, names, e-mail addresses, search words)
and multi-line text (clause bodies, comments, statements, reasons).

Single-line text holds no line break and no control character: a title with a line break in it
would break the subject of every e-mail that names it. Multi-line text keeps line feeds (the
forms turn carriage returns into line feeds; an import keeps them, to reproduce its texts exactly)
and tabs, and refuses every other control character and the Unicode line and paragraph
separators, which the paragraphs of a clause do not understand. No text anywhere holds a NUL
character: PostgreSQL cannot store one. No letter of any text carries more than a few combining
marks: a PDF draws a letter under hundreds of them far above its line, off the top of the page.

The forms check their fields with drafting.web.text_fields, the import reads its JSON strings,
and the command line its arguments, with the same predicate, refused_character.
"""

import re
import unicodedata

NUL = "\x00"

# Unicode's control characters (C0, DEL, C1) and its line and paragraph separators.
_SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same but for the line feed, the carriage return and the tab.
_MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")

# Everything Python's str.splitlines() takes for the end of a line, and how to name it.
LINE_BREAKS = {
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x0b": "VERTICAL TAB",
    "\x0c": "FORM FEED",
    "\x1c": "FILE SEPARATOR",
    "\x1d": "GROUP SEPARATOR",
    "\x1e": "RECORD SEPARATOR",
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}
_OTHER_NAMES = {NUL: "NUL", "\t": "TAB", "\x7f": "DELETE"}

# Vietnamese puts two marks on a letter, pointed and cantillated Hebrew four or five, Tibetan
# stacks as many; more is decoration heaped on one letter, which the PDF draws over the lines above.
MAX_COMBINING_MARKS = 8

NUL_MESSAGE = "The request contains a NUL character, which no field accepts."


class NulCharacter(ValueError):
    """A NUL character on its way to the database, which no field accepts."""

    def __init__(self):
        super().__init__(NUL_MESSAGE)


def refused_character(text: str, multi_line: bool = False) -> str | None:
    """Return the first character that single-line (or multi-line) text may not hold, or None."""
    found = (_MULTI_LINE_REFUSED if multi_line else _SINGLE_LINE_REFUSED).search(text)
    return found.group() if found else None


def described(character: str) -> str:
    """Name a refused character for a message: "a line break (U+2028 LINE SEPARATOR)"."""
    code = f"U+{ord(character):04X}"
    if character == NUL:
        return f"a NUL character ({code})"
    if character in LINE_BREAKS:
        return f"a line break ({code} {LINE_BREAKS[character]})"
    name = _OTHER_NAMES.get(character)
    return f"a control character ({code} {name})" if name else f"a control character ({code})"


def field_message(character: str, multi_line: bool = False) -> str:
    """Return the message a form shows at a field that holds a refused character."""
    if character == NUL:
        return "This field holds a NUL character (U+0000), which no field accepts."
    if character in LINE_BREAKS and not multi_line:
        return f"Write this on one line: it holds {described(character)}."
    if character in LINE_BREAKS:
        return f"This text holds {described(character)}: use an ordinary line break instead."
    return f"This field holds {described(character)}, which it does not accept."


def stacked_marks(text: str) -> int:
    """Return the number of combining marks on the letter that carries the most of them, if over MAX_COMBINING_MARKS; else 0."""
    most = marks = 0
    for character in text:
        category = unicodedata.category(character)
        if category in ("Mn", "Me"):
            marks += 1
            most = max(most, marks)
        # An invisible format character (a joiner) between two marks leaves them on one letter.
        elif category != "Cf":
            marks = 0
    return most if most > MAX_COMBINING_MARKS else 0


def marks_message(marks: int) -> str:
    """Return the message for text whose letter carries too many combining marks."""
    return (f"One letter here carries {marks} combining marks (accents, dots, strokes): "
            f"a letter may carry at most {MAX_COMBINING_MARKS}.")


def _holds_nul(parameters) -> bool:
    if isinstance(parameters, str):
        return NUL in parameters
    if isinstance(parameters, dict):
        parameters = parameters.values()
    elif not isinstance(parameters, (list, tuple)):
        return False
    return any(_holds_nul(value) for value in parameters)


def refuse_nul_parameters(connection, cursor, statement, parameters, context, executemany) -> None:
    """Raise NulCharacter before a statement sends a NUL character to the database.

    The forms refuse a NUL at their fields; this catches one that no form read, such as a route
    argument or an unknown parameter, the same way on every database.
    """
    if _holds_nul(parameters):
        raise NulCharacter()
