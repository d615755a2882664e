"""A declaration's language decides every word the application writes in its document, its PDFs
and the e-mails about it; organizations have names per language (issue 13)."""

import copy
import io
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from drafting.domain import audit, circulation, final_text, interchange, published_record, signoff
from drafting.domain.draft_editing import add_clause
from drafting.domain.people import organizations as directory
from drafting.domain.people.participants import invite
from drafting.domain.text import composed_document, fingerprint, phrasing, wording
from drafting.extensions import db
from drafting.models import Answer, Organization, OrganizationKind, OrganizationName, ParticipantRole, UserRole
from drafting.rendering import stored_pdfs
from tests.conftest import ADOPTED_IN_SESSION
from tests.test_answers import mailbox  # noqa: F401 (a fixture: a real SMTP server on 127.0.0.1)
from tests.test_production import PATH, README, section

JAPANESE = dict(
    title="東京宣言",
    subtitle="アジアの繁栄と発展に向けた都市の連携",
    meeting_name="アジア大都市ネットワーク21総会",
    meeting_number=9,
    meeting_acronym="ANMC21",
    place="東京",
    starts_on=date(2010, 11, 8),
    ends_on=date(2010, 11, 9),
    language="ja",
    preamble="我々は、共同事業の成果を確認し、次のとおり宣言する。",
)
# key: (English name, country, Japanese name): the host and participants from three countries.
ORGANIZATIONS = {
    "Tokyo": ("Tokyo Metropolitan Government", "JP", "東京都"),
    "Seoul": ("Seoul Metropolitan Government", "KR", "ソウル特別市"),
    "Bangkok": ("Bangkok Metropolitan Administration", "TH", "バンコク都"),
    "Busan": ("Busan Metropolitan City", "KR", "釜山広域市"),
}
PARTICIPANTS = ("Seoul", "Bangkok", "Busan")


def pdftotext(content: bytes, tmp_path) -> str:
    path = tmp_path / "declaration.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def ascii_words(text: str, own_strings: list[str]) -> set[str]:
    """Return the words in Latin letters of a text, once the application's own machine strings are taken out.

    Those strings are the verification address, the fingerprints and the audit trail's hash
    (hex digits and a URL, no word of any language), the embedded file's name and the hash's
    standard (SHA-256). pdftotext may break any of them across lines, so they are compared with
    every white space removed; Japanese needs no spaces, so no word is joined to another by it.
    """
    joined = "".join(text.split())
    for own in sorted(own_strings, key=len, reverse=True):
        joined = joined.replace("".join(own.split()), " ")
    return set(re.findall(r"[A-Za-z]+", joined))


@pytest.fixture
def japanese_case(make_declaration, make_user, circulate):
    """A Japanese declaration hosted by the Tokyo Metropolitan Government, Seoul, Bangkok and Busan invited."""
    found = {
        key: directory.create_organization(name, OrganizationKind.city, country, names={"ja": japanese})
        for key, (name, country, japanese) in ORGANIZATIONS.items()
    }
    db.session.commit()
    declaration = make_declaration(host=found["Tokyo"], **JAPANESE)
    add_clause(declaration, "都市間の協力", "我々は、危機管理、環境対策、産業振興における共同事業を継続する。")
    add_clause(declaration, "次回総会", "次回総会は、2011年にソウルにおいて開催する。")
    for key in PARTICIPANTS:
        invite(declaration, found[key], ParticipantRole.participant)
    db.session.commit()
    drafter = make_user(organization=found["Tokyo"], email="haruka@tokyo.example.org", name="伊藤春香")
    delegates = {
        key: make_user(role=UserRole.delegate, organization=found[key], email=f"{key.lower()}@example.org",
                       name=f"代表{number}")
        for number, key in enumerate(PARTICIPANTS, start=1)
    }
    return {"declaration": declaration, "organizations": found, "drafter": drafter, "delegates": delegates}


