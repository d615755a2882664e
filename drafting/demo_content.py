"""What the demonstration holds (drafting.demo loads it): the ANMC21 network's cities, the
accounts, the texts of its declarations and the archive's past plenaries."""

from dataclasses import dataclass
from datetime import date

from drafting.models import DeclarationLayout, HostNotifications, TemplateCategory, UserRole

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
    japanese_name: str  # as the Tokyo Metropolitan Government's pages name the member cities
    joined_on: date
    left_on: date | None = None


CITIES = (
    City("Tokyo", "JP", "東京", "東京", FOUNDED_ON),
    City("Bangkok", "TH", "กรุงเทพมหานคร", "バンコク", FOUNDED_ON),
    City("Delhi", "IN", "दिल्ली", "デリー", FOUNDED_ON),
    City("Hanoi", "VN", "Hà Nội", "ハノイ", FOUNDED_ON),
    City("Jakarta", "ID", None, "ジャカルタ", FOUNDED_ON),
    City("Kuala Lumpur", "MY", None, "クアラルンプール", FOUNDED_ON),
    City("Manila", "PH", "Maynila", "マニラ", FOUNDED_ON),
    City("Seoul", "KR", "서울", "ソウル", FOUNDED_ON),
    City("Singapore", "SG", None, "シンガポール", FOUNDED_ON),
    City("Taipei", "TW", "臺北", "台北", FOUNDED_ON),
    City("Yangon", "MM", "ရန်ကုန်", "ヤンゴン", FOUNDED_ON),
    City("Beijing", "CN", "北京", "北京", FOUNDED_ON, left_on=date(2005, 8, 1)),
    City("Tomsk", "RU", "Томск", "トムスク", ENLARGED_ON),
    City("Ulaanbaatar", "MN", "Улаанбаатар", "ウランバートル", ENLARGED_ON),
)


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: UserRole
    city: str | None  # the organization the person acts for; None for the secretariat
    focal_point: bool = False
    # How a drafter hears of the comments on the declarations their city hosts.
    host_notifications: HostNotifications = HostNotifications.each

    @property
    def described(self) -> str:
        return f"{self.role.value}, focal point" if self.focal_point else self.role.value


