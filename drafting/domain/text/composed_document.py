"""The document a declaration reads as, in either layout of DESIGN.md ("The final document").

`compose()` turns a declaration into plain data (strings and lists) that the HTML preview and
the PDF templates both print, so the two can never disagree about what the text says.
"""

import enum
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import inspect

from drafting.domain import participation
from drafting.domain.text import default_wording, markup, phrasing, wording
from drafting.models import Declaration, DeclarationLayout, DatePosition, Organization, Participant, ParticipantRole
from drafting.models.organizations import country_name


@dataclass(frozen=True)
class DocumentClause:
    number: int
    heading: str | None
    paragraphs: list[str]
    # The working clause it was composed from: its identity across versions, not part of the text.
    clause_id: int | None = None


@dataclass(frozen=True)
class CountryGroup:
    country: str
    organizations: list[str]


@dataclass(frozen=True)
class Document:
    layout: DeclarationLayout
    language: str
    header: str | None
    title: str
    subtitle: str | None
    dated: str
    opening: str
    preamble: list[str]
    clauses: list[DocumentClause]
    closing_formula: list[str]
    signatories: list[CountryGroup] = field(default_factory=list)
    place_and_date: str | None = None
    # Whether `dated` stands under the title; documents stored before the host could choose always had it there.
    dated_under_title: bool = True
    # The heading of `signatories`; not part of the text, as the list is not.
    list_heading: str = default_wording.LIST_HEADING

    def to_json(self) -> dict:
        """Return the document as plain JSON data, to be stored with a version."""
        data = asdict(self)
        data["layout"] = self.layout.value
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Document":
        """Rebuild a document stored with to_json()."""
        return cls(
            **{
                **data,
                "layout": DeclarationLayout(data["layout"]),
                "clauses": [DocumentClause(**clause) for clause in data["clauses"]],
                "signatories": [CountryGroup(**group) for group in data["signatories"]],
            }
        )

    def clause_numbered(self, number: int) -> DocumentClause | None:
        """Return the clause with this number, if the document has one."""
        return next((clause for clause in self.clauses if clause.number == number), None)


def meeting_phrase(declaration: Declaration) -> str:
    """Name the meeting with its ordinal: "the 13th Asia Smart City Conference", 第9回アジア大都市ネットワーク21総会."""
    language = declaration.language
    if declaration.meeting_number:
        return wording.gettext(
            language, "the {ordinal} {meeting}",
            ordinal=phrasing.ordinal(declaration.meeting_number, language), meeting=declaration.meeting_name,
        )
    return wording.gettext(language, "the {meeting}", meeting=declaration.meeting_name)


def dates_phrase(declaration: Declaration) -> str:
    """Say when the meeting was held: "on May 2, 2026" or "from November 8 to 9, 2010"."""
    language = declaration.language
    if declaration.starts_on == declaration.ends_on:
        return wording.gettext(language, "on {date}", date=phrasing.format_date(declaration.starts_on, language))
    dates = phrasing.format_date_range(declaration.starts_on, declaration.ends_on, language)
    return wording.gettext(language, "from {dates}", dates=dates)



class Part(enum.Enum):
    """A part of the document the application writes a default for and the host may rewrite.

    Its value names the declaration's column holding the host's own text, None while it is the default.
    """

    header = "header"
    opening = "opening"
    date_line = "date_line"
    closing_formula = "closing_formula"
    list_heading = "list_heading"


def host_organizations(declaration: Declaration) -> list[Organization]:
    """Return the host, then its co-hosts in the order they were invited."""
    co_hosts = [
        p.organization for p in sorted(declaration.participants, key=lambda p: (p.id is None, p.id or 0))
        if p.role is ParticipantRole.host and p.organization_id != declaration.host_id
    ]
    return [declaration.host, *co_hosts]