def test_dates_ordinals_and_lists_follow_the_language_through_cldr_and_the_catalog():
    first, last = date(2010, 11, 8), date(2010, 11, 9)
    assert phrasing.format_date(last, "ja") == "2010年11月9日"
    assert phrasing.format_date_range(first, last, "ja") == "2010年11月8日～9日"
    assert phrasing.format_date_range(first, date(2011, 1, 3), "ja") == "2010年11月8日～2011年1月3日"
    assert phrasing.ordinal(9, "ja") == "第9回"
    assert phrasing.join_names(["バンコク", "デリー", "ハノイ"], "ja") == "バンコク、デリー、ハノイ"
    # English stays as the declarations have always printed it.
    assert phrasing.format_date_range(first, last) == "November 8 to 9, 2010"
    assert phrasing.format_date_range(first, date(2010, 12, 2)) == "November 8 to December 2, 2010"
    assert phrasing.format_date_range(first, date(2011, 1, 3)) == "November 8, 2010 to January 3, 2011"
    assert [phrasing.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert phrasing.join_names(["A", "B", "C"]) == "A, B, and C"


def test_a_language_without_a_catalog_is_printed_in_english_throughout():
    # Mixing French dates with English words would be worse than either: a catalog brings both.
    assert wording.written_languages() == ["en", "ja"]
    assert phrasing.format_date_range(date(2010, 11, 8), date(2010, 11, 9), "fr") == "November 8 to 9, 2010"
    assert phrasing.ordinal(2, "fr") == "2nd"


def test_the_adopted_japanese_pdf_holds_no_english_word_but_the_meetings_acronym(japanese_case, tmp_path):
    case = japanese_case
    declaration = case["declaration"]
    draft = circulation.circulate(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    final = signoff.propose_final(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    signoff.answer(final, case["delegates"]["Seoul"], Answer.affirmed_with_statement, True,
                   statement="ソウル特別市は、次回総会において進捗を報告する。")
    signoff.answer(final, case["delegates"]["Bangkok"], Answer.affirmed, True)
    signoff.answer(final, case["delegates"]["Busan"], Answer.affirmed, True)
    signoff.adopt(declaration, case["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()

    content = stored_pdfs.adopted_pdf(declaration).content
    text = pdftotext(content, tmp_path)
    own = [stored_pdfs.verification_url(final.fingerprint), final.fingerprint, fingerprint.short(final.fingerprint),
           audit.anchor_of(declaration).hash, "canonical-text.txt", "SHA-256"]
    assert ascii_words(text, own) == {"ANMC"}
    flat = "".join(text.split())
    for expected in (
        "ANMC212010", "東京宣言", "「アジアの繁栄と発展に向けた都市の連携」", "2010年11月9日",
        # The opening: dates, ordinal and meeting in Japanese.
        "2010年11月8日～9日に、東京において「アジアの繁栄と発展に向けた都市の連携」をテーマに"
        "第9回アジア大都市ネットワーク21総会が開催された。",
        "本宣言は、2010年11月9日、東京都（日本）により提案され、参加都市・機関により賛同されたものである。",
        "参加都市・機関", "（日本）", "（韓国）", "（タイ）", "東京都", "ソウル特別市", "釜山広域市", "バンコク都",
        "附属書", "賛同に際しての声明", "ソウル特別市は、次回総会において進捗を報告する。", "フィンガープリント",
        "1／", "頁",
    ):
        assert expected in flat, expected

    metadata = PdfReader(io.BytesIO(content)).metadata
    assert (metadata.author, metadata.subject) == ("東京都", "東京で開催された第9回アジア大都市ネットワーク21総会において採択された宣言")

    circulated_text = pdftotext(stored_pdfs.circulated_pdf(draft).content, tmp_path)
    assert ascii_words(circulated_text, [draft.fingerprint, fingerprint.short(draft.fingerprint)]) == {"ANMC"}
    assert "第1次草案・" in "".join(circulated_text.split())


def test_the_published_list_and_annex_keep_the_names_printed_at_adoption(japanese_case):
    case = japanese_case
    declaration = case["declaration"]
    circulation.circulate(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    final = signoff.propose_final(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    signoff.answer(final, case["delegates"]["Seoul"], Answer.affirmed_with_statement, True, statement="声明")
    signoff.adopt(declaration, case["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    seoul = case["organizations"]["Seoul"]
    directory.update_organization(seoul, seoul.name, seoul.kind, seoul.country, names={"ja": "ソウル市"})
    db.session.commit()

    listed = [name for group in final_text.adopted_document(declaration).signatories for name in group.organizations]
    assert listed == ["ソウル特別市"]  # the host is named by the closing formula, not listed
    assert [s.organization for s in published_record.of(declaration).statements()] == ["ソウル特別市"]


def test_an_adopted_japanese_declaration_goes_out_and_comes_back_in_as_it_was(japanese_case):
    from tests.test_interchange import retitled

    case = japanese_case
    declaration = case["declaration"]
    circulation.circulate(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    final = signoff.propose_final(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    signoff.answer(final, case["delegates"]["Seoul"], Answer.affirmed, True)
    signoff.adopt(declaration, case["drafter"], without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()

    exported = retitled(interchange.export_declaration(declaration), "大阪宣言")
    imported = interchange.import_declaration(copy.deepcopy(exported)).declaration
    original, copied = final_text.adopted_document(declaration), final_text.adopted_document(imported)
    assert copied.opening == original.opening and "第9回" in copied.opening
    assert copied.signatories == original.signatories


def test_the_emails_about_a_japanese_declaration_are_japanese(client, login_as, japanese_case, mailbox):
    case = japanese_case
    declaration = case["declaration"]
    login_as(case["drafter"])
    deadline = (date.today() + timedelta(days=10)).isoformat()
    url = f"/declarations/{declaration.id}"
    assert client.post(f"{url}/circulate", data={"comment_deadline": deadline}).status_code == 302
    assert client.post(f"{url}/final", data={"affirmation_deadline": deadline}).status_code == 302
    assert client.post(f"{url}/remind").status_code == 302
    assert client.post(f"{url}/reopen", data={"reason": "第2項を修正するため。"}).status_code == 302

    db.session.expire_all()
    # The site's name is the one the configuration gives, in any language.
    own = [version.fingerprint for version in declaration.versions] + ["http://localhost/declarations/",
                                                                        client.application.config["SITE_NAME"]]
    subjects = [message["Subject"] for _, message in mailbox.messages]
    assert sorted(set(subjects)) == sorted({
        "東京宣言：第1次草案へのご意見のお願い", "東京宣言：最終案へのご回答のお願い",
        "【再通知】東京宣言へのご回答をお待ちしています", "東京宣言は再び意見照会の段階に戻りました",
    })
    for _, message in mailbox.messages:
        for body in mailbox.texts(message):
            words = ascii_words(re.sub(r"<[^>]+>", " ", body), own)
            # What is left are the addresses' own path segments, the format's name, which Japanese
            # writes as PDF too, and UTC in the deadlines' offsets: no English word of the message itself.
            assert words <= {"versions", "affirmation", "pdf", "review", "downloads", "answer", "PDF", "UTC"}, words
            assert "東京宣言" in body and "東京都" in body


def test_the_circulation_email_is_japanese(client, login_as, japanese_case, mailbox):
    case = japanese_case
    declaration = case["declaration"]
    login_as(case["drafter"])
    deadline = date.today() + timedelta(days=10)
    response = client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": deadline.isoformat()})
    assert response.status_code == 302
    recipients = {tuple(to) for to, _ in mailbox.messages}
    assert recipients == {("seoul@example.org",), ("bangkok@example.org",), ("busan@example.org",)}
    [(_, message), *_] = mailbox.messages
    assert message["Subject"] == "東京宣言：第1次草案へのご意見のお願い"
    text, html = mailbox.texts(message)
    assert "東京都は、" in text and "アジア大都市ネットワーク21総会" in text
    assert f"{phrasing.format_date(deadline, 'ja')} 23:59（協定世界時、UTC）まで" in text
    assert "Dear" not in text and "Dear" not in html and "circulated" not in text


def test_english_emails_stay_english(client, login_as, make_declaration, make_organization, make_user, mailbox):
    host = make_organization("Yokohama", "JP")
    declaration = make_declaration(host=host, clauses=1)
    seoul = make_organization("Seoul", "KR")
    invite(declaration, seoul, ParticipantRole.participant)
    make_user(role=UserRole.delegate, organization=seoul, email="minji@seoul.example.org", name="Kim Min-ji")
    db.session.commit()
    login_as(make_user(organization=host))
    deadline = (date.today() + timedelta(days=10)).isoformat()
    assert client.post(f"/declarations/{declaration.id}/circulate", data={"comment_deadline": deadline}).status_code == 302
    [(_, message)] = mailbox.messages
    assert message["Subject"] == "Tokyo Declaration: Draft 1 for your comments"
    text, _ = mailbox.texts(message)
    assert text.startswith("Dear Kim Min-ji,\n\nYokohama has circulated Draft 1 of the Tokyo Declaration")


def test_the_editor_lists_the_organizations_without_a_name_in_the_declarations_language(
    client, login_as, japanese_case, make_organization
):
    case = japanese_case
    declaration = case["declaration"]
    jakarta = make_organization("Jakarta", "ID")
    invite(declaration, jakarta, ParticipantRole.observer)
    db.session.commit()
    login_as(case["drafter"])
    page = client.get(f"/declarations/{declaration.id}").get_data(as_text=True)
    notice = re.search(r'<p class="notice" id="unnamed-organizations">(.*?)</p>', page, re.S)
    assert notice and "Jakarta" in notice.group(1) and "Seoul" not in notice.group(1)
    assert "No name in Japanese" in notice.group(1)

    directory.update_organization(jakarta, jakarta.name, jakarta.kind, jakarta.country, names={"ja": "ジャカルタ"})
    db.session.commit()
    assert 'id="unnamed-organizations"' not in client.get(f"/declarations/{declaration.id}").get_data(as_text=True)


def test_an_english_declaration_lists_no_missing_names(make_declaration, make_organization):
    declaration = make_declaration(host=make_organization("Yokohama", "JP"))
    assert composed_document.unnamed_in_language(declaration) == []


def test_the_administrator_gives_and_removes_names_in_other_languages(client, login_as, make_user):
    login_as(make_user(role=UserRole.administrator))
    form = {"name": "Seoul Metropolitan Government", "kind": "city", "country": "KR", "local_name": "서울특별시",
            "name_ja": "ソウル特別市"}
    assert client.post("/admin/organizations/new", data=form).status_code == 302
    seoul = db.session.scalar(select(Organization).where(Organization.name == form["name"]))
    assert seoul.named_in("ja") == "ソウル特別市" and seoul.name_in("ja") == "ソウル特別市"
    assert "ソウル特別市" in client.get(f"/admin/organizations/{seoul.id}/edit").get_data(as_text=True)

    too_long = client.post(f"/admin/organizations/{seoul.id}/edit", data={**form, "name_ja": "ソ" * 201})
    assert too_long.status_code == 422 and "At most 200 characters." in too_long.get_data(as_text=True)
    db.session.expire_all()
    assert seoul.named_in("ja") == "ソウル特別市"

    assert client.post(f"/admin/organizations/{seoul.id}/edit", data={**form, "name_ja": ""}).status_code == 302
    db.session.expire_all()
    assert seoul.named_in("ja") is None and seoul.name_in("ja") == "Seoul Metropolitan Government"
    assert db.session.scalar(select(OrganizationName).where(OrganizationName.organization_id == seoul.id)) is None


def test_a_name_in_an_unknown_language_is_refused_and_nothing_is_stored():
    with pytest.raises(directory.DirectoryError, match="not an ISO 639-1"):
        directory.create_organization("Seoul", OrganizationKind.city, "KR", names={"xx": "X"})
    assert db.session.scalar(select(Organization).where(Organization.name == "Seoul")) is None


def test_every_word_the_application_writes_has_its_japanese_translation_compiled(tmp_path):
    """README's "Languages" commands, run in bash as written in a copy of the checkout: extracting
    finds every word, updating the Japanese catalog finds nothing new to translate, starting a Korean
    catalog offers every word, and compiling gives the committed Japanese catalog."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    root = wording.TRANSLATIONS_FOLDER.parent.parent
    for part in ("drafting", "templates"):
        shutil.copytree(root / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "babel.cfg", tmp_path)
    extract, init, compile_ = readme_language_commands()
    # The README's note on init: "update instead of init for a language that has one".
    update = init.split("#")[0].replace(" init ", " update ").replace("-l ko", "-l ja")
    for command in (extract, update, init, compile_):
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env={**os.environ, "PATH": PATH},
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"`{command}` failed:\n{done.stdout}\n{done.stderr}"

    def catalog(path: Path, reader=read_po) -> dict[str, str]:
        with path.open("rb") as file:
            return {message.id: message.string for message in reader(file) if message.id}

    wanted = set(catalog(tmp_path / "drafting/translations/document.pot"))
    assert "Participating cities and organizations" in wanted and "{number}st" in wanted
    assert wanted == set(catalog(root / "drafting/translations/document.pot")), "the committed .pot is out of date"
    japanese = root / "drafting/translations/ja/LC_MESSAGES"
    written = catalog(japanese / "document.po")
    assert wanted <= {message for message, translation in written.items() if translation}
    updated = tmp_path / "drafting/translations/ja/LC_MESSAGES"
    assert {m: t for m, t in catalog(updated / "document.po").items() if m in wanted} == {
        m: t for m, t in written.items() if m in wanted
    }
    assert catalog(updated / "document.mo", read_mo) == catalog(japanese / "document.mo", read_mo)
    assert catalog(japanese / "document.mo", read_mo) == written
    assert set(catalog(tmp_path / "drafting/translations/ko/LC_MESSAGES/document.po")) == wanted
    assert (tmp_path / "drafting/translations/ko/LC_MESSAGES/document.mo").exists()


def readme_language_commands() -> list[str]:
    """Return the indented commands of README's "Languages" section: extract, init, compile."""
    text = section(README.read_text(encoding="utf-8"), "### Languages")
    commands = [line.strip() for line in text.splitlines() if line.startswith("    pybabel ")]
    assert [command.split()[1] for command in commands] == ["extract", "init", "compile"], commands
    return commands


class TestMigration:
    @pytest.fixture(autouse=True)
    def db(self):
        """Leave `db.session` to Flask-SQLAlchemy: this test fills a database of its own."""
        return db

    def test_local_names_are_carried_over_under_their_countrys_one_language(self, tmp_path):
        from flask_migrate import downgrade, upgrade
        from sqlalchemy import text

        from config import TestConfig
        from drafting import create_app
        from tests.databases import fresh_database

        with fresh_database(tmp_path) as url:

            class ExistingDatabase(TestConfig):
                SQLALCHEMY_DATABASE_URI = url

            app = create_app(ExistingDatabase)
            with app.app_context():
                upgrade(revision="7a3d5c1e9b20")
                rows = [("Tokyo", "JP", "東京"), ("Seoul", "KR", "서울"), ("Delhi", "IN", "दिल्ली"),
                        ("Jakarta", "ID", None)]
                for name, country, local_name in rows:
                    db.session.execute(text(
                        "INSERT INTO organizations (name, kind, country, local_name, created_at)"
                        " VALUES (:name, 'city', :country, :local_name, CURRENT_TIMESTAMP)"
                    ), {"name": name, "country": country, "local_name": local_name})
                db.session.commit()
                upgrade()
                carried = db.session.execute(text(
                    "SELECT o.name, n.language, n.name FROM organization_names n"
                    " JOIN organizations o ON o.id = n.organization_id ORDER BY o.name"
                )).all()
                # India has several official languages: nobody can tell which one दिल्ली is in.
                assert [tuple(row) for row in carried] == [("Seoul", "ko", "서울"), ("Tokyo", "ja", "東京")]
                tokyo = db.session.scalar(select(Organization).where(Organization.name == "Tokyo"))
                assert (tokyo.local_name, tokyo.name_in("ja"), tokyo.name_in("ko")) == ("東京", "東京", "Tokyo")
                db.session.close()
                downgrade(revision="7a3d5c1e9b20")
                assert db.session.execute(text("SELECT count(*) FROM organizations")).scalar() == 4
                db.session.close()
                db.engine.dispose()


def test_the_english_name_is_the_organizations_name_and_no_other():
    with pytest.raises(directory.DirectoryError, match="English name"):
        directory.create_organization("Seoul", OrganizationKind.city, "KR", names={"en": "Seoul City"})
    seoul = directory.create_organization("Seoul", OrganizationKind.city, "KR", names={"ja": "ソウル"})
    assert (seoul.name_in("en"), seoul.name_in("ja"), seoul.name_in("ko")) == ("Seoul", "ソウル", "Seoul")


def test_a_template_inserted_into_a_japanese_declaration_prints_its_values_in_japanese(japanese_case, make_template):
    from drafting.domain.draft_editing import insert_template
    from drafting.domain.text import placeholders

    declaration = japanese_case["declaration"]
    template = make_template(
        name="次回総会", language="ja",
        body="{{host_organization}}（{{host_country}}）は、{{meeting_dates}}に開催された{{meeting_ordinal}}"
             "総会に続き、{{next_meeting_ordinal}}総会を{{next_meeting_date}}に開催する。",
    )
    values = placeholders.known_values(declaration) | {"next_meeting_date": "2011-10-26"}
    clause = insert_template(declaration, template, values)
    assert clause.body == (
        "東京都（日本）は、2010年11月8日～9日に開催された第9回総会に続き、第10回総会を2011年10月26日に開催する。"
    )


def test_the_hosts_reply_and_decision_reach_a_japanese_delegate_in_japanese(client, login_as, japanese_case, mailbox):
    from drafting.domain.consultation import add_comment

    case = japanese_case
    declaration = case["declaration"]
    version = circulation.circulate(declaration, case["drafter"], date.today() + timedelta(days=10), date.today())
    seoul = case["delegates"]["Seoul"]
    comment = add_comment(version, 1, seoul, "第1項に賛成する。")
    amendment = add_comment(version, 2, seoul, "年を明記する。", "次回総会は、2011年10月にソウルにおいて開催する。", "開催年を明記するため。")
    db.session.commit()
    mailbox.messages.clear()
    login_as(case["drafter"])
    desk = f"/declarations/{declaration.id}/comments"
    assert client.post(f"{desk}/{comment.id}/reply", data={"body": "ありがとうございます。"}).status_code == 302
    assert client.post(f"{desk}/{amendment.id}/decision", data={"decision": "rejected", "reason": "日程は未定である。"}
                       ).status_code == 302

    [(_, replied), (_, decided)] = mailbox.messages
    assert replied["Subject"] == "東京宣言：第1項へのご意見に東京都が返信しました"
    assert decided["Subject"] == "東京宣言：第1次草案第2項への修正案は不採用となりました"
    own = [version.fingerprint, "http://localhost/declarations/", client.application.config["SITE_NAME"]]
    for message in (replied, decided):
        for body in mailbox.texts(message):
            assert ascii_words(re.sub(r"<[^>]+>", " ", body), own) <= {"versions", "comment"}
    assert "理由：日程は未定である。" in mailbox.texts(decided)[0]
