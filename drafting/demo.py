"""The demonstration: the ANMC21 network and its cities, a few accounts, the starter clause
library, a Tokyo declaration in drafting, the same meeting's declaration in Japanese, another in
consultation (an open one), with a comment, an amendment and stances from two delegates (Bangkok objects to
clause 2) and a comment a third delegation has prepared but not sent, a statement whose draft is under
silence, a declaration under affirmation with a statement on one clause, and an archive of three adopted
declarations of past plenaries.

Seoul, Bangkok, Jakarta and Manila each have a focal point; the delegates act under mandates for
every declaration that their focal point confirmed, and Tokyo's request for a delegate of Manila
waits for Manila's focal point.

Loading it again adds nothing: every object is looked up by its unique name or e-mail address
first, and what exists already is left as it is.
"""

import io
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from PIL import Image, ImageDraw
from sqlalchemy import select

from drafting.demo_content import (
    AFFIRMING,
    AFFIRMING_CATEGORIES,
    AFFIRMING_DAYS,
    AFFIRMING_PREAMBLE,
    ARCHIVE,
    ARCHIVE_CATEGORIES,
    ARCHIVE_PREAMBLE,
    BANGKOK_ADDITION,
    BANGKOK_OBJECTION,
    BANGKOK_JUSTIFICATION,
    BANGKOK_WHY,
    CITIES,
    CLAUSE_CATEGORIES,
    COMMENT_DAYS,
    CONSULTED,
    CONSULTED_CATEGORIES,
    CONSULTED_PREAMBLE,
    CO_HOST_CITY,
    City,
    DECLARATION,
    DRAFTER_VALUES,
    HOST_CITY,
    JAPANESE,
    JAPANESE_CATEGORIES,
    JAPANESE_PREAMBLE,
    JAPANESE_VALUES,
    JAKARTA_PREPARED,
    MANILA_PROPOSED,
    NETWORK_ACRONYM,
    NETWORK_NAME,
    PASSWORD,
    PEOPLE,
    PREAMBLE,
    PastPlenary,
    Person,
    SEOUL_COMMENT,
    SEOUL_STATEMENT,
    SEOUL_STATEMENT_CLAUSES,
    SILENCE_ANSWER_DAYS,
    SILENCE_DAYS,
    SILENCED,
    SILENCED_CATEGORIES,
    SILENCED_PREAMBLE,
)
from drafting.domain import final_text, permissions, recorded_answers, signoff, silence, stances
from drafting.domain.clock import utcnow
from drafting.domain.circulation import circulate
from drafting.domain.consultation import add_comment, version_document
from drafting.domain.draft_editing import create_declaration, insert_template
from drafting.domain.people import mandates
from drafting.domain.people.accounts import create_user, find_user
from drafting.domain.people.participants import change_role, invite_network_members
from drafting.domain.starter_library import load_starter_library
from drafting.domain.text import placeholders
from drafting.extensions import db
from drafting.models import (
    Answer,
    ClauseTemplate,
    Declaration,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
    OrganizationName,
    ParticipantRole,
    TemplateCategory,
    User,
    UserRole,
)

@dataclass(frozen=True)
class Login:
    """A demonstration account, printed on the console so that anyone can try the application."""

    email: str
    password: str
    role: str


def load_demo() -> list[Login]:
    """Add whatever part of the demonstration is missing and return its logins, administrator first."""
    network, cities = _load_network()
    accounts = [_load_account(person, cities) for person in PEOPLE]
    _load_mandates(accounts)
    load_starter_library()
    host_drafter = next(account for account in accounts if account.role is UserRole.drafter)
    declaration = _load_declaration(network, cities[HOST_CITY], host_drafter, DECLARATION, PREAMBLE, CLAUSE_CATEGORIES)
    if declaration is not None:
        _propose_co_host(declaration, cities[CO_HOST_CITY], host_drafter)
    _load_declaration(
        network, cities[HOST_CITY], host_drafter, JAPANESE, JAPANESE_PREAMBLE, JAPANESE_CATEGORIES, JAPANESE_VALUES
    )
    _load_consultation(network, cities[HOST_CITY], host_drafter, accounts)
    _load_silence(network, cities[HOST_CITY], host_drafter)
    _load_affirmation(network, cities[HOST_CITY], host_drafter, accounts)
    for plenary in ARCHIVE:
        _load_adopted(network, cities, plenary)
    return [Login(person.email, PASSWORD, person.described) for person in PEOPLE]