def default_closing_formula(hosts: list[Organization], adopted_on: date, language: str = "en") -> str:
    """Return the "proposed and affirmed" closing formula naming the host and co-hosts, for a date, in a language."""
    if len(hosts) == 1:
        proposers = wording.pgettext(
            language, "the host named in the closing formula", "{name}, {country}",
            name=hosts[0].name_in(language), country=country_name(hosts[0].country, language),
        )
    else:
        proposers = phrasing.join_names([
            wording.pgettext(
                language, "a host among several named in the closing formula", "{name} ({country})",
                name=host.name_in(language), country=country_name(host.country, language),
            )
            for host in hosts
        ], language)
    return wording.gettext(
        language,
        "This declaration is hereby proposed by {proposers} on {date}, and affirmed by the participating cities "
        "and organizations.",
        proposers=proposers, date=phrasing.format_date(adopted_on, language),
    )


def hosts_listed(declaration: Declaration, layout: DeclarationLayout) -> bool:
    """Tell whether the document lists the hosts among the participants: the host's choice, or the layout's default.

    By default the older layout names them in its opening, and the listed layout leaves them out,
    since its closing formula names them.
    """
    if declaration.hosts_listed is not None:
        return declaration.hosts_listed
    return layout is DeclarationLayout.named_in_opening


def date_position(declaration: Declaration, layout: DeclarationLayout) -> DatePosition:
    """Return where the date line stands: the host's choice, or the layout's default."""
    if declaration.date_position is not None:
        return declaration.date_position
    return DatePosition.both if layout is DeclarationLayout.named_in_opening else DatePosition.title


def in_host_order(participants: list[Participant], language: str = "en") -> list[Participant]:
    """Return participants in the host's order; those the host has not placed follow, by name in the language."""

    def host_order(participant: Participant) -> tuple:
        position = participant.position if participant.position is not None else float("inf")
        return (position, participant.organization.name_in(language).casefold())

    return sorted(participants, key=host_order)


def group_participants(participants: list, country_order: list[str] | None = None,
                       language: str = "en") -> list[tuple[str, list]]:
    """Group participants by country, in the host's order of countries (else by name in the language), and the
    host's order within each."""
    groups: dict[str, list] = {}
    for participant in in_host_order(participants, language):
        groups.setdefault(participant.organization.country, []).append(participant)
    order = list(country_order or [])

    def country_key(code: str) -> tuple:
        placed = order.index(code) if code in order else len(order)
        return (placed, country_name(code, language).casefold())

    return [(country_name(code, language), groups[code]) for code in sorted(groups, key=country_key)]


def country_groups(participants: list, country_order: list[str] | None = None,
                   language: str = "en") -> list[CountryGroup]:
    """Return the organizations of the participants as the document lists them, by country, named in the language."""
    return [
        CountryGroup(country, [p.organization.name_in(language) for p in members])
        for country, members in group_participants(participants, country_order, language)
    ]


def unnamed_in_language(declaration: Declaration) -> list:
    """Return the participating organizations with no name in the declaration's language, by name.

    The document prints their `name` instead; in English that name is the one meant.
    """
    if declaration.language == wording.SOURCE_LANGUAGE:
        return []
    organizations = {p.organization for p in declaration.participants}
    missing = [organization for organization in organizations if organization.named_in(declaration.language) is None]
    return sorted(missing, key=lambda organization: organization.name.casefold())


def participants_in_document(declaration: Declaration, layout: DeclarationLayout) -> list[Participant]:
    """Return the participants the document lists or names, hosts only when listed, in the host's order."""
    listed = declaration.listed_participants
    if not hosts_listed(declaration, layout):
        listed = [p for p in listed if p.role is not ParticipantRole.host]
    return in_host_order(listed, declaration.language)


