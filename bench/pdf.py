"""How fast PDFs are made and served: `.venv/bin/python bench/pdf.py`.

In a temporary SQLite database it builds three declarations: a final declaration of 3 clauses
adopted by 45 participants in 14 countries, a draft of 60 clauses, and a Japanese declaration.
For each it prints the time of the first render in a fresh process (cold); then 10 rounds that
alternate the application's render (signing included) with Chromium printing the very HTML and
stylesheets the application gives WeasyPrint (Debian's chromium, kept warm by Playwright, one
page reused, every request served from memory or the static folder and any other refused), with
their medians, ranges and the ratio of the two; WeasyPrint alone making a plain PDF of that same
HTML, the floor under the application's render; the pages and bytes of each; and the median time
of 50 downloads of the stored PDF through the application (test client).

Goals on a 2-core machine (issue 16, goal 4): the application renders no slower than Chromium
(drafting / Chromium at most 1); a stored PDF served at least 20 times faster than it renders.
"""

import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from config import TestConfig  # noqa: E402
from drafting import create_app  # noqa: E402
from drafting.domain import circulation, signoff  # noqa: E402
from drafting.domain.clock import utcnow  # noqa: E402
from drafting.domain.draft_editing import add_clause, create_declaration  # noqa: E402
from drafting.domain.people.accounts import create_user  # noqa: E402
from drafting.domain.people.mandates import mandate_from_the_operator  # noqa: E402
from drafting.domain.people.participants import invite  # noqa: E402
from drafting.extensions import db  # noqa: E402
from drafting.models import Answer, Declaration, Organization, OrganizationKind, ParticipantRole, UserRole  # noqa: E402
from drafting.rendering import pdf, stored_pdfs  # noqa: E402

PASSWORD = "correct horse battery staple"
ROUNDS = 10
DOWNLOADS = 50

# 45 participants in 14 countries; the first is the host.
PARTICIPANTS = {
    "JP": ["City of Yokohama", "Tokyo Metropolitan Government", "City of Osaka", "City of Nagoya",
           "City of Fukuoka", "City of Kobe", "City of Kawasaki", "City of Sapporo"],
    "KR": ["Seoul Metropolitan Government", "Busan Metropolitan City", "Incheon Metropolitan City",
           "Daegu Metropolitan City", "Gwangju Metropolitan City"],
    "KH": ["Phnom Penh City", "Siem Reap Province"],
    "TH": ["Bangkok Metropolitan Administration", "Chiang Mai Municipality", "Phuket City Municipality"],
    "VN": ["Hanoi People's Committee", "Ho Chi Minh City", "Da Nang City"],
    "ID": ["Jakarta Capital City Government", "City of Surabaya", "City of Bandung", "City of Makassar",
           "City of Semarang"],
    "PH": ["City of Manila", "Quezon City", "Cebu City"],
    "MY": ["Kuala Lumpur City Hall", "Penang Island City Council", "Iskandar Puteri City Council"],
    "SG": ["Centre for Liveable Cities", "Urban Redevelopment Authority"],
    "IN": ["Municipal Corporation of Delhi", "Pune Municipal Corporation", "Bruhat Bengaluru Mahanagara Palike",
           "Greater Chennai Corporation"],
    "MN": ["Ulaanbaatar City"],
    "MM": ["Yangon City Development Committee"],
    "AU": ["City of Sydney", "City of Melbourne", "Brisbane City Council"],
    "NP": ["Kathmandu Metropolitan City", "Lalitpur Metropolitan City"],
}

CLAUSES = [
    ("The Pivotal Role of Cities in the Global Climate Challenge",
     "Cities are home to more than half of the world's people and produce most of its emissions. "
     "We resolve to set targets for our own buildings, transport and energy that match the ambition "
     "of our national governments or go beyond it.\n\n"
     "We will report our progress each year in a form that other cities can compare with their own."),
    ("Data and Digital Services for Residents",
     "We will make public services available online without leaving behind residents who do not use "
     "them, and we will publish the data our cities hold wherever privacy allows."),
    ("Next Meeting",
     "We welcome the offer of the City of Busan to host the 14th conference in 2025."),
]

