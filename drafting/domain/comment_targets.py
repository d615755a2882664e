"""What a comment is about: a part of a circulated document, or one paragraph of it, and the words it quotes.

A target is (part, clause number when the part is a clause, paragraph counted from 1 or None for the
whole part). The opening is one paragraph, so it is only ever commented on whole.

Finding the passage again in a later version: a clause is followed by its identity (the working
clause it was composed from), whatever number it has there; a paragraph is the paragraph with the
same index in that part or clause. The quote is not searched elsewhere: a quote that moved to
another paragraph is a changed passage, since what the comment said of its paragraph may no longer
hold. A comment is outdated in a version when its passage no longer reads so there: the quoted words
are no longer in that paragraph, or, without a quote, the paragraph (or part) reads otherwise, or it
is gone. Changes elsewhere, around the quote or in other paragraphs, leave it attached.
"""

from dataclasses import dataclass

from drafting.domain.text import wording
from drafting.domain.text.composed_document import Document
from drafting.models import Comment, CommentPart, Version

_PART_WORDS = {
    CommentPart.opening: "Opening",
    CommentPart.preamble: "Preamble",
    CommentPart.closing_formula: "Closing formula",
}


@dataclass(frozen=True)
class Target:
    part: CommentPart
    clause_number: int | None = None
    paragraph: int | None = None

    @property
    def key(self) -> str:
        """Name the target in ids and filters: "opening", "preamble-2", "clause-3", "clause-3-1"."""
        pieces = [self.part.value.replace("_", "-")]
        pieces += [str(n) for n in (self.clause_number, self.paragraph) if n is not None]
        return "-".join(pieces)

    @property
    def label(self) -> str:
        """Name the target for a reader: "Preamble, paragraph 2", "Clause 3", "Clause 3, paragraph 1"."""
        words = f"Clause {self.clause_number}" if self.part is CommentPart.clause else _PART_WORDS[self.part]
        return words if self.paragraph is None else f"{words}, paragraph {self.paragraph}"

    @property
    def phrase(self) -> str:
        """Name the target within a sentence: "paragraph 2 of the preamble", "clause 3", "the opening"."""
        if self.part is CommentPart.clause:
            words = f"clause {self.clause_number}"
        else:
            words = f"the {_PART_WORDS[self.part].lower()}"
        return words if self.paragraph is None else f"paragraph {self.paragraph} of {words}"

    def order(self) -> tuple:
        """Return a key that sorts targets in the order the document reads, each whole part before its paragraphs."""
        return (list(CommentPart).index(self.part), self.clause_number or 0, self.paragraph or 0)


def of_comment(comment: Comment) -> Target:
    """Return the target a comment was made on, as numbered in the version it was made on."""
    return Target(comment.part, comment.clause_number, comment.paragraph)


def paragraphs_of(document: Document, part: CommentPart, clause_number: int | None = None) -> list[str] | None:
    """Return the paragraphs of a part of a document; None if the document has no such part or clause."""
    if part is CommentPart.opening:
        return [document.opening]
    if part is CommentPart.preamble:
        return list(document.preamble)
    if part is CommentPart.closing_formula:
        return list(document.closing_formula)
    clause = document.clause_numbered(clause_number) if clause_number is not None else None
    return None if clause is None else list(clause.paragraphs)


def passage(document: Document, target: Target) -> str | None:
    """Return the text of a target in a document, paragraphs of a whole part separated by a blank line; None if
    the document has no such passage."""
    paragraphs = paragraphs_of(document, target.part, target.clause_number)
    if paragraphs is None or (target.part is CommentPart.opening and target.paragraph is not None):
        return None
    if target.paragraph is None:
        return "\n\n".join(paragraphs) if paragraphs else None
    if not 1 <= target.paragraph <= len(paragraphs):
        return None
    return paragraphs[target.paragraph - 1]


def quotes(text: str, quote: str) -> bool:
    """Tell whether a text holds the quoted words, spaces and line breaks aside."""
    return " ".join(quote.split()).casefold() in " ".join(text.split()).casefold()


def located(comment: Comment, document: Document) -> Target | None:
    """Return the comment's target as numbered in another version's document, following the clause's identity;
    None if that document no longer has the clause."""
    if comment.part is not CommentPart.clause:
        return of_comment(comment)
    if comment.clause_id is None:
        return None
    number = next((c.number for c in document.clauses if c.clause_id == comment.clause_id), None)
    return None if number is None else Target(comment.part, number, comment.paragraph)


def reads_as_commented(comment: Comment, commented_on: Document, later: Document) -> bool:
    """Tell whether the passage a comment is about still reads as commented on in a later version's document."""
    target = located(comment, later)
    now = passage(later, target) if target is not None else None
    if now is None:
        return False
    if comment.quote:
        return quotes(now, comment.quote)
    return now == passage(commented_on, of_comment(comment))


def changed_in(comment: Comment, versions: list[Version], documents: dict[int, Document]) -> Version | None:
    """Return the first version after the comment's own in which its passage changed (the comment is then
    outdated), or None while it still reads as commented on in the latest.

    `versions` are the declaration's versions in order; `documents` holds their documents by version id.
    """
    commented_on = documents[comment.version_id]
    if reads_as_commented(comment, commented_on, documents[versions[-1].id]):
        return None
    for version in versions:
        later = documents[version.id]
        if version.number > comment.version.number and not reads_as_commented(comment, commented_on, later):
            return version
    return None


def passage_words(comment: Comment) -> str | None:
    """Name the part or paragraph a comment is about in the declaration's language, for the e-mails about it
    ("paragraph 2 of the preamble"); None for a clause, which the e-mails name by its number as they always did."""
    language = comment.declaration.language
    if comment.part is CommentPart.opening:
        return wording.gettext(language, "the opening")
    if comment.part is CommentPart.preamble:
        if comment.paragraph is None:
            return wording.gettext(language, "the preamble")
        return wording.gettext(language, "paragraph {paragraph} of the preamble", paragraph=comment.paragraph)
    if comment.part is CommentPart.closing_formula:
        if comment.paragraph is None:
            return wording.gettext(language, "the closing formula")
        return wording.gettext(language, "paragraph {paragraph} of the closing formula", paragraph=comment.paragraph)
    return None