def opening_paragraph(declaration: Declaration, layout: DeclarationLayout, named: list[str]) -> str:
    """Write the opening paragraph: which meeting convened where, when, and (in the older layout) who."""
    language = declaration.language
    details = {
        "meeting": meeting_phrase(declaration), "place": declaration.place, "dates": dates_phrase(declaration),
        "theme": declaration.subtitle,
    }
    if layout is DeclarationLayout.named_in_opening and named:
        names = phrasing.join_names(named, language)
        if declaration.subtitle:
            return wording.gettext(
                language, 'We, the representatives of {names}, participated in {meeting} held in {place} {dates} '
                'under the theme "{theme}".', names=names, **details,
            )
        return wording.gettext(
            language, "We, the representatives of {names}, participated in {meeting} held in {place} {dates}.",
            names=names, **details,
        )
    if declaration.subtitle:
        sentence = wording.gettext(language, '{meeting} held in {place} {dates} under the theme "{theme}".', **details)
    else:
        sentence = wording.gettext(language, "{meeting} held in {place} {dates}.", **details)
    return sentence[0].upper() + sentence[1:]



def default_text(declaration: Declaration, part: Part, layout: DeclarationLayout | None = None,
                 dated: date | None = None) -> str:
    """Return the default of a part, written from the declaration's details ("" for no header)."""
    layout = layout or declaration.layout
    dated = dated or declaration.ends_on
    if part is Part.header:
        return default_wording.header(declaration.meeting_acronym, dated.year) if declaration.meeting_acronym else ""
    if part is Part.opening:
        named = [p.organization.name_in(declaration.language) for p in participants_in_document(declaration, layout)]
        return opening_paragraph(declaration, layout, named)
    if part is Part.date_line:
        return phrasing.format_date(dated, declaration.language)
    if part is Part.closing_formula:
        return default_closing_formula(host_organizations(declaration), declaration.ends_on, declaration.language)
    return wording.gettext(declaration.language, "Participating cities and organizations")


def is_default(declaration: Declaration, part: Part) -> bool:
    """Tell whether a part is still its default: the host has not rewritten it."""
    return getattr(declaration, part.value) is None


def part_text(declaration: Declaration, part: Part, layout: DeclarationLayout | None = None,
              dated: date | None = None) -> str:
    """Return a part as the document prints it: the host's own text, or the default."""
    own = getattr(declaration, part.value)
    return default_text(declaration, part, layout, dated) if own is None else own


def compose(declaration: Declaration, dated: date | None = None, layout: DeclarationLayout | None = None) -> Document:
    """Compose the document of a declaration's working draft.

    It is dated as given (by default the meeting's last day) and laid out as given (by default
    in the declaration's own layout). Each part the host has not rewritten is its default.
    """
    dated = dated or declaration.ends_on
    layout = layout or declaration.layout
    if inspect(declaration).persistent:  # one made or read for an import has its participants at hand already
        participation.load_organizations(declaration)
    older = layout is DeclarationLayout.named_in_opening
    position = date_position(declaration, layout)
    date_line = part_text(declaration, Part.date_line, layout, dated)
    # At the end the default date line names the place; the host's own is printed as written.
    end_line = f"{date_line} / {declaration.place}" if is_default(declaration, Part.date_line) else date_line
    return Document(
        layout=layout,
        language=declaration.language,
        header=part_text(declaration, Part.header, layout, dated) or None,
        title=declaration.title,
        subtitle=declaration.subtitle,
        dated=date_line,
        opening=part_text(declaration, Part.opening, layout, dated),
        preamble=markup.paragraphs(declaration.preamble),
        clauses=[
            DocumentClause(clause.position, clause.heading, markup.paragraphs(clause.body), clause.id)
            for clause in declaration.clauses
        ],
        closing_formula=markup.paragraphs(part_text(declaration, Part.closing_formula, layout, dated)),
        signatories=[] if older else country_groups(participants_in_document(declaration, layout),
                                                    declaration.country_order, declaration.language),
        place_and_date=end_line if position in (DatePosition.end, DatePosition.both) else None,
        dated_under_title=position in (DatePosition.title, DatePosition.both),
        list_heading=part_text(declaration, Part.list_heading, layout, dated),
    )
