"""The demonstration: the ANMC21 network and its cities, a few accounts, the starter clause
library, a Tokyo declaration in drafting and another in consultation, with a comment and an
amendment from two delegates, and an archive of three adopted declarations of past plenaries.

Seoul, Bangkok, Jakarta and Manila each have a focal point; the delegates act under mandates for
every declaration that their focal point confirmed, and Tokyo's request for a delegate of Manila
waits for Manila's focal point.

Loading it again adds nothing: every object is looked up by its unique name or e-mail address
first, and what exists already is left as it is.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from drafting.domain import final_text, permissions, signoff
from drafting.domain.clock import utcnow
from drafting.domain.circulation import circulate
from drafting.domain.consultation import add_comment, version_document
from drafting.domain.draft_editing import create_declaration, insert_template
from drafting.domain.people import mandates
from drafting.domain.people.accounts import create_user, find_user
from drafting.domain.people.participants import invite_network_members
from drafting.domain.starter_library import load_starter_library
from drafting.domain.text import placeholders
from drafting.extensions import db
from drafting.models import (
    Answer,
    ClauseTemplate,
    Declaration,
    DeclarationLayout,
    Network,
    NetworkMembership,
    Organization,
    OrganizationKind,
    ParticipantRole,
    TemplateCategory,
    User,
    UserRole,
)

# Every demonstration account has this password, so that it can be printed once for all.
PASSWORD = "anmc21-demo-2027"  # nosec B105

NETWORK_NAME = "Asian Network of Major Cities 21"
NETWORK_ACRONYM = "ANMC21"
FOUNDED_ON = date(2001, 10, 1)
ENLARGED_ON = date(2012, 6, 1)


@dataclass(frozen=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    local_name: str | None  # None where the English name is the city's own
    joined_on: date
    left_on: date | None = None


CITIES = (
    City("Tokyo", "JP", "東京", FOUNDED_ON),
    City("Bangkok", "TH", "กรุงเทพมหานคร", FOUNDED_ON),
    City("Delhi", "IN", "दिल्ली", FOUNDED_ON),
    City("Hanoi", "VN", "Hà Nội", FOUNDED_ON),
    City("Jakarta", "ID", None, FOUNDED_ON),
    City("Kuala Lumpur", "MY", None, FOUNDED_ON),
    City("Manila", "PH", "Maynila", FOUNDED_ON),
    City("Seoul", "KR", "서울", FOUNDED_ON),
    City("Singapore", "SG", None, FOUNDED_ON),
    City("Taipei", "TW", "臺北", FOUNDED_ON),
    City("Yangon", "MM", "ရန်ကုန်", FOUNDED_ON),
    City("Beijing", "CN", "北京", FOUNDED_ON, left_on=date(2005, 8, 1)),
    City("Tomsk", "RU", "Томск", ENLARGED_ON),
    City("Ulaanbaatar", "MN", "Улаанбаатар", ENLARGED_ON),
)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: UserRole
    city: str | None  # the organization the person acts for; None for the secretariat
    focal_point: bool = False

    @property
    def described(self) -> str:
        return f"{self.role.value}, focal point" if self.focal_point else self.role.value


# In the order the logins are printed: administrator, host drafters, delegates, focal points.
PEOPLE = (
    Person("secretariat@anmc21.example.org", "Mariko Ishida", UserRole.administrator, None),
    Person("haruka.ito@tokyo.example.org", "Haruka Ito", UserRole.drafter, "Tokyo"),
    Person("kenji.mori@tokyo.example.org", "Kenji Mori", UserRole.drafter, "Tokyo"),
    Person("jiwoo.kim@seoul.example.org", "Ji-woo Kim", UserRole.delegate, "Seoul"),
    Person("ananya.srisuk@bangkok.example.org", "Ananya Srisuk", UserRole.delegate, "Bangkok"),
    Person("rina.kusuma@jakarta.example.org", "Rina Kusuma", UserRole.delegate, "Jakarta"),
    Person("minho.lee@seoul.example.org", "Min-ho Lee", UserRole.drafter, "Seoul", focal_point=True),
    Person("somchai.wong@bangkok.example.org", "Somchai Wong", UserRole.drafter, "Bangkok", focal_point=True),
    Person("dewi.lestari@jakarta.example.org", "Dewi Lestari", UserRole.drafter, "Jakarta", focal_point=True),
    Person("jose.santos@manila.example.org", "Jose Santos", UserRole.drafter, "Manila", focal_point=True),
)
# The delegate Tokyo asks Manila for on the declaration in consultation; Manila has not answered yet.
MANILA_PROPOSED = "ana.reyes@manila.example.org"

HOST_CITY = "Tokyo"
DECLARATION = dict(
    title="Tokyo Declaration",
    subtitle="Resilient, low-carbon and healthy cities for the next generation of Asia",
    meeting_name="Plenary Meeting of the Asian Network of Major Cities 21",
    meeting_number=15,
    meeting_acronym=NETWORK_ACRONYM,
    place="Tokyo",
    starts_on=date(2027, 11, 8),
    ends_on=date(2027, 11, 9),
    language="en",
)
PREAMBLE = (
    "Twenty-six years after our Network was founded in this same city, we took stock of our joint "
    "projects, heard how each of our cities has met floods, heat, epidemics and rapid growth since we "
    "last met, and agreed on the work we will take up together in the coming years.\n\n"
    "At the close of the meeting, we declare the following:"
)
# One clause from the first English starter template of each category, in this order.
CLAUSE_CATEGORIES = (
    TemplateCategory.cooperation,
    TemplateCategory.climate,
    TemplateCategory.crisis_management,
    TemplateCategory.health,
    TemplateCategory.next_meeting,
)
# Placeholder values the declaration cannot know by itself.
DRAFTER_VALUES = {
    "next_meeting_city": "Seoul",
    "next_meeting_year": "2028",
    "next_meeting_date": "2028-10-16",
}


# A second declaration, already circulated, so that the review can be tried at once.
CONSULTED = dict(
    title="Tokyo Declaration on Cities and Extreme Heat",
    subtitle="Keeping our residents safe in the hottest summers on record",
    meeting_name="Special Meeting of the Asian Network of Major Cities 21 on Extreme Heat",
    meeting_acronym=NETWORK_ACRONYM,
    place="Tokyo",
    starts_on=date(2027, 2, 15),
    ends_on=date(2027, 2, 16),
    language="en",
)
CONSULTED_PREAMBLE = (
    "Every one of our cities lived through record heat in recent summers. We met to share what "
    "protected our residents and what did not, and we declare the following:"
)
CONSULTED_CATEGORIES = (TemplateCategory.climate, TemplateCategory.environment, TemplateCategory.health)
COMMENT_DAYS = 21
SEOUL_COMMENT = (
    "Seoul supports this clause. Could the host add a word on cooling shelters? Our network of "
    "shelters in community centres saved lives during the 2024 heat wave."
)
BANGKOK_WHY = "Bangkok proposes to name a concrete measure, so that the clause commits us to something we can report on."
BANGKOK_ADDITION = (
    "\n\nBy the next plenary meeting, each of our cities will publish a heat action plan with its "
    "cooling centres, its alerts and the care it gives to the elderly and to outdoor workers."
)


@dataclass(frozen=True)
class PastPlenary:
    """An adopted declaration of the archive; its host and participants answer through archive accounts."""

    host: str
    number: int
    starts_on: date
    ends_on: date
    next_city: str
    layout: DeclarationLayout
    declined: tuple[str, ...] = ()
    statements: tuple[tuple[str, str], ...] = ()


ARCHIVE = (
    PastPlenary("Seoul", 10, date(2011, 10, 26), date(2011, 10, 27), "Singapore", DeclarationLayout.named_in_opening),
    PastPlenary(
        "Singapore", 11, date(2012, 6, 5), date(2012, 6, 6), "Hanoi", DeclarationLayout.named_in_opening,
        statements=(("Tomsk", "Tomsk is honoured to take part for the first time and will host a working-level "
                              "meeting on winter resilience."),),
    ),
    PastPlenary(
        "Hanoi", 12, date(2013, 11, 19), date(2013, 11, 20), "Tomsk", DeclarationLayout.listed_by_country,
        declined=("Yangon",),
        statements=(("Bangkok", "Bangkok will report on its flood-response centre at the next plenary."),),
    ),
)
ARCHIVE_PREAMBLE = (
    "Meeting in plenary, we reviewed the joint projects of our Network and the lessons each of our "
    "cities has drawn since we last met, and we declare the following:"
)
ARCHIVE_CATEGORIES = (TemplateCategory.cooperation, TemplateCategory.crisis_management, TemplateCategory.next_meeting)


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
    _load_declaration(network, cities[HOST_CITY], host_drafter, DECLARATION, PREAMBLE, CLAUSE_CATEGORIES)
    _load_consultation(network, cities[HOST_CITY], host_drafter, accounts)
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
        db.session.flush()
    return organization


def _load_account(person: Person, cities: dict[str, Organization]) -> User:
    # An existing account keeps its password: someone may have changed it on purpose.
    account = find_user(person.email)
    if account is None:
        organization = cities[person.city] if person.city else None
        account = create_user(person.email, person.name, PASSWORD, person.role, organization)
        account.focal_point = person.focal_point
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
        insert_template(declaration, _first_template(category), values)
    invite_network_members(declaration, network, ParticipantRole.participant, on=declaration.starts_on)
    return declaration


def _load_consultation(network: Network, host: Organization, host_drafter: User, accounts: list[User]) -> None:
    """Circulate the second declaration and add a comment from Seoul and an amendment from Bangkok."""
    declaration = _load_declaration(
        network, host, host_drafter, CONSULTED, CONSULTED_PREAMBLE, CONSULTED_CATEGORIES
    )
    if declaration is None:
        return
    today = date.today()
    version = circulate(declaration, host_drafter, today + timedelta(days=COMMENT_DAYS), today)
    delegate = {account.organization.name: account for account in accounts if account.role is UserRole.delegate}
    add_comment(version, 1, delegate["Seoul"], SEOUL_COMMENT)
    second = version_document(version).clause_numbered(2)
    proposed = "\n\n".join(second.paragraphs) + BANGKOK_ADDITION
    add_comment(version, 2, delegate["Bangkok"], BANGKOK_WHY, proposed)
    manila = db.session.scalar(select(Organization).where(Organization.name == "Manila"))
    mandates.request_delegate(declaration, manila, MANILA_PROPOSED, host_drafter, utcnow())


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
    today = date.today()
    draft = circulate(declaration, drafter, today + timedelta(days=1), today)
    final = signoff.propose_final(declaration, drafter, today + timedelta(days=1), today)
    statements = dict(plenary.statements)
    for participant in declaration.participants:
        city = participant.organization
        if city.id == host.id:
            continue
        delegate = _archive_delegate(city, declaration, find_user(PEOPLE[0].email))
        if city.name in plenary.declined:
            signoff.answer(final, delegate, Answer.declined, True)
        elif city.name in statements:
            signoff.answer(final, delegate, Answer.affirmed_with_statement, True, statement=statements[city.name])
        else:
            signoff.answer(final, delegate, Answer.affirmed, True)
    signoff.adopt(declaration, drafter)
    # The archive keeps the dates on which things happened, not the day the demonstration was loaded.
    closing = datetime.combine(plenary.ends_on, time(16), tzinfo=timezone.utc)
    draft.circulated_at = closing - timedelta(days=30)
    final.circulated_at = closing - timedelta(hours=4)
    for affirmation in final_text.live_answers(final).values():
        affirmation.answered_at = closing - timedelta(hours=2)
    declaration.adopted_at = closing
    db.session.flush()


def _first_template(category: TemplateCategory) -> ClauseTemplate:
    template = db.session.scalars(
        select(ClauseTemplate)
        .where(ClauseTemplate.category == category, ClauseTemplate.language == "en")
        .order_by(ClauseTemplate.id)
    ).first()
    if template is None:
        raise LookupError(f"The clause library has no English template of the category {category.label}.")
    return template
