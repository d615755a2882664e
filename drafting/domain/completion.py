"""The certificate of completion: who answered the final text for each participant, under whose confirmation.

It lists, for each answer that counts, the organization, the person who gave it, who confirmed
that person as the organization's delegate and when, the time of the answer and the fingerprint
answered. The host reads it as a page; the adopted PDF carries it as an embedded JSON file, next
to the canonical text. It names people, never their e-mail addresses: the adopted PDF is public.
"""

import json
from dataclasses import asdict

from drafting.domain import final_text, published_record
from drafting.domain.clock import as_utc
from drafting.domain.published_record import CertifiedAnswer
from drafting.models import Affirmation, Declaration


def _entry(affirmation: Affirmation, host_ids: set[int]) -> CertifiedAnswer:
    mandate = affirmation.mandate
    person = affirmation.delegate
    if affirmation.recorded:
        acting_as = "host drafter, recording an answer given outside the application"
        confirmed_by = confirmed_at = None
    elif mandate is not None:
        acting_as = "delegate"
        confirmed_by = mandate.confirmed_by.name if mandate.confirmed_by else "an administrator"
        confirmed_at = as_utc(mandate.confirmed_at).isoformat() if mandate.confirmed_at else None
    else:
        acting_as = "host, by proposing the text" if affirmation.organization_id in host_ids else (
            "focal point" if person.focal_point else person.role.value
        )
        confirmed_by = confirmed_at = None
    return CertifiedAnswer(
        organization=affirmation.organization.name,
        country=affirmation.organization.country,
        answer=affirmation.answer.value,
        answered_by=person.name,
        acting_as=acting_as,
        confirmed_by=confirmed_by,
        confirmed_at=confirmed_at,
        answered_at=as_utc(affirmation.answered_at).isoformat(),
        fingerprint=affirmation.fingerprint,
        evidence=affirmation.evidence.description if affirmation.recorded else None,
    )


def entries(declaration: Declaration) -> list[CertifiedAnswer]:
    """Return the certificate's entries for the final text's answers that count, by organization; none without a
    final text. An adopted declaration's are those its published record kept at adoption."""
    record = published_record.of(declaration)
    if record is not None and record.certificate is not None:
        return record.certificate
    final = final_text.final_version(declaration)
    if final is None:
        return []
    answers = final_text.live_answers(final).values()
    host_ids = set(declaration.host_organization_ids)
    return sorted((_entry(answer, host_ids) for answer in answers), key=lambda entry: entry.organization.casefold())


def certificate_json(declaration: Declaration) -> str:
    """Return the certificate as the JSON embedded in the adopted PDF: one fixed order, UTF-8 text."""
    final = final_text.final_version(declaration)
    content = {
        "declaration": declaration.title,
        "fingerprint": final.fingerprint if final else None,
        "adopted_at": as_utc(declaration.adopted_at).isoformat() if declaration.adopted_at else None,
        # An answer given here names no evidence: its entry reads as entries always have.
        "answers": [{key: value for key, value in asdict(entry).items() if key != "evidence" or value is not None}
                    for entry in entries(declaration)],
    }
    return json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