JAPANESE_CLAUSES = [
    ("気候変動への都市の役割",
     "都市は世界の人口の半数以上が暮らす場であり、温室効果ガス排出の大部分を占める。"
     "我々は、建築物、交通及びエネルギーについて、国の目標に並ぶか、それを上回る目標を定める。\n\n"
     "我々は、その進捗を毎年、他の都市と比較できる形で報告する。"),
    ("デジタル行政サービス",
     "我々は、行政サービスをオンラインで提供するとともに、それを利用しない住民を取り残さない。"),
    ("次回会議",
     "我々は、次回会議を釜山広域市で開催するとの申し出を歓迎する。"),
]


def _organization(name: str, country: str) -> Organization:
    organization = Organization(name=name, country=country, kind=OrganizationKind.city)
    db.session.add(organization)
    return organization


def _drafter(host: Organization):
    return create_user(f"drafter{host.id}@bench.example.org", "Bench Drafter", PASSWORD, UserRole.drafter, host)


def _adopt(declaration: Declaration, drafter, participants: list[Organization], statements: dict[str, str]) -> None:
    today = date.today()
    for organization in participants:
        invite(declaration, organization, ParticipantRole.participant)
    circulation.circulate(declaration, drafter, today + timedelta(days=1), today)
    final = signoff.propose_final(declaration, drafter, today + timedelta(days=1), today)
    for organization in participants:
        delegate = create_user(f"delegate{organization.id}@bench.example.org", "Bench Delegate", PASSWORD,
                               UserRole.delegate, organization)
        mandate_from_the_operator(delegate, utcnow())
        statement = statements.get(organization.name)
        if statement:
            signoff.answer(final, delegate, Answer.affirmed_with_statement, True, statement=statement)
        else:
            signoff.answer(final, delegate, Answer.affirmed, True)
    signoff.adopt(declaration, drafter)


def build() -> dict[str, dict]:
    """Make the three declarations; return, by case name, what to render and where to download it."""
    organizations = [_organization(name, country) for country, names in PARTICIPANTS.items() for name in names]
    db.session.flush()
    host, others = organizations[0], organizations[1:]
    drafter = _drafter(host)
    meeting = dict(meeting_name="Asia Smart City Conference", meeting_number=13, meeting_acronym="ASCC",
                   place="Yokohama", starts_on=date(2024, 10, 30), ends_on=date(2024, 10, 31))

    final = create_declaration(host, drafter, title="Yokohama Declaration",
                               subtitle="Cities leading the way to a sustainable future", **meeting)
    for heading, body in CLAUSES:
        add_clause(final, heading, body)
    _adopt(final, drafter, others, {
        "Seoul Metropolitan Government": "Seoul affirms the declaration and will report on its targets in 2025.",
        "City of Sydney": "Sydney affirms the declaration subject to the approval of its council.",
    })

    draft = create_declaration(host, drafter, title="Draft Declaration of Sixty Clauses", **meeting)
    for number in range(1, 61):
        heading, body = CLAUSES[number % len(CLAUSES)]
        add_clause(draft, f"{heading} ({number})", body)
    for organization in others[:10]:
        invite(draft, organization, ParticipantRole.participant)
    circulation.circulate(draft, drafter, date.today() + timedelta(days=14), date.today())

    japanese_host = _organization("横浜市", "JP")
    japanese_members = [_organization(name, country) for name, country in
                        [("東京都", "JP"), ("大阪市", "JP"), ("ソウル特別市", "KR"), ("釜山広域市", "KR")]]
    db.session.flush()
    japanese_drafter = _drafter(japanese_host)
    japanese = create_declaration(
        japanese_host, japanese_drafter, title="横浜宣言", subtitle="持続可能な未来を拓く都市", language="ja",
        preamble="第13回アジア・スマートシティ会議に参加した我々は、次のとおり宣言する。",
        closing_formula="本宣言は、2024年10月31日、横浜市が提案し、参加都市及び機関が賛同したものである。",
        **meeting,
    )
    for heading, body in JAPANESE_CLAUSES:
        add_clause(japanese, heading, body)
    _adopt(japanese, japanese_drafter, japanese_members, {"東京都": "東京都は本宣言に賛同し、その実施に協力する。"})
    db.session.commit()
    return {
        "final, 3 clauses, 45 participants in 14 countries": {"declaration": final.id, "login": None},
        "draft of 60 clauses": {"declaration": draft.id, "login": drafter.email},
        "Japanese declaration": {"declaration": japanese.id, "login": None},
    }