def _load_network() -> tuple[Network, dict[str, Organization]]:
    network = db.session.scalar(select(Network).where(Network.name == NETWORK_NAME))
    if network is None:
        network = Network(name=NETWORK_NAME, acronym=NETWORK_ACRONYM)
        db.session.add(network)
        db.session.flush()
    cities = {}
    for city in CITIES:
        organization = _load_city(city)
        membership = db.session.scalar(
            select(NetworkMembership).where(
                NetworkMembership.network_id == network.id,
                NetworkMembership.organization_id == organization.id,
                NetworkMembership.joined_on == city.joined_on,
            )
        )
        if membership is None:
            network.memberships.append(
                NetworkMembership(organization=organization, joined_on=city.joined_on, left_on=city.left_on)
            )
        cities[city.name] = organization
    db.session.flush()
    return network, cities


def _load_city(city: City) -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.name == city.name))
    if organization is None:
        organization = Organization(
            name=city.name, kind=OrganizationKind.city, country=city.country, local_name=city.local_name
        )
        db.session.add(organization)
    if organization.named_in("ja") is None:
        organization.names.append(OrganizationName(language="ja", name=city.japanese_name))
    db.session.flush()
    return organization


def _load_account(person: Person, cities: dict[str, Organization]) -> User:
    # An existing account keeps its password: someone may have changed it on purpose.
    account = find_user(person.email)
    if account is None:
        organization = cities[person.city] if person.city else None
        account = create_user(person.email, person.name, PASSWORD, person.role, organization)
        account.focal_point = person.focal_point
        account.host_notifications = person.host_notifications
    return account


def _load_mandates(accounts: list[User]) -> None:
    """Give each delegate a mandate for every declaration, confirmed by their city's focal point."""
    focal_points = {account.organization_id: account for account in accounts if account.focal_point}
    for account in accounts:
        if account.role is UserRole.delegate and not mandates.mandates_of(account):
            mandates.grant_mandate(account, None, focal_points[account.organization_id], utcnow())


def _load_declaration(
    network: Network, host: Organization, created_by: User, fields: dict, preamble: str, categories: tuple,
    drafter_values: dict = DRAFTER_VALUES,
) -> Declaration | None:
    """Create the declaration with one clause per category and every member invited; None if it exists."""
    exists = db.session.scalar(
        select(Declaration.id).where(Declaration.host_id == host.id, Declaration.title == fields["title"])
    )
    if exists is not None:
        return None
    declaration = create_declaration(host, created_by, **fields, network_id=network.id, preamble=preamble)
    values = placeholders.known_values(declaration) | drafter_values
    for category in categories:
        insert_template(declaration, _first_template(category, declaration.language), values)
    invite_network_members(declaration, network, ParticipantRole.participant, on=declaration.starts_on)
    return declaration


def _propose_co_host(declaration: Declaration, city: Organization, host_drafter: User) -> None:
    """Propose the invited city co-host: the proposal waits for the answer of its own drafters."""
    participant = next(p for p in declaration.participants if p.organization_id == city.id)
    change_role(participant, ParticipantRole.host, by=host_drafter)


