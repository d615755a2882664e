"""Reading JSON with its types checked: each object has exactly the fields asked for, each value
the type asked for, and the first problem is named with its JSON path (`$.declaration.title`).

The import of declarations reads its documents with it; nothing in it knows a declaration.
"""

import json
import re
from datetime import date, datetime, timezone
from enum import Enum


from drafting.domain.text import characters

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ImportProblem(Exception):
    """The first problem of an import document: its JSON path (None for the file as a whole) and what is wrong."""

    def __init__(self, path: str | None, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class _Object(dict):
    """A JSON object as read from a file, which remembers the first key written twice in it."""

    repeated: str | None = None


def _object(pairs: list[tuple[str, object]]) -> _Object:
    # json.loads keeps the last of two values of one key; keep a note of it for Fields to refuse,
    # since only Fields knows the object's path.
    value = _Object()
    for key, item in pairs:
        if key in value and value.repeated is None:
            value.repeated = key
        value[key] = item
    return value


def load(content: bytes) -> object:
    """Read the JSON value of an import file; raise ImportProblem if it is not UTF-8 JSON."""
    try:
        return json.loads(content.decode("utf-8-sig"), object_pairs_hook=_object)
    except UnicodeDecodeError as error:
        raise ImportProblem(None, f"the file is not JSON: byte {error.start} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ImportProblem(
            None, f"the file is not JSON: line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    # Valid JSON that Python refuses to read: a number of more than 4,300 digits, or deep nesting.
    except (ValueError, RecursionError) as error:
        raise ImportProblem(None, f"the file is not JSON this application reads: {error}") from None


def _kind(value: object) -> str:
    """Name the JSON type of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _string(value: object, path: str, multi_line: bool = False) -> str:
    """Return a string of single-line text (or multi-line text); raise ImportProblem for any other value."""
    if not isinstance(value, str):
        raise ImportProblem(path, f"expected a string, found {_kind(value)}")
    # JSON can escape what no database stores: half of a surrogate pair, or the NUL character.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ImportProblem(path, "is not valid Unicode text: it holds half of a surrogate pair") from None
    # Kept as written, carriage returns included: an import reproduces texts and their fingerprints.
    character = characters.refused_character(value, multi_line)
    if character == characters.NUL:
        raise ImportProblem(path, f"holds {characters.described(character)}, which no field accepts")
    if character is not None and multi_line:
        raise ImportProblem(
            path,
            f"holds {characters.described(character)}: "
            "a text may hold line feeds, carriage returns and tabs, but no other control character",
        )
    if character is not None:
        raise ImportProblem(
            path, f"holds {characters.described(character)}: this field is a single line, without control characters"
        )
    marks = characters.stacked_marks(value)
    if marks:
        raise ImportProblem(
            path, f"one letter carries {marks} combining marks: a letter may carry at most {characters.MAX_COMBINING_MARKS}"
        )
    return value


def quoted(value: str, longest: int = 60) -> str:
    return f"“{value}”" if len(value) <= longest else f"“{value[:longest]}…”"


class Fields:
    """One JSON object of the document, at its path: every field present and no other, each read with its type checked."""

    def __init__(self, value: object, path: str, names: tuple[str, ...]):
        if not isinstance(value, dict):
            raise ImportProblem(path, f"expected an object, found {_kind(value)}")
        repeated = getattr(value, "repeated", None)
        if repeated is not None:
            raise ImportProblem(path, f"the key {json.dumps(repeated)} appears twice")
        for name in names:
            if name not in value:
                raise ImportProblem(f"{path}.{name}", "this field is missing")
        for name in value:
            if name not in names:
                raise ImportProblem(path, f"unknown field {json.dumps(name)}")
        self.value = value
        self.path = path

    def path_of(self, name: str) -> str:
        return f"{self.path}.{name}"

    def raw(self, name: str) -> object:
        return self.value[name]

    def text(self, name: str, maximum: int | None = None, required: bool = True, multi_line: bool = False) -> str:
        value = _string(self.value[name], self.path_of(name), multi_line)
        if required and not value.strip():
            raise ImportProblem(self.path_of(name), "must not be empty")
        if maximum is not None and len(value) > maximum:
            raise ImportProblem(self.path_of(name), f"at most {maximum:,} characters; this has {len(value):,}")
        return value

    def optional_text(self, name: str, maximum: int | None = None, multi_line: bool = False) -> str | None:
        return None if self.value[name] is None else self.text(name, maximum, required=False, multi_line=multi_line)

    def integer(self, name: str, smallest: int, largest: int) -> int:
        value = self.value[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ImportProblem(self.path_of(name), f"expected a whole number, found {_kind(value)}")
        if not smallest <= value <= largest:
            raise ImportProblem(self.path_of(name), f"expected a whole number from {smallest} to {largest}")
        return value

    def optional_integer(self, name: str, smallest: int, largest: int) -> int | None:
        return None if self.value[name] is None else self.integer(name, smallest, largest)

    def boolean(self, name: str) -> bool:
        value = self.value[name]
        if not isinstance(value, bool):
            raise ImportProblem(self.path_of(name), f"expected true or false, found {_kind(value)}")
        return value

    def choice(self, name: str, choices: type[Enum]) -> Enum:
        value = self.text(name, required=False)
        for choice in choices:
            if choice.value == value:
                return choice
        allowed = ", ".join(quoted(choice.value) for choice in choices)
        raise ImportProblem(self.path_of(name), f"expected one of {allowed}, found {quoted(value)}")

    def day(self, name: str) -> date:
        value = self.text(name, required=False)
        if _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # a day that does not exist, such as 2010-02-30
        raise ImportProblem(self.path_of(name), f"expected a date as YYYY-MM-DD, found {quoted(value)}")

    def moment(self, name: str) -> datetime:
        value = self.text(name, required=False)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ImportProblem(
                self.path_of(name),
                f"expected a moment in ISO 8601 such as 2010-11-09T16:00:00+00:00, found {quoted(value)}",
            ) from None
        if moment.tzinfo is None:
            raise ImportProblem(
                self.path_of(name), f"{quoted(value)} has no offset from UTC: write it as in 2010-11-09T16:00:00+00:00"
            )
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:
            raise ImportProblem(self.path_of(name), f"{quoted(value)} is out of the range of dates") from None

    def optional_moment(self, name: str) -> datetime | None:
        return None if self.value[name] is None else self.moment(name)

    def fields(self, name: str, names: tuple[str, ...]) -> "Fields":
        return Fields(self.value[name], self.path_of(name), names)

    def items(self, name: str) -> list[tuple[object, str]]:
        """Return the elements of a list field, each with its path."""
        value = self.value[name]
        if not isinstance(value, list):
            raise ImportProblem(self.path_of(name), f"expected a list, found {_kind(value)}")
        return [(item, f"{self.path_of(name)}[{index}]") for index, item in enumerate(value)]

    def strings(self, name: str, multi_line: bool = False) -> list[str]:
        return [_string(item, path, multi_line) for item, path in self.items(name)]
