"""The redline of two versions: what the whole text gained and lost, word by word.

`redline()` compares two documents part by part (title block, opening, preamble, each clause,
closing formula, participants) and returns plain data that a template prints. A clause keeps
its identity across versions through its clause_id, so a clause that moved is compared with
itself under its new number instead of showing as deleted in one place and inserted in another.

Texts are split into tokens that keep every character (words, single punctuation marks, runs of
whitespace), so the segments of a paragraph join back into exactly the old text (equal and
deleted segments) and exactly the new text (equal and inserted segments). Scripts written
without spaces between words, such as Japanese, are compared character by character: otherwise
one changed word would mark the whole paragraph.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import groupby, zip_longest

from drafting.domain.text import phrasing
from drafting.domain.text.composed_document import Document, DocumentClause

# Han, kana, CJK and full-width punctuation; Thai, Lao, Myanmar and Khmer, which also run words together.
_UNSPACED = re.compile(
    "[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)


class Change(StrEnum):
    """How a segment of text stands between the older and the newer version."""

    equal = "equal"
    insert = "insert"
    delete = "delete"


class Section(StrEnum):
    """The parts of a document, in the order it reads."""

    title_block = "title_block"
    opening = "opening"
    preamble = "preamble"
    clause = "clause"
    closing = "closing"
    participants = "participants"


_SECTION_NAMES = {
    Section.title_block: "Title",
    Section.opening: "Opening",
    Section.preamble: "Preamble",
    Section.closing: "Closing formula",
    Section.participants: "Participating cities and organizations",
}

# How the summary names a part whose words changed: "3 insertions in the preamble".
_SUMMARY_PLACES = {
    Section.title_block: "the title block",
    Section.opening: "the opening",
    Section.preamble: "the preamble",
    Section.closing: "the closing formula",
    Section.participants: "the list of participants",
}


@dataclass(frozen=True)
class Segment:
    """A run of text that both versions share, or that only the newer (insert) or the older (delete) has."""

    change: Change
    text: str


@dataclass(frozen=True)
class Part:
    """One part of the redline: its heading line (clauses only) and its paragraphs, each a list of segments."""

    section: Section
    paragraphs: list[list[Segment]]
    heading: list[Segment] = field(default_factory=list)
    # For clauses: the number in the newer version (None if removed) and in the older one (None if new).
    number: int | None = None
    old_number: int | None = None

    @property
    def name(self) -> str:
        """Name the part as the page heads it: "Preamble", "Clause 3 (was 2)", "Clause 4 (new)"."""
        if self.section is not Section.clause:
            return _SECTION_NAMES[self.section]
        if self.number is None:
            return f"Clause {self.old_number} (removed)"
        if self.old_number is None:
            return f"Clause {self.number} (new)"
        if self.moved:
            return f"Clause {self.number} (was {self.old_number})"
        return f"Clause {self.number}"

    @property
    def moved(self) -> bool:
        """Tell whether the clause is in both versions under different numbers."""
        return None not in (self.number, self.old_number) and self.number != self.old_number

    def count(self, change: Change) -> int:
        """Count the runs of inserted or deleted text in this part."""
        return sum(segment.change is change for line in [self.heading, *self.paragraphs] for segment in line)


@dataclass(frozen=True)
class Tally:
    """What a redline amounts to: runs of text inserted and deleted, where, and which clauses moved."""

    insertions: int
    deletions: int
    changed: list[Part]
    moved: list[Part]

    @property
    def any_change(self) -> bool:
        """Tell whether the two versions differ at all, if only in the order of their clauses."""
        return bool(self.insertions or self.deletions or self.moved)


def _character_kind(character: str) -> str:
    if character.isspace():
        return "space"
    if _UNSPACED.match(character) or unicodedata.category(character)[0] in "PS":
        return "single"
    return "word"


def tokens(text: str) -> list[str]:
    """Split text into words, single punctuation marks and runs of whitespace; unspaced scripts into characters."""
    split: list[str] = []
    for kind, characters in groupby(text, _character_kind):
        if kind == "single":
            split.extend(characters)
        else:
            split.append("".join(characters))
    return split


def compare_words(old: str, new: str) -> list[Segment]:
    """Compare two texts word by word; the segments re-join into exactly the old and the new text."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    opcodes = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes()
    runs: list[list[str]] = []  # [tag, old text, new text]
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        before, after = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        # "<del>a</del><ins>x</ins> <del>b</del><ins>y</ins>" reads better as "<del>a b</del><ins>x y</ins>":
        # a space that only separates two replacements joins them.
        bridging = (
            tag == "equal"
            and before.isspace()
            and 0 < index < len(opcodes) - 1
            and opcodes[index - 1][0] == opcodes[index + 1][0] == "replace"
        )
        if (bridging or tag == "replace") and runs and runs[-1][0] == "replace":
            runs[-1][1] += before
            runs[-1][2] += after
        else:
            runs.append(["replace" if bridging else tag, before, after])
    segments: list[Segment] = []
    for tag, before, after in runs:
        if tag == "equal":
            segments.append(Segment(Change.equal, before))
            continue
        if before:
            segments.append(Segment(Change.delete, before))
        if after:
            segments.append(Segment(Change.insert, after))
    return segments


