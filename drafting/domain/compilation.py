"""The compilation of a circulated draft: every comment and amendment made on it, clause by clause.

What a secretariat circulates as a compilation text: each clause as the draft circulated it, then what
each organization said of it, in the order it was said, amendments with their redline and justification.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.domain import consultation, permissions
from drafting.domain.text import redline
from drafting.domain.text.composed_document import Document, DocumentClause
from drafting.extensions import db
from drafting.models import Comment, CommentStatus, User, Version


@dataclass(frozen=True)
class CompiledClause:
    """One clause as the draft circulated it, and the comments and amendments made on it."""

    clause: DocumentClause
    contributions: list[Comment] = field(default_factory=list)
    # Stances per clause (drafting.domain.stances) are not compiled yet: they belong here, next to the comments.

    def redline_of(self, amendment: Comment) -> list[list[redline.Segment]]:
        """Compare an amendment's proposed text with the clause as circulated, paragraph by paragraph."""
        return consultation.amendment_redline(self.clause, amendment)


@dataclass(frozen=True)
class Compilation:
    """A draft's document and, for each of its clauses in document order, what was said of it."""

    version: Version
    document: Document
    clauses: list[CompiledClause]

    @property
    def count(self) -> int:
        return sum(len(compiled.contributions) for compiled in self.clauses)


def can_see_compilation(user, version: Version) -> bool:
    """Tell whether the user may read the compilation of a version's comments: host staff always, the invited
    participants when it was circulated for an open consultation. In a closed one a participant's own comments are
    on the version's page; a compilation of them alone would be no compilation."""
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
    """Compile what the reader may read of the comments and amendments on a version, clause by clause."""
    document = consultation.version_document(version)
    by_number: dict[int, list[Comment]] = {}
    for comment in contributions(reader, version):
        by_number.setdefault(comment.clause_number, []).append(comment)
    return Compilation(
        version=version,
        document=document,
        clauses=[CompiledClause(clause, by_number.get(clause.number, [])) for clause in document.clauses],
    )