def _load_consultation(network: Network, host: Organization, host_drafter: User, accounts: list[User]) -> None:
    """Circulate the second declaration; add a comment from Seoul, an amendment from Bangkok, their stances, and a
    comment that Jakarta has prepared, not sent."""
    declaration = _load_declaration(
        network, host, host_drafter, CONSULTED, CONSULTED_PREAMBLE, CONSULTED_CATEGORIES
    )
    if declaration is None:
        return
    # ANMC21's declarations name every member city, the host among them, in either layout.
    declaration.hosts_listed = True
    today = date.today()
    # An open consultation: each participant reads the others' comments, stances and the compilation.
    version = circulate(declaration, host_drafter, today + timedelta(days=COMMENT_DAYS), today, open_consultation=True)
    delegate = {account.organization.name: account for account in accounts if account.role is UserRole.delegate}
    add_comment(version, 1, delegate["Seoul"], SEOUL_COMMENT)
    second = version_document(version).clause_numbered(2)
    proposed = "\n\n".join(second.paragraphs) + BANGKOK_ADDITION
    add_comment(version, 2, delegate["Bangkok"], BANGKOK_WHY, proposed, BANGKOK_JUSTIFICATION)
    stances.give(version, 1, delegate["Seoul"], "agree")
    stances.give(version, 2, delegate["Seoul"], "can_live_with")
    stances.give(version, 1, delegate["Bangkok"], "agree")
    stances.give(version, 2, delegate["Bangkok"], "object", BANGKOK_OBJECTION, proposed)
    # Jakarta's delegation is still preparing its comment: the host sees it once Jakarta sends it.
    add_comment(version, 1, delegate["Jakarta"], JAKARTA_PREPARED, prepare=True)
    manila = db.session.scalar(select(Organization).where(Organization.name == "Manila"))
    mandates.request_delegate(declaration, manila, MANILA_PROPOSED, host_drafter, utcnow())


def _load_silence(network: Network, host: Organization, host_drafter: User) -> None:
    """Circulate the third declaration and put its Draft 1 under silence for a week."""
    declaration = _load_declaration(network, host, host_drafter, SILENCED, SILENCED_PREAMBLE, SILENCED_CATEGORIES)
    if declaration is None:
        return
    declaration.hosts_listed = True
    today = date.today()
    circulate(declaration, host_drafter, today + timedelta(days=SILENCE_DAYS), today)
    silence.start(declaration, host_drafter, utcnow() + timedelta(days=SILENCE_DAYS),
                  today + timedelta(days=SILENCE_ANSWER_DAYS))


def _load_affirmation(network: Network, host: Organization, host_drafter: User, accounts: list[User]) -> None:
    """Propose the fourth declaration's final text for affirmation; Seoul affirms with a statement on a clause,
    Bangkok affirms, Jakarta's delegate has yet to answer."""
    declaration = _load_declaration(network, host, host_drafter, AFFIRMING, AFFIRMING_PREAMBLE, AFFIRMING_CATEGORIES)
    if declaration is None:
        return
    declaration.hosts_listed = True
    today = date.today()
    circulate(declaration, host_drafter, today + timedelta(days=AFFIRMING_DAYS), today)
    final = signoff.propose_final(declaration, host_drafter, today + timedelta(days=AFFIRMING_DAYS), today)
    delegate = {account.organization.name: account for account in accounts if account.role is UserRole.delegate}
    signoff.answer(final, delegate["Seoul"], Answer.affirmed_with_statement, True, statement=SEOUL_STATEMENT,
                   clauses=SEOUL_STATEMENT_CLAUSES)
    signoff.answer(final, delegate["Bangkok"], Answer.affirmed, True)


def _archive_account(city: Organization, role: UserRole) -> User:
    """Return the account through which the archive records what a city did.

    Its password is random and forgotten at once: nobody signs in with it.
    """
    email = f"archive.{role.value}.{city.name.lower().replace(' ', '-')}@anmc21.example.org"
    return find_user(email) or create_user(email, f"Archive of {city.name}", secrets.token_urlsafe(24), role, city)