def compare_paragraphs(old: list[str], new: list[str]) -> list[list[Segment]]:
    """Compare two lists of paragraphs: align the unchanged ones, compare the others word by word in order."""
    compared: list[list[Segment]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            compared += [[Segment(Change.equal, paragraph)] for paragraph in old[i1:i2]]
        else:
            pairs = zip_longest(old[i1:i2], new[j1:j2], fillvalue="")
            compared += [compare_words(before, after) for before, after in pairs]
    return compared


def _compare_fields(old: list[str | None], new: list[str | None]) -> list[list[Segment]]:
    # Fields such as the subtitle may be missing from one version: compare them side by side, skipping empty pairs.
    return [compare_words(before or "", after or "") for before, after in zip(old, new) if before or after]


def _clause_part(old: DocumentClause | None, new: DocumentClause | None) -> Part:
    return Part(
        Section.clause,
        heading=compare_words((old.heading if old else None) or "", (new.heading if new else None) or ""),
        paragraphs=compare_paragraphs(old.paragraphs if old else [], new.paragraphs if new else []),
        number=new.number if new else None,
        old_number=old.number if old else None,
    )


def match_clauses(old: list[DocumentClause], new: list[DocumentClause]) -> dict[int, int]:
    """Pair clauses of the two versions: map the index of each clause in the newer list to its index in the older.

    Clauses pair by clause_id; a clause without one (stored before clauses had an identity) pairs
    with the clause of the same number, unless that one pairs by identity.
    """
    old_index_of_id = {clause.clause_id: index for index, clause in enumerate(old) if clause.clause_id is not None}
    pairs = {index: old_index_of_id[c.clause_id] for index, c in enumerate(new) if c.clause_id in old_index_of_id}
    paired = set(pairs.values())
    unpaired_by_number = {clause.number: index for index, clause in enumerate(old) if index not in paired}
    for index, clause in enumerate(new):
        other = unpaired_by_number.get(clause.number)
        if index not in pairs and other is not None and None in (clause.clause_id, old[other].clause_id):
            pairs[index] = unpaired_by_number.pop(clause.number)
    return pairs


def _clause_parts(old: list[DocumentClause], new: list[DocumentClause]) -> list[Part]:
    pairs = match_clauses(old, new)
    new_index_of = {old_index: new_index for new_index, old_index in pairs.items()}
    # A removed clause is shown where it stood: after the clause that preceded it in the older version.
    removed_after: dict[int, list[DocumentClause]] = {}
    anchor = -1
    for old_index, clause in enumerate(old):
        if old_index in new_index_of:
            anchor = new_index_of[old_index]
        else:
            removed_after.setdefault(anchor, []).append(clause)
    parts = [_clause_part(removed, None) for removed in removed_after.get(-1, [])]
    for index, clause in enumerate(new):
        parts.append(_clause_part(old[pairs[index]] if index in pairs else None, clause))
        parts += [_clause_part(removed, None) for removed in removed_after.get(index, [])]
    return parts


def _participant_lines(document: Document) -> list[str]:
    return [line for group in document.signatories for line in [f"({group.country})", *group.organizations]]


def redline(old: Document, new: Document) -> list[Part]:
    """Compare two versions' documents, part by part in reading order; parts empty in both are left out."""
    # The date line counts in the title block only where it stands under the title.
    title_block = _compare_fields(
        [old.header, old.title, old.subtitle, old.dated if old.dated_under_title else None],
        [new.header, new.title, new.subtitle, new.dated if new.dated_under_title else None],
    )
    # The older layout ends with the place and date instead of a list of participants.
    closing = compare_paragraphs(
        [*old.closing_formula, *filter(None, [old.place_and_date])],
        [*new.closing_formula, *filter(None, [new.place_and_date])],
    )
    parts = [
        Part(Section.title_block, title_block),
        Part(Section.opening, [compare_words(old.opening, new.opening)]),
        Part(Section.preamble, compare_paragraphs(old.preamble, new.preamble)),
        *_clause_parts(old.clauses, new.clauses),
        Part(Section.closing, closing),
        Part(Section.participants, compare_paragraphs(_participant_lines(old), _participant_lines(new))),
    ]
    return [part for part in parts if part.section is Section.clause or part.paragraphs]


def tally(parts: list[Part]) -> Tally:
    """Count the insertions and deletions of a redline, and find where they are and which clauses moved."""
    return Tally(
        insertions=sum(part.count(Change.insert) for part in parts),
        deletions=sum(part.count(Change.delete) for part in parts),
        changed=[part for part in parts if part.count(Change.insert) or part.count(Change.delete)],
        moved=[part for part in parts if part.moved],
    )


def _counted(count: int, noun: str) -> str:
    return f"{count or 'no'} {noun}{'' if count == 1 else 's'}"


def _clauses_numbered(numbers: list[int], removed: bool = False) -> str:
    noun = "clause" if len(numbers) == 1 else "clauses"
    return f"{'removed ' if removed else ''}{noun} {phrasing.join_names([str(number) for number in numbers])}"


def _places(changed: list[Part]) -> list[str]:
    places = []
    for section in Section:
        if section is Section.clause:
            kept = [part.number for part in changed if part.section is section and part.number is not None]
            removed = [part.old_number for part in changed if part.section is section and part.number is None]
            places += [_clauses_numbered(kept)] if kept else []
            places += [_clauses_numbered(removed, removed=True)] if removed else []
        elif any(part.section is section for part in changed):
            places.append(_SUMMARY_PLACES[section])
    return places


def summary(counted: Tally) -> str:
    """Say what changed in a sentence or two, as in "3 insertions, 2 deletions in clauses 2 and 4"."""
    if not counted.any_change:
        return "The two versions read the same."
    if counted.changed:
        words = f"{_counted(counted.insertions, 'insertion')}, {_counted(counted.deletions, 'deletion')}"
        sentences = [f"{words[0].upper()}{words[1:]} in {phrasing.join_names(_places(counted.changed))}."]
    else:
        sentences = ["No words changed."]
    if counted.moved:
        moves = phrasing.join_names([f"clause {part.number} (was {part.old_number})" for part in counted.moved])
        sentences.append(f"Renumbered: {moves}.")
    return " ".join(sentences)
