"""How a redline shows the small markup of drafting.domain.text.markup: "- " lines as list items
and *starred words* as emphasis, as the document itself shows them, instead of raw characters.

A redline paragraph mixes two texts: the older one (equal and deleted segments) and the newer one
(equal and inserted segments). Each is read for emphasis on its own, so an asterisk is hidden only
where it is a delimiter in the text it belongs to, and a word is emphasised as that text has it.
"""

from dataclasses import dataclass, field

from drafting.domain.text.markup import BULLET, EMPHASIS
from drafting.domain.text.redline import Change, Segment


@dataclass(frozen=True)
class Run:
    """A run of shown text: one change, emphasised or not."""

    change: Change
    text: str
    emphasised: bool = False


@dataclass
class Block:
    """A paragraph of runs, or a list whose items are each a list of runs."""

    runs: list[Run] = field(default_factory=list)
    items: list[list[Run]] = field(default_factory=list)


@dataclass
class _Character:
    text: str
    change: Change
    hidden: bool = False
    emphasised: bool = False


def _read_emphasis(characters: list[_Character]) -> None:
    """Mark each text's emphasis delimiters hidden and its emphasised characters, from that text's own reading."""
    for changes, decides_equal in (({Change.equal, Change.delete}, False), ({Change.equal, Change.insert}, True)):
        members = [c for c in characters if c.change in changes]
        text = "".join(c.text for c in members)
        for match in EMPHASIS.finditer(text):
            for index in range(match.start(), match.end()):
                character = members[index]
                # An unchanged character shows as the newer text has it.
                if character.change is Change.equal and not decides_equal:
                    continue
                if index in (match.start(), match.end() - 1):
                    character.hidden = True
                else:
                    character.emphasised = True


def _runs(characters: list[_Character]) -> list[Run]:
    runs: list[Run] = []
    for character in characters:
        if character.hidden:
            continue
        if runs and (runs[-1].change, runs[-1].emphasised) == (character.change, character.emphasised):
            runs[-1] = Run(character.change, runs[-1].text + character.text, character.emphasised)
        else:
            runs.append(Run(character.change, character.text, character.emphasised))
    return runs


def _lines(characters: list[_Character]) -> list[list[_Character]]:
    lines: list[list[_Character]] = [[]]
    for character in characters:
        if character.text == "\n":
            lines.append([])
        else:
            lines[-1].append(character)
    return lines


def _hide_indent(line: list[_Character]) -> None:
    for character in line:
        if not character.text.isspace():
            return
        character.hidden = True


def blocks(paragraph: list[Segment]) -> list[Block]:
    """Return a redline paragraph as the blocks it shows: text paragraphs, and lists for "- " lines,
    joined as drafting.domain.text.markup.paragraph_html joins them."""
    characters = [_Character(letter, segment.change) for segment in paragraph for letter in segment.text]
    _read_emphasis(characters)
    shown: list[Block] = []
    for line in _lines(characters):
        text = "".join(c.text for c in line)
        bullet = BULLET.match(text)
        if bullet:
            for character in line[:bullet.end()]:
                character.hidden = True
            if not shown or not shown[-1].items:
                shown.append(Block())
            shown[-1].items.append(_runs(line))
            continue
        _hide_indent(line)
        if shown and shown[-1].items and text.startswith("  "):
            shown[-1].items[-1] += [Run(Change.equal, " ")] + _runs(line)
        else:
            if not shown or shown[-1].items:
                shown.append(Block())
            elif shown[-1].runs:
                shown[-1].runs.append(Run(Change.equal, " "))
            shown[-1].runs += _runs(line)
    return shown
