"""The published record: who an adopted declaration names, and how, frozen at adoption.

The final version's document already holds the adopted text as it was affirmed: its title, its
clauses, its opening and the closing formula that names the host and co-hosts. Everything else that
the archive, the API, the PDFs, the verification and the export show of an adopted declaration
comes from rows an administrator may change later: organizations (name, country, local name,
kind), the network, the accounts of the delegates and who confirmed them (the certificate of
completion). `compose()` copies those at adoption into the declaration's `published_record`, and
`of()` reads that copy back, so that what was published stays as it was published.
"""

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from drafting.domain import participation
from drafting.domain.text import composed_document
from drafting.domain.text.composed_document import CountryGroup
from drafting.extensions import db
from drafting.models import Affirmation, Declaration, Organization


@dataclass(frozen=True)
class PublishedOrganization:
    """An organization as named when the declaration was adopted."""

    name: str
    kind: str
    country: str  # ISO 3166 alpha-2
    country_name: str  # its English name then, as the list printed it
    local_name: str | None
    # Its name as the declaration's language printed it, where that is not `name`; records of
    # adoptions before names per language have none.
    printed_name: str | None = None

    @property
    def listed_name(self) -> str:
        """Return the name the adopted document lists it by."""
        return self.printed_name or self.name


@dataclass(frozen=True)
class PublishedNetwork:
    name: str
    acronym: str | None


@dataclass(frozen=True)
class PublishedParticipant:
    """A participant of the declaration at adoption, with the answer that counted, if any."""

    organization: PublishedOrganization
    role: str
    position: int | None
    answer: str | None
    statement: str | None
    # The clauses the statement concerns; records of adoptions before statements named clauses have none.
    statement_clauses: list[int] | None = None


@dataclass(frozen=True)
class PublishedAnswer:
    """Who gave one answer to one of the declaration's versions, as named at adoption."""

    organization: str
    delegate: str


@dataclass(frozen=True)
class Statement:
    """A statement an organization recorded with its affirmation, as the archive and the adopted PDF print it."""

    organization: str
    country_name: str
    text: str
    # The numbers of the clauses it concerns; none when it named none.
    clauses: tuple[int, ...] = ()


@dataclass(frozen=True)
class CertifiedAnswer:
    """One participant's answer as the certificate of completion records it (drafting.domain.completion)."""

    organization: str
    country: str
    answer: str
    answered_by: str
    # "delegate" under a mandate; otherwise the role through which the organization named them.
    acting_as: str
    confirmed_by: str | None
    confirmed_at: str | None
    answered_at: str
    fingerprint: str
    # For an answer given outside the application that the host recorded: what evidence it stands on.
    # `answered_by` is then the host's drafter who recorded it. Older records have none.
    evidence: str | None = None


@dataclass(frozen=True)
class PublishedRecord:
    host: PublishedOrganization
    network: PublishedNetwork | None
    # Every participant, observers included, in the order they were invited.
    participants: list[PublishedParticipant]
    # The organizations that affirmed, as the list shows them: by country, in the host's order within each.
    affirmed_by: list[CountryGroup]
    # Every answer ever given to a version of the declaration, by the Affirmation's id.
    answers: dict[int, PublishedAnswer]
    # The certificate of completion at adoption; None in a record composed for a declaration not adopted.
    certificate: list[CertifiedAnswer] | None = None
    # Why the host adopted before the answer deadline without every participant's answer; None when it waited.
    missing_answers_reason: str | None = None

    def statements(self) -> list[Statement]:
        """Return the statements of the participants that affirmed with one, in the order of the list."""
        by_name = {participant.organization.listed_name: participant for participant in self.participants}
        listed = [by_name[name] for group in self.affirmed_by for name in group.organizations]
        return [
            Statement(p.organization.listed_name, p.organization.country_name, p.statement,
                      tuple(p.statement_clauses or ()))
            for p in listed if p.statement
        ]

    def to_json(self) -> dict:
        """Return the record as plain JSON data, to be stored with the declaration."""
        data = asdict(self)
        data["answers"] = {str(answer_id): answer for answer_id, answer in data["answers"].items()}
        # A record without names in another language reads as records always have.
        for organization in [data["host"], *(participant["organization"] for participant in data["participants"])]:
            if organization["printed_name"] is None:
                del organization["printed_name"]
        if data["missing_answers_reason"] is None:
            del data["missing_answers_reason"]
        for participant in data["participants"]:
            if participant["statement_clauses"] is None:
                del participant["statement_clauses"]
        for entry in data["certificate"] or []:
            if entry["evidence"] is None:
                del entry["evidence"]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "PublishedRecord":
        """Rebuild a record stored with to_json()."""
        return cls(
            host=PublishedOrganization(**data["host"]),
            network=PublishedNetwork(**data["network"]) if data["network"] else None,
            participants=[
                PublishedParticipant(**{**p, "organization": PublishedOrganization(**p["organization"])})
                for p in data["participants"]
            ],
            affirmed_by=[CountryGroup(**group) for group in data["affirmed_by"]],
            answers={int(answer_id): PublishedAnswer(**answer) for answer_id, answer in data["answers"].items()},
            certificate=[CertifiedAnswer(**entry) for entry in data["certificate"]] if data.get("certificate") is not None
            else None,
            missing_answers_reason=data.get("missing_answers_reason"),
        )


def _organization(organization: Organization, language: str) -> PublishedOrganization:
    printed = organization.name_in(language)
    return PublishedOrganization(
        organization.name, organization.kind.value, organization.country, organization.country_name,
        organization.local_name, printed if printed != organization.name else None,
    )


def compose(declaration: Declaration, live: dict[int, Affirmation],
            certificate: list[CertifiedAnswer] | None = None,
            missing_answers_reason: str | None = None) -> PublishedRecord:
    """Return the record of a declaration as its rows read now, given the answers that count, by organization id,
    the certificate of completion to keep with it, and the host's reason for adopting without some answers, if it
    gave one."""
    participation.load_organizations(declaration)
    participants = sorted(declaration.participants, key=lambda participant: participant.id)
    affirming = [
        p for p in composed_document.participants_in_document(declaration, declaration.layout)
        if p.organization_id in live and live[p.organization_id].answer.affirms
    ]
    answers = db.session.scalars(
        select(Affirmation).where(Affirmation.declaration_id == declaration.id).order_by(Affirmation.id)
        .options(selectinload(Affirmation.organization), selectinload(Affirmation.delegate))
    )
    network = declaration.network
    return PublishedRecord(
        host=_organization(declaration.host, declaration.language),
        network=PublishedNetwork(network.name, network.acronym) if network else None,
        participants=[
            PublishedParticipant(
                _organization(p.organization, declaration.language), p.role.value, p.position,
                live[p.organization_id].answer.value if p.organization_id in live else None,
                live[p.organization_id].statement if p.organization_id in live else None,
                live[p.organization_id].statement_clauses if p.organization_id in live else None,
            )
            for p in participants
        ],
        affirmed_by=composed_document.country_groups(affirming, declaration.country_order, declaration.language),
        answers={a.id: PublishedAnswer(a.organization.name, a.delegate.name) for a in answers},
        certificate=certificate,
        missing_answers_reason=missing_answers_reason,
    )


def of(declaration: Declaration) -> PublishedRecord | None:
    """Return the record frozen when the declaration was adopted, or None if it was not adopted."""
    if declaration.published_record is None:
        return None
    return PublishedRecord.from_json(declaration.published_record)