def render(declaration_id: int) -> tuple[bytes, int]:
    """Render a case's PDF without storing it: the adopted declaration, or the draft's Draft 1."""
    declaration = db.session.get(Declaration, declaration_id)
    if declaration.state.value == "adopted":
        return stored_pdfs.render_adopted(declaration)
    return stored_pdfs.render_circulated(declaration.versions[0])


def download_path(declaration_id: int) -> str:
    declaration = db.session.get(Declaration, declaration_id)
    if declaration.state.value == "adopted":
        return f"/declarations/{declaration_id}/declaration.pdf"
    return f"/declarations/{declaration_id}/versions/1.pdf"


def app_for(database: Path):
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"

    return create_app(BenchConfig)


def cold(database: Path, declaration_id: int) -> None:
    """In a fresh process: print the seconds of the first render (imports and app creation excluded)."""
    with app_for(database).app_context():
        start = time.perf_counter()
        render(declaration_id)
        print(time.perf_counter() - start)


class _Capturing(pdf.HTML):
    """WeasyPrint's HTML, keeping the last document string the application gave it."""

    last: str | None = None

    def __init__(self, *args, string: str | None = None, **kwargs):
        _Capturing.last = string
        super().__init__(*args, string=string, **kwargs)


def html_for_chromium(declaration_id: int) -> str:
    """Return the HTML the application gives WeasyPrint for a case, with the stylesheets it passes beside
    it (pdf.css, the page size, the page numbers) linked or inlined in its head."""
    declaration = db.session.get(Declaration, declaration_id)
    original, pdf.HTML = pdf.HTML, _Capturing
    try:
        render(declaration_id)
    finally:
        pdf.HTML = original
    styles = f"@page {{ size: {pdf.PAGE_SIZES['A4']} }}\n{pdf.page_numbers_css(declaration.language)}"
    head = f'<link rel="stylesheet" href="{pdf.STYLESHEET}"><style>{styles}</style></head>'
    return _Capturing.last.replace("</head>", head, 1)


class Chromium:
    """Debian's Chromium driven by Playwright in a thread of its own, one page kept open and reused.

    Its own thread, because Playwright's synchronous API runs an event loop, and signing runs in
    another thread when it finds one running (drafting.rendering.signing): the application's
    render is timed as it runs in a worker. The page reads nothing from the network: the document
    comes from memory, the static folder through the application's own fetcher, anything else is
    refused.
    """

    EXECUTABLE = "/usr/bin/chromium"
    # As the browser tests launch it (tests/browser/conftest.py): headless, no GPU, no calls home.
    ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    DOCUMENT = pdf.STATIC_BASE + "document.html"

    def __init__(self, static_folder: str):
        self.fetcher = pdf.StaticOnlyFetcher(static_folder)
        self.refused: list[str] = []
        self.html = ""
        self.requests: queue.Queue = queue.Queue()
        self.answers: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self._answer()  # launched

    def _serve(self, route) -> None:
        url = route.request.url
        if url == self.DOCUMENT:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self.html)
            return
        try:
            response = self.fetcher.fetch(url)
        except pdf.RefusedUrl:
            self.refused.append(url)
            route.abort()
            return
        route.fulfill(status=200, content_type=response.headers["Content-Type"], body=response.read())

    def _run(self) -> None:
        try:
            self._print_what_comes()
        except BaseException as error:  # noqa: B036 - handed to the waiting thread, which raises it
            self.answers.put(error)

    def _print_what_comes(self) -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=self.EXECUTABLE, headless=True, args=self.ARGS)
            page = browser.new_page()
            page.route("**/*", self._serve)
            self.answers.put(None)
            while (html := self.requests.get()) is not None:
                self.html = html
                start = time.perf_counter()
                page.goto(self.DOCUMENT)
                content = page.pdf(prefer_css_page_size=True, print_background=True, tagged=True)
                self.answers.put((time.perf_counter() - start, content))
            browser.close()

    def _answer(self):
        answer = self.answers.get(timeout=120)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def print(self, html: str) -> tuple[float, bytes]:
        """Print the HTML to PDF; return the seconds it took and the file."""
        self.requests.put(html)
        return self._answer()

    def close(self) -> None:
        self.requests.put(None)
        self.thread.join(timeout=60)