def _archive_delegate(city: Organization, declaration: Declaration, administrator: User) -> User:
    """Return the archive's delegate of a city, with a mandate for the declaration that the secretariat confirmed."""
    delegate = _archive_account(city, UserRole.delegate)
    if not permissions.mandate_for(delegate, declaration):
        mandates.grant_mandate(delegate, declaration, administrator, utcnow())
    return delegate


def _load_adopted(network: Network, cities: dict[str, Organization], plenary: PastPlenary) -> None:
    """Take a past plenary's declaration through circulation, answers and adoption, dated as it happened."""
    host = cities[plenary.host]
    drafter = _archive_account(host, UserRole.drafter)
    fields = dict(
        title=f"{plenary.host} Declaration",
        meeting_name="Plenary Meeting of the Asian Network of Major Cities 21",
        meeting_number=plenary.number,
        meeting_acronym=NETWORK_ACRONYM,
        place=plenary.host,
        starts_on=plenary.starts_on,
        ends_on=plenary.ends_on,
        language="en",
        layout=plenary.layout,
    )
    next_meeting = {"next_meeting_city": plenary.next_city, "next_meeting_year": str(plenary.ends_on.year + 1)}
    declaration = _load_declaration(
        network, host, drafter, fields, ARCHIVE_PREAMBLE, ARCHIVE_CATEGORIES, next_meeting
    )
    if declaration is None:
        return
    # ANMC21's declarations name every member city, the host among them, in either layout.
    declaration.hosts_listed = True
    today = date.today()
    draft = circulate(declaration, drafter, today + timedelta(days=1), today)
    final = signoff.propose_final(declaration, drafter, today + timedelta(days=1), today)
    statements = {city: (text, list(clauses)) for city, text, clauses in plenary.statements}
    on_paper = dict(plenary.on_paper)
    for participant in declaration.participants:
        city = participant.organization
        if city.id == host.id:
            continue
        if city.name in on_paper:
            paper = recorded_answers.PaperAnswer(city.id, Answer.affirmed)
            recorded_answers.record(final, drafter, paper, _letter_scan(city.name, on_paper[city.name]),
                                    on_paper[city.name], today, today)
            continue
        delegate = _archive_delegate(city, declaration, find_user(PEOPLE[0].email))
        if city.name in plenary.declined:
            signoff.answer(final, delegate, Answer.declined, True)
        elif city.name in statements:
            text, clauses = statements[city.name]
            signoff.answer(final, delegate, Answer.affirmed_with_statement, True, statement=text, clauses=clauses)
        else:
            signoff.answer(final, delegate, Answer.affirmed, True)
    # The archive keeps the dates on which things happened, not the day the demonstration was loaded;
    # the answers' before adoption, which writes them into the certificate of completion.
    closing = datetime.combine(plenary.ends_on, time(16), tzinfo=timezone.utc)
    draft.circulated_at = closing - timedelta(days=30)
    final.circulated_at = closing - timedelta(hours=4)
    for affirmation in final_text.live_answers(final).values():
        affirmation.answered_at = closing - timedelta(hours=2)
    signoff.adopt(declaration, drafter)
    declaration.adopted_at = closing
    db.session.flush()


def _letter_scan(city: str, description: str) -> bytes:
    """Return a stand-in for the scan of a city's letter of affirmation: a small PNG that says what it is."""
    page = Image.new("L", (620, 200), 255)
    drawing = ImageDraw.Draw(page)
    drawing.text((20, 30), f"{city}: we affirm the declaration.", fill=0)
    drawing.text((20, 80), f"Demonstration scan of the {description}.", fill=0)
    scan = io.BytesIO()
    page.save(scan, "PNG")
    return scan.getvalue()


def _first_template(category: TemplateCategory, language: str) -> ClauseTemplate:
    template = db.session.scalars(
        select(ClauseTemplate)
        .where(ClauseTemplate.category == category, ClauseTemplate.language == language)
        .order_by(ClauseTemplate.id)
    ).first()
    if template is None:
        raise LookupError(f"The clause library has no template in {language} of the category {category.label}.")
    return template
