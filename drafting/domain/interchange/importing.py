"""Importing a declaration: checking a read document against this archive, then storing it in the
caller's transaction, which commits once.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from drafting.domain import archive_index, audit, completion, final_text, published_record
from drafting.domain.interchange.export import with_clause_ids
from drafting.domain.interchange.reading import ImportPlan, name_key, read_plan
from drafting.domain.interchange.typed_json import ImportProblem, quoted
from drafting.domain.people import participants
from drafting.domain.people.passwords import hash_password
from drafting.domain.text import phrasing
from drafting.extensions import db
from drafting.models import (
    Affirmation,
    Clause,
    Declaration,
    DeclarationState,
    Network,
    Organization,
    Participant,
    User,
    UserRole,
    Version,
)
from drafting.models.organizations import country_name
from drafting.rendering import stored_pdfs

# Imported answers are recorded through one inactive account per organization at this domain,
# which RFC 2606 reserves: no message to it can ever be delivered.
ARCHIVE_DOMAIN = "import.invalid"
ARCHIVE_ACCOUNT_NAME = "Imported archive"


def _existing_organizations(plan: ImportPlan) -> dict[str, Organization]:
    """Return the organizations of this archive that the document names, by key; refuse one in another country."""
    by_key = {name_key(organization.name): organization for organization in db.session.scalars(select(Organization))}
    existing = {}
    for key, described in plan.organizations.items():
        organization = by_key.get(key)
        if organization is None:
            continue
        country = described.columns["country"]
        if organization.country != country:
            raise ImportProblem(
                f"{described.path}.country",
                f"{organization.name} exists already, in {organization.country_name} ({organization.country}), "
                f"not in {country_name(country)} ({country})",
            )
        existing[key] = organization
    return existing


def _refuse_duplicate(plan: ImportPlan) -> None:
    """Refuse a declaration this archive holds already: the same title, host and first day of the meeting."""
    host = plan.existing.get(plan.host)
    if host is None:
        return
    columns = plan.declaration
    same = db.session.scalar(
        select(Declaration).where(
            Declaration.host_id == host.id,
            Declaration.title == columns["title"],
            Declaration.starts_on == columns["starts_on"],
        )
    )
    if same is not None:
        raise ImportProblem(
            "$.declaration",
            f"{quoted(same.title)}, hosted by {host.name} for the meeting that began on "
            f"{phrasing.format_date(same.starts_on)}, exists already as declaration {same.id}",
        )


def read_declaration(data: object) -> ImportPlan:
    """Check a whole import document against the format and this archive; raise ImportProblem at the first problem."""
    plan = read_plan(data)
    plan.existing = _existing_organizations(plan)
    _refuse_duplicate(plan)
    return plan


@dataclass(frozen=True)
class ImportReport:
    """What an import stored."""

    declaration: Declaration
    affirmations: int
    created_organizations: list[str]


def _archive_account(organization: Organization) -> User:
    """Return the inactive account through which imported answers of an organization are recorded.

    An answer records the delegate who gave it, but an import creates no account for a person:
    the file names that person only for the reader. Nobody signs in with this account (it is
    inactive and its random password is forgotten at once) and no mail reaches its address.
    """
    email = f"archive.organization-{organization.id}@{ARCHIVE_DOMAIN}"
    account = db.session.scalar(select(User).where(User.email == email))
    if account is None:
        # Not accounts.create_user: it rightly refuses an address that cannot receive mail.
        account = User(
            email=email,
            name=ARCHIVE_ACCOUNT_NAME,
            password_hash=hash_password(secrets.token_urlsafe(32)),
            role=UserRole.delegate,
            organization=organization,
            active=False,
        )
        db.session.add(account)
        db.session.flush()
    return account


def _network(columns: dict) -> Network:
    wanted = name_key(columns["name"])
    for network in db.session.scalars(select(Network)):
        if name_key(network.name) == wanted:
            return network
    network = Network(**columns)
    db.session.add(network)
    return network


def import_declaration(data: object) -> ImportReport:
    """Check an import document whole, then store its declaration; at the first problem raise ImportProblem, storing nothing.

    Organizations are matched by name, whatever its case; missing ones and a missing network
    are created. Everything is flushed in the caller's transaction, which commits once.
    """
    plan = read_declaration(data)
    organizations: dict[str, Organization] = {}
    created = []
    for key, described in plan.organizations.items():
        organizations[key] = plan.existing.get(key)
        if organizations[key] is None:
            organizations[key] = Organization(**described.columns)
            db.session.add(organizations[key])
            created.append(organizations[key].name)

    declaration = Declaration(
        **plan.declaration,
        host=organizations[plan.host],
        network=_network(plan.network) if plan.network else None,
        clauses=[Clause(**columns) for columns in plan.clauses],
        participants=[
            Participant(**{**columns, "organization": organizations[columns["organization"]]})
            for columns in plan.participants
        ],
    )
    db.session.add(declaration)
    db.session.flush()
    participants.settle_imported_co_hosts(declaration)

    clause_ids = {clause.position: clause.id for clause in declaration.clauses}
    versions = {}
    for columns in plan.versions:
        document = with_clause_ids(columns["document"], clause_ids)
        versions[columns["number"]] = Version(**{**columns, "document": document}, declaration=declaration)
        db.session.add(versions[columns["number"]])
    for columns in plan.affirmations:
        organization = organizations[columns["organization"]]
        db.session.add(
            Affirmation(
                **{**columns, "version": versions[columns["version"]], "organization": organization},
                declaration=declaration,
                delegate=_archive_account(organization),
            )
        )
    db.session.flush()
    if declaration.state is DeclarationState.adopted:
        # Adopted elsewhere, published here: its record is frozen now, as adoption freezes it.
        live = final_text.live_answers(versions[max(versions)])
        declaration.published_record = published_record.compose(
            declaration, live, certificate=completion.entries(declaration),
        ).to_json()
        archive_index.add(declaration, versions[max(versions)])
    audit.record(
        "import", declaration, None, None, declaration.state.value,
        versions=[version.fingerprint for version in versions.values()], created_organizations=created,
    )
    if declaration.state is DeclarationState.adopted:
        # Its published record, adopted elsewhere, prints the trail's head as of its arrival here.
        audit.anchor(declaration)
        # Published on arrival as adoption publishes: both paper sizes are made now, from the record.
        stored_pdfs.store_adopted(declaration)
    return ImportReport(declaration, len(plan.affirmations), created)
