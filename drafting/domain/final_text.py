"""The final text: the version proposed as final, the answers that count for it, and the text as adopted.

Sign-off decides on these and the stored PDFs print them; both import them from here, so that
neither imports the other back.
"""

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.domain import circulation, published_record
from drafting.domain.text.composed_document import Document
from drafting.extensions import db
from drafting.models import Affirmation, Declaration, DeclarationState, Mandate, Version


def final_version(declaration: Declaration) -> Version | None:
    """Return the final text under affirmation or adopted, if there is one."""
    latest = circulation.latest_version(declaration)
    if latest is not None and latest.is_final and declaration.state in (
        DeclarationState.affirmation, DeclarationState.adopted
    ):
        return latest
    return None


def live_answers(version: Version) -> dict[int, Affirmation]:
    """Return the answers that count for a final version, by organization id.

    Each comes with its organization, who gave it and under whose confirmation, as the tracker, the
    certificate and the published record print them: a few queries, however many participants answered.
    """
    answers = db.session.scalars(
        select(Affirmation).where(Affirmation.version_id == version.id, Affirmation.live.is_(True)).options(
            selectinload(Affirmation.organization), selectinload(Affirmation.delegate),
            selectinload(Affirmation.mandate).selectinload(Mandate.confirmed_by),
        )
    )
    return {answer.organization_id: answer for answer in answers}


def live_answer(version: Version, organization_id: int | None) -> Affirmation | None:
    """Return the answer that counts for a final version from one organization, if it has given one."""
    return db.session.scalars(
        select(Affirmation).where(Affirmation.version_id == version.id, Affirmation.organization_id == organization_id,
                                  Affirmation.live.is_(True))
    ).one_or_none()


def adopted_document(declaration: Declaration) -> Document:
    """Return the final text as published: its participant list holds exactly those that affirmed, as named then."""
    published = Document.from_json(final_version(declaration).document)
    if not published.signatories:  # the older layout names its members in the opening instead
        return published
    return replace(published, signatories=published_record.of(declaration).affirmed_by)