# In the order the logins are printed: administrator, drafters (the host's first), delegates, focal points.
PEOPLE = (
    Person("secretariat@anmc21.example.org", "Mariko Ishida", UserRole.administrator, None),
    Person("haruka.ito@tokyo.example.org", "Haruka Ito", UserRole.drafter, "Tokyo"),
    Person("kenji.mori@tokyo.example.org", "Kenji Mori", UserRole.drafter, "Tokyo",
           host_notifications=HostNotifications.daily_digest),
    # Seoul's drafter finds Tokyo's proposal to co-host on her home page, and answers it.
    Person("minseo.park@seoul.example.org", "Min-seo Park", UserRole.drafter, "Seoul"),
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
CO_HOST_CITY = "Seoul"  # proposed co-host of the Tokyo Declaration; the proposal waits for Seoul's answer
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


# The same meeting's declaration in Japanese, in the older layout of the ANMC21 declarations: the
# document writes every word of its own in Japanese and names the cities by their Japanese names.
JAPANESE = dict(
    title="東京宣言",
    subtitle="次世代のアジアのための強靱で低炭素かつ健康な都市",
    meeting_name="アジア大都市ネットワーク21総会",
    meeting_number=15,
    meeting_acronym=NETWORK_ACRONYM,
    place="東京",
    starts_on=date(2027, 11, 8),
    ends_on=date(2027, 11, 9),
    language="ja",
    layout=DeclarationLayout.named_in_opening,
)
JAPANESE_PREAMBLE = "我々は、ネットワークの共同事業の成果を確認し、次のとおり宣言する。"
JAPANESE_VALUES = {"network": "アジア大都市ネットワーク21", "next_meeting_city": "ソウル", "next_meeting_year": "2028"}
JAPANESE_CATEGORIES = (TemplateCategory.cooperation, TemplateCategory.climate, TemplateCategory.next_meeting)


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
JAKARTA_PREPARED = (
    "Jakarta asks that the clause name flooding after extreme rain as well as heat: our delegation is "
    "still agreeing the wording."
)
BANGKOK_WHY = "Bangkok proposes to name a concrete measure, so that the clause commits us to something we can report on."
# The amendment's justification, as the compilation prints it under the redline.
BANGKOK_JUSTIFICATION = (
    "Heat kills the elderly and outdoor workers first, and a promise without a measure cannot be reported on. "
    "A published heat action plan is a step every city can take before the next plenary meeting and show there."
)
BANGKOK_ADDITION = (
    "\n\nBy the next plenary meeting, each of our cities will publish a heat action plan with its "
    "cooling centres, its alerts and the care it gives to the elderly and to outdoor workers."
)
BANGKOK_OBJECTION = "As it stands the clause commits us to nothing we can report on: Bangkok objects unless it names a measure."
# A short statement circulated under silence: it becomes the final text unless a member breaks the silence.
SILENCED = dict(
    title="Tokyo Statement on Clean Air",
    subtitle="Breathing easier in the cities of Asia",
    meeting_name="Special Meeting of the Asian Network of Major Cities 21 on Clean Air",
    meeting_acronym=NETWORK_ACRONYM,
    place="Tokyo",
    starts_on=date(2027, 4, 12),
    ends_on=date(2027, 4, 12),
    language="en",
)
SILENCED_PREAMBLE = "Our cities share the air our residents breathe. Meeting on clean air, we declare the following:"
SILENCED_CATEGORIES = (TemplateCategory.environment, TemplateCategory.cooperation)
SILENCE_DAYS = 7
SILENCE_ANSWER_DAYS = 21
# A declaration whose final text is under affirmation: Seoul affirmed with a statement on clause 2, Bangkok
# affirmed, Jakarta's delegate has yet to answer.
AFFIRMING = dict(
    title="Tokyo Declaration on Safe Water in Disasters",
    subtitle="Drinking water for every resident in the first days after a disaster",
    meeting_name="Special Meeting of the Asian Network of Major Cities 21 on Disaster Resilience",
    meeting_acronym=NETWORK_ACRONYM,
    place="Tokyo",
    starts_on=date(2027, 6, 8),
    ends_on=date(2027, 6, 9),
    language="en",
)
AFFIRMING_PREAMBLE = (
    "After an earthquake, a typhoon or a flood, safe water is what our residents ask for first. "
    "Meeting on disaster resilience, we declare the following:"
)
AFFIRMING_CATEGORIES = (TemplateCategory.cooperation, TemplateCategory.crisis_management, TemplateCategory.health)
AFFIRMING_DAYS = 14
SEOUL_STATEMENT = (
    "Seoul affirms the declaration and states that its own stockpiles of drinking water are kept by its districts: "
    "Seoul will report on them through the districts' emergency plans."
)
SEOUL_STATEMENT_CLAUSES = [2]


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
    # Cities that affirmed with a statement: its text, and the clauses it names.
    statements: tuple[tuple[str, str, tuple[int, ...]], ...] = ()
    # Cities that affirmed on paper, and the evidence the host recorded their answer on.
    on_paper: tuple[tuple[str, str], ...] = ()


ARCHIVE = (
    PastPlenary("Seoul", 10, date(2011, 10, 26), date(2011, 10, 27), "Singapore", DeclarationLayout.named_in_opening),
    PastPlenary(
        "Singapore", 11, date(2012, 6, 5), date(2012, 6, 6), "Hanoi", DeclarationLayout.named_in_opening,
        statements=(("Tomsk", "Tomsk is honoured to take part for the first time and will host a working-level "
                              "meeting on winter resilience.", ()),),
    ),
    PastPlenary(
        "Hanoi", 12, date(2013, 11, 19), date(2013, 11, 20), "Tomsk", DeclarationLayout.listed_by_country,
        declined=("Yangon",),
        statements=(("Bangkok", "Bangkok will report on its flood-response centre at the next plenary.", (2,)),),
        on_paper=(("Manila", "letter of the Mayor of Manila of 15 November 2013"),),
    ),
)
ARCHIVE_PREAMBLE = (
    "Meeting in plenary, we reviewed the joint projects of our Network and the lessons each of our "
    "cities has drawn since we last met, and we declare the following:"
)
ARCHIVE_CATEGORIES = (TemplateCategory.cooperation, TemplateCategory.crisis_management, TemplateCategory.next_meeting)
