"""The document a declaration reads as, in either layout of DESIGN.md ("The final document").

`compose()` turns a declaration into plain data (strings and lists) that the HTML preview and
the PDF templates both print, so the two can never disagree about what the text says.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from drafting.domain.text import markup, phrasing, wording
from drafting.models import Declaration, DeclarationLayout
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


def group_participants(participants: list, language: str = "en") -> list[tuple[str, list]]:
    """Group participants by country (sorted by its name in the language), keeping the host's order within each."""
    groups: dict[str, list] = {}
    for participant in participants:
        groups.setdefault(country_name(participant.organization.country, language), []).append(participant)

    def host_order(participant) -> tuple:
        position = participant.position if participant.position is not None else float("inf")
        return (position, participant.organization.name_in(language).casefold())

    return [
        (country, sorted(members, key=host_order))
        for country, members in sorted(groups.items(), key=lambda item: item[0].casefold())
    ]


def country_groups(participants: list, language: str = "en") -> list[CountryGroup]:
    """Return the organizations of the participants as the document lists them, by country, named in the language."""
    return [
        CountryGroup(country, [p.organization.name_in(language) for p in members])
        for country, members in group_participants(participants, language)
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


def compose(declaration: Declaration, dated: date | None = None, layout: DeclarationLayout | None = None) -> Document:
    """Compose the document of a declaration's working draft.

    It is dated as given (by default the meeting's last day) and laid out as given (by default
    in the declaration's own layout).
    """
    dated = dated or declaration.ends_on
    layout = layout or declaration.layout
    language = declaration.language
    by_country = country_groups(declaration.listed_participants, language)
    named = [name for group in by_country for name in group.organizations]
    older = layout is DeclarationLayout.named_in_opening
    return Document(
        layout=layout,
        language=declaration.language,
        header=f"{declaration.meeting_acronym} {dated.year}" if declaration.meeting_acronym else None,
        title=declaration.title,
        subtitle=declaration.subtitle,
        dated=phrasing.format_date(dated, language),
        opening=opening_paragraph(declaration, layout, named),
        preamble=markup.paragraphs(declaration.preamble),
        clauses=[
            DocumentClause(clause.position, clause.heading, markup.paragraphs(clause.body), clause.id)
            for clause in declaration.clauses
        ],
        closing_formula=markup.paragraphs(declaration.closing_formula),
        signatories=[] if older else by_country,
        place_and_date=f"{phrasing.format_date(dated, language)} / {declaration.place}" if older else None,
    )
