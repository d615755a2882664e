"""The compilation of a circulated draft: every comment, amendment and stance on it, part by part.

What a secretariat circulates as a compilation text: the opening, the preamble, each clause and the
closing formula as the draft circulated them, each followed by what the organizations said of it,
paragraph by paragraph and in the order it was said; amendments with their redline and justification;
and under each clause every participant's stance on it.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.domain import comment_targets, consultation, permissions, stances
from drafting.domain.stances import ShownStance
from drafting.domain.text import redline
from drafting.domain.text.composed_document import Document, DocumentClause
from drafting.extensions import db
from drafting.models import Comment, CommentPart, CommentStatus, Organization, Stance, User, Version


@dataclass(frozen=True)
class CompiledPart:
    """The opening, the preamble or the closing formula as the draft circulated it, and the comments made on it."""

    part: CommentPart
    paragraphs: list[str]
    contributions: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledClause:
    """One clause as the draft circulated it, the comments and amendments made on it, and the stances on it."""

    clause: DocumentClause
    contributions: list[Comment] = field(default_factory=list)
    # The stances that count on this draft, in the host's order of the participants.
    stances: list[ShownStance] = field(default_factory=list)
    # The participants without a stance that counts: none given, or given on a text since changed.
    without_stance: list[Organization] = field(default_factory=list)

    def redline_of(self, proposal: Comment | Stance) -> list[list[redline.Segment]]:
        """Compare the text an amendment or an objection proposes with the clause as circulated."""
        return consultation.amendment_redline(self.clause, proposal.proposed_text)


@dataclass(frozen=True)
class Compilation:
    """A draft's document and, for each of its parts in document order, what was said of it."""

    version: Version
    document: Document
    # The opening and the preamble, as far as the draft has them or someone commented on them.
    before_clauses: list[CompiledPart]
    clauses: list[CompiledClause]
    closing_formula: CompiledPart | None

    @property
    def count(self) -> int:
        """Return how many comments and amendments the compilation holds."""
        parts = [*self.before_clauses, *self.clauses, *([self.closing_formula] if self.closing_formula else [])]
        return sum(len(compiled.contributions) for compiled in parts)


def can_see_compilation(user, version: Version) -> bool:
    """Tell whether the user may read the compilation of a version's comments: host staff always, the invited
    participants when it was circulated for an open consultation. In a closed one a participant's own comments are
    on the version's page; a compilation of them alone would be no compilation.

    Whoever reads the compilation reads every participant's stance in it: in an open consultation the
    participants see each other's positions as they see each other's comments."""
    declaration = version.declaration
    return permissions.can_see_working_draft(user, declaration) or (
        version.open_consultation and permissions.acts_for_invited(user, declaration)
        and permissions.can_see_versions(user, declaration)
    )


def contributions(reader: User, version: Version) -> list[Comment]:
    """Return the comments and amendments made on a version that the reader may read, oldest first.

    The one query of what a compilation holds. Only what was sent counts: a delegation's prepared items are
    not yet part of the negotiation. Withdrawn comments are left out, as their organizations took them back;
    replies are the thread's, not the compilation's.
    """
    query = (
        select(Comment)
        .where(
            Comment.version_id == version.id,
            Comment.parent_id.is_(None),
            Comment.status != CommentStatus.withdrawn,
            Comment.sent_at.is_not(None),
            consultation.readable_by(reader, version.declaration),
        )
        .options(selectinload(Comment.organization), selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    return list(db.session.scalars(query))


def compile_version(reader: User, version: Version) -> Compilation:
    """Compile what the reader may read of the comments, amendments and stances on a version, part by part.

    Within a part, comments on the whole part come first, then those on each paragraph in turn, each
    group in the order it was made.
    """
    document = consultation.version_document(version)
    by_section: dict[tuple[CommentPart, int | None], list[Comment]] = {}
    for comment in sorted(contributions(reader, version), key=lambda comment: comment.paragraph or 0):
        by_section.setdefault((comment.part, comment.clause_number), []).append(comment)

    def part(kind: CommentPart, paragraphs: list[str]) -> CompiledPart | None:
        said = by_section.get((kind, None), [])
        return CompiledPart(kind, [p for p in paragraphs if p], said) if any(paragraphs) or said else None

    participants = stances.board_organizations(version)
    shown = stances.of_version(version)
    clauses = []
    for clause in document.clauses:
        on_clause = shown.get(clause.number, {})
        standing = [on_clause[o.id] for o in participants if o.id in on_clause and on_clause[o.id].standing]
        counted = {s.stance.organization_id for s in standing}
        clauses.append(CompiledClause(
            clause, by_section.get((CommentPart.clause, clause.number), []), standing,
            [o for o in participants if o.id not in counted],
        ))
    before = [part(CommentPart.opening, [document.opening]), part(CommentPart.preamble, document.preamble)]
    return Compilation(
        version=version,
        document=document,
        before_clauses=[compiled for compiled in before if compiled],
        clauses=clauses,
        closing_formula=part(CommentPart.closing_formula, document.closing_formula),
    )
