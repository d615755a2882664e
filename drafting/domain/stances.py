"""Stances: each participating organization agrees with, can live with, or objects to each clause of a draft.

A stance belongs to the version it was given on, one per organization and clause: giving another
replaces it, and the audit trail keeps every one given. On a later draft an organization's latest
earlier stance on a clause still stands while that clause reads as it did then (it is carried over,
"from Draft 1, text unchanged"), and is outdated once the clause has changed. The organization a
stance speaks for is always the author's own, never taken from the request.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from drafting.domain import audit, participation, stance_permissions, workflow
from drafting.domain.clock import utcnow
from drafting.domain.consultation import version_document
from drafting.domain.text import markup
from drafting.domain.text.composed_document import Document, DocumentClause, in_host_order
from drafting.extensions import db
from drafting.models import Organization, ParticipantRole, Position, Stance, User, Version, limits

# How each position reads on the pages, in the order they are offered and counted.
POSITIONS = {
    Position.agree: "agree",
    Position.can_live_with: "can live with it",
    Position.object: "object",
}


class StanceRefused(ValueError):
    """A stance that cannot be given; `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ShownStance:
    """A stance as it reads on a version: given on it, or carried over from an earlier one."""

    stance: Stance
    # Given on an earlier version than the one it is read on.
    carried: bool = False
    # Carried from a version whose clause read differently: it no longer counts.
    outdated: bool = False

    @property
    def given_on(self) -> str:
        """Return the label of the version the stance was given on."""
        return self.stance.version.label

    @property
    def standing(self) -> bool:
        """Tell whether the stance counts on the version it is read on."""
        return not self.outdated


@dataclass(frozen=True)
class BoardRow:
    """One clause of the board: each organization's stance on it, and the counts."""

    clause: DocumentClause
    stances: dict[int, ShownStance]  # by organization id
    counts: dict[str, int]  # "agree", "can_live_with", "object", "none"

    @property
    def objections(self) -> list[ShownStance]:
        """Return the standing objections to the clause."""
        return [shown for shown in self.stances.values() if shown.standing and shown.stance.position is Position.object]


def _text_of(clause: DocumentClause | None) -> tuple | None:
    return None if clause is None else (clause.heading or None, clause.paragraphs)


def give(version: Version, clause_number: int, author: User, position: str | None, reason: str | None = None,
         proposed_text: str | None = None) -> Stance:
    """Give, or replace, the author's organization's stance on a clause of the latest draft.

    An objection needs a reason and may propose the text the organization could accept instead.
    """
    declaration = workflow.lock(version.declaration)
    refusal = stance_permissions.why_not_take_stance(author, version)
    if refusal is not None:
        raise StanceRefused(*refusal)
    clause = version_document(version).clause_numbered(clause_number)
    if clause is None:
        raise StanceRefused(f"{version.label} has no clause {clause_number}.", "clause_number")
    try:
        chosen = Position(position)
    except ValueError:
        raise StanceRefused("Choose agree, can live with it, or object.", "position") from None
    reason = markup.normalize(reason or "").strip() or None
    proposed_text = markup.normalize(proposed_text or "").strip() or None
    if reason and len(reason) > limits.COMMENT:
        raise StanceRefused(f"The reason has {len(reason):,} characters; at most {limits.COMMENT:,} are allowed.", "reason")
    if chosen is Position.object:
        if not reason:
            raise StanceRefused("Give the reason for the objection.", "reason")
        if proposed_text and len(proposed_text) > limits.CLAUSE_BODY:
            raise StanceRefused(
                f"The proposed text has {len(proposed_text):,} characters; at most {limits.CLAUSE_BODY:,} are allowed.",
                "proposed_text",
            )
        if proposed_text and markup.paragraphs(proposed_text) == clause.paragraphs:
            raise StanceRefused("The proposed text is the same as the circulated clause.", "proposed_text")
    elif proposed_text:
        raise StanceRefused("Only an objection proposes other text.", "proposed_text")
    stance = db.session.scalar(select(Stance).where(
        Stance.version_id == version.id, Stance.clause_number == clause_number,
        Stance.organization_id == author.organization_id,
    ))
    replaced = stance.position.value if stance is not None else None
    if stance is None:
        stance = Stance(declaration=declaration, version=version, clause_number=clause_number,
                        organization_id=author.organization_id)
        db.session.add(stance)
    stance.clause_id = clause.clause_id
    stance.author = author
    stance.position = chosen
    stance.reason = reason
    stance.proposed_text = proposed_text
    stance.given_at = utcnow()
    db.session.flush()
    # The trail names only what was said: no empty reason, no replaced stance the first time.
    said = {"reason": reason, "proposed_text": proposed_text, "replaced": replaced}
    audit.record(
        "give stance", declaration, author, version=version.label, clause=clause_number,
        organization=author.organization.name, position=chosen.value,
        **{key: value for key, value in said.items() if value is not None},
    )
    return stance


def of_version(version: Version, organization_id: int | None = None) -> dict[int, dict[int, ShownStance]]:
    """Return the stances that read on a version: by clause number, then by organization id.

    Each is the stance given on this version, or else the organization's latest stance on the same
    clause in an earlier draft, outdated if the clause's text has changed since. With
    `organization_id`, only that organization's. This is what the board, the review page and the
    compilation print.
    """
    document = version_document(version)
    query = select(Stance).join(Version, Version.id == Stance.version_id).where(
        Stance.declaration_id == version.declaration_id, Version.number <= version.number,
    ).order_by(Version.number)
    if organization_id is not None:
        query = query.where(Stance.organization_id == organization_id)
    earlier_documents: dict[int, Document] = {version.id: document}
    by_clause_identity: dict[int, dict[int, Stance]] = {}
    here: dict[int, dict[int, Stance]] = {}
    for stance in db.session.scalars(query):
        if stance.version_id == version.id:
            here.setdefault(stance.clause_number, {})[stance.organization_id] = stance
        elif stance.clause_id is not None:
            # Later versions come last, so each organization keeps its latest earlier stance.
            by_clause_identity.setdefault(stance.clause_id, {})[stance.organization_id] = stance
    shown: dict[int, dict[int, ShownStance]] = {}
    for clause in document.clauses:
        row = {organization: ShownStance(stance) for organization, stance in here.get(clause.number, {}).items()}
        for organization, stance in by_clause_identity.get(clause.clause_id, {}).items() if clause.clause_id else ():
            if organization in row:
                continue
            if stance.version_id not in earlier_documents:
                earlier_documents[stance.version_id] = version_document(stance.version)
            then = earlier_documents[stance.version_id].clause_numbered(stance.clause_number)
            row[organization] = ShownStance(stance, carried=True, outdated=_text_of(then) != _text_of(clause))
        if row:
            shown[clause.number] = row
    return shown


def board_organizations(version: Version) -> list[Organization]:
    """Return the organizations whose stances the board shows: the participants, in the host's order."""
    declaration = version.declaration
    participation.load_organizations(declaration)
    participants = [p for p in declaration.participants if p.role is ParticipantRole.participant]
    return [p.organization for p in in_host_order(participants, declaration.language)]


def board(version: Version) -> list[BoardRow]:
    """Return the board of a version: a row per clause with every participant's stance and the counts.

    Clauses with objections come first, the most objected first, then in their order; an outdated
    stance counts as none.
    """
    organizations = [organization.id for organization in board_organizations(version)]
    shown = of_version(version)
    rows = []
    for clause in version_document(version).clauses:
        stances = {organization: shown_stance for organization, shown_stance in shown.get(clause.number, {}).items()
                   if organization in organizations}
        counted = Counter(s.stance.position.value for s in stances.values() if s.standing)
        counts = {position.value: counted[position.value] for position in POSITIONS}
        counts["none"] = len(organizations) - sum(counted.values())
        rows.append(BoardRow(clause, stances, counts))
    return sorted(rows, key=lambda row: (-row.counts["object"], row.clause.number))