def _figures(seconds: list[float]) -> str:
    return (f"median {statistics.median(seconds) * 1000:.0f} ms "
            f"({min(seconds) * 1000:.0f} to {max(seconds) * 1000:.0f})")


def weasyprint_alone(html: str, language: str) -> float:
    """Return the seconds WeasyPrint takes to make a plain PDF of Chromium's HTML, with the application's fonts and
    static files: the floor under the application's render, which adds PDF/A, its attachment and the signature."""
    fetcher, _ = pdf._stylesheets("A4", language)
    start = time.perf_counter()
    pdf.HTML(string=html, base_url=pdf.STATIC_BASE, url_fetcher=fetcher).write_pdf(font_config=pdf._font_config())
    return time.perf_counter() - start


def measure(app, database: Path, chromium: Chromium, name: str, case: dict) -> None:
    declaration_id = case["declaration"]
    cold_seconds = float(subprocess.run(
        [sys.executable, __file__, "--cold", str(database), str(declaration_id)],
        check=True, capture_output=True, text=True,
    ).stdout.split()[-1])
    with app.app_context():
        html = html_for_chromium(declaration_id)  # and a first render: fonts loaded, templates compiled
        chromium.print(html)  # warm up too
        language = db.session.get(Declaration, declaration_id).language
        ours, alone, theirs = [], [], []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            content, pages = render(declaration_id)
            ours.append(time.perf_counter() - start)
            alone.append(weasyprint_alone(html, language))
            seconds, chromium_content = chromium.print(html)
            theirs.append(seconds)
        path = download_path(declaration_id)
    ratios = [mine / its for mine, its in zip(ours, theirs)]

    client = app.test_client()
    if case["login"]:
        client.post("/login", data={"email": case["login"], "password": PASSWORD})
    assert client.get(path).status_code == 200  # stored now, if it was not already
    downloads = []
    for _ in range(DOWNLOADS):
        start = time.perf_counter()
        response = client.get(path)
        downloads.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.data[:5] == b"%PDF-"
    served = statistics.median(downloads)
    warm = statistics.median(ours)
    print(f"{name}:\n"
          f"  drafting: cold {cold_seconds:.3f} s; warm {_figures(ours)} over {ROUNDS} rounds; "
          f"{pages} pages, {len(content):,} bytes\n"
          f"  WeasyPrint alone (Chromium's HTML; no PDF/A, attachment nor signature): {_figures(alone)}; "
          f"÷ Chromium {statistics.median(alone) / statistics.median(theirs):.2f}\n"
          f"  Chromium: {_figures(theirs)}; {len(chromium_content):,} bytes\n"
          f"  drafting / Chromium: {statistics.median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f}); "
          f"goal at most 1: {'met' if statistics.median(ratios) <= 1 else 'NOT met'}\n"
          f"  serve stored PDF: {served * 1000:.1f} ms (median of {DOWNLOADS}), "
          f"{warm / served:.0f} times faster than rendering; goal at least 20")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        app = app_for(database)
        with app.app_context():
            upgrade()  # the migrations make the archive's full-text index, which create_all does not
            cases = build()
        chromium = Chromium(app.static_folder)
        try:
            for name, case in cases.items():
                measure(app, database, chromium, name, case)
        finally:
            chromium.close()
        if chromium.refused:
            print(f"Chromium was refused {len(chromium.refused)} requests: {sorted(set(chromium.refused))}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        cold(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
