"""The host's tracker of answers to the final text, and the reminders sent to those without one."""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import tinyhtml5

from drafting.domain import signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, ParticipantRole, UserRole

DEADLINE = date.today() + timedelta(days=10)
HTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def case(make_declaration, make_organization, make_user, circulate, propose_final):
    """The Tokyo Declaration hosted by Yokohama, its final text awaiting the answers of Seoul, Bangkok,
    Phnom Penh and Busan (invited in that order); Jakarta only observes."""
    host = make_organization("Yokohama", "JP")
    declaration = make_declaration(host=host, clauses=2)
    invited = {}
    for name, country, role in [("Seoul", "KR", ParticipantRole.participant),
                                ("Bangkok", "TH", ParticipantRole.participant),
                                ("Phnom Penh", "KH", ParticipantRole.participant),
                                ("Busan", "KR", ParticipantRole.participant),
                                ("Jakarta", "ID", ParticipantRole.observer)]:
        invited[name] = make_organization(name, country)
        invite(declaration, invited[name], role)
    drafter = make_user(organization=host, email="haruto@yokohama.example.org")
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter, deadline=DEADLINE)

    def delegate(city, email, name):
        return make_user(role=UserRole.delegate, organization=invited[city], email=email, name=name)

    return {
        "declaration": declaration, "final": final, "drafter": drafter,
        "host delegate": make_user(role=UserRole.delegate, organization=host, email="aiko@yokohama.example.org"),
        "Seoul": delegate("Seoul", "minji@seoul.example.org", "Kim Min-ji"),
        "Seoul 2": delegate("Seoul", "jun@seoul.example.org", "Lee Jun"),
        "Bangkok": delegate("Bangkok", "somchai@bangkok.example.org", "Somchai"),
        "Phnom Penh": delegate("Phnom Penh", "sokha@phnompenh.example.org", "Sokha"),
        "Busan": delegate("Busan", "jiho@busan.example.org", "Park Ji-ho"),
        "Jakarta": delegate("Jakarta", "budi@jakarta.example.org", "Budi"),
    }


def url(case, path):
    return f"/declarations/{case['declaration'].id}{path}"


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def tracker(client, case) -> dict:
    """Read the tracker as the host sees it: the progress, the counts, and the answers by country."""
    response = client.get(url(case, "/tracker"))
    assert response.status_code == 200
    page = tinyhtml5.parse(response.get_data(as_text=True))
    [progress] = page.iter(f"{HTML}progress")
    [counts] = [ul for ul in page.iter(f"{HTML}ul") if ul.get("class") == "counts"]
    [by_country] = [s for s in page.iter(f"{HTML}section") if s.get("aria-label") == "Answers by country"]
    groups = []
    for group in by_country.iter(f"{HTML}div"):
        members = []
        for item in group.iter(f"{HTML}li"):
            [tag] = item.iter(f"{HTML}span")
            notes = [text_of(quote) for quote in item.iter(f"{HTML}blockquote")]
            members.append((" ".join((item.text or "").split()), text_of(tag), *notes))
        groups.append((text_of(group.find(f"{HTML}h3")), members))
    return {
        "heading": text_of(page.find(f".//{HTML}h2[@id='progress-heading']")),
        "bar": (progress.get("value"), progress.get("max")),
        "counts": [text_of(li) for li in counts.iter(f"{HTML}li")],
        "by country": groups,
    }


# The tracker


def test_the_tracker_shows_every_answer_grouped_by_country(client, login_as, case):
    final = case["final"]
    signoff.answer(final, case["Seoul"], Answer.affirmed_with_statement, True,
                   statement="Seoul will report on its heat shelters.")
    signoff.answer(final, case["Bangkok"], Answer.declined, True, reason="Our council has not approved it yet.")
    signoff.answer(final, case["Busan"], Answer.affirmed, True)
    db.session.commit()
    login_as(case["drafter"])
    shown = tracker(client, case)
    # Countries by English name (not by code, not in the order of invitation); organizations
    # alphabetical within their country; the observer is not asked and not shown.
    assert shown["by country"] == [
        ("Cambodia", [("Phnom Penh", "no answer yet")]),
        ("Japan", [("Yokohama", "affirmed")]),
        ("South Korea", [("Busan", "affirmed"),
                         ("Seoul", "affirmed with statement", "Seoul will report on its heat shelters.")]),
        ("Thailand", [("Bangkok", "declined", "Our council has not approved it yet.")]),
    ]
    assert shown["counts"] == ["2 affirmed", "1 affirmed with statement", "1 declined", "1 no answer yet"]
    assert shown["heading"] == "4 of 5 participants have answered"
    assert shown["bar"] == ("4", "5")


def test_before_any_delegate_answers_only_the_host_has_affirmed(client, login_as, case):
    login_as(case["drafter"])
    shown = tracker(client, case)
    assert shown["counts"] == ["1 affirmed", "0 affirmed with statement", "0 declined", "4 no answer yet"]
    assert shown["heading"] == "1 of 5 participants have answered" and shown["bar"] == ("1", "5")
    assert [answer for _, members in shown["by country"] for _, answer, *_ in members] == [
        "no answer yet", "affirmed", "no answer yet", "no answer yet", "no answer yet",
    ]


def test_a_changed_answer_replaces_the_old_one_on_the_tracker(client, login_as, case):
    login_as(case["Bangkok"])
    for data in ({"answer": "declined", "reason": "Not yet.", "authorised": "y"},
                 {"answer": "affirmed", "authorised": "y"}):
        assert client.post(url(case, "/affirmation"), data=data).status_code == 302
    login_as(case["Phnom Penh"])
    assert client.post(url(case, "/affirmation"), data={"answer": "affirmed", "authorised": "y"}).status_code == 302
    login_as(case["drafter"])
    shown = tracker(client, case)
    assert ("Thailand", [("Bangkok", "affirmed")]) in shown["by country"]
    assert ("Cambodia", [("Phnom Penh", "affirmed")]) in shown["by country"]
    assert shown["counts"] == ["3 affirmed", "0 affirmed with statement", "0 declined", "2 no answer yet"]
    assert shown["heading"] == "3 of 5 participants have answered" and shown["bar"] == ("3", "5")


# Reminders


def recipients(messages) -> list[str]:
    return sorted(message["To"] for message in messages)


def remind(client, case) -> str:
    response = client.post(url(case, "/remind"), follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def a_day_passes(case, *cities):
    """Move the last reminder of the named participants a day and a minute into the past."""
    for participant in case["declaration"].participants:
        if participant.organization.name in cities and participant.last_reminded_at is not None:
            participant.last_reminded_at -= timedelta(days=1, minutes=1)
    db.session.commit()


def test_the_reminder_goes_to_the_delegates_of_those_without_an_answer(client, login_as, case, outbox):
    signoff.answer(case["final"], case["Bangkok"], Answer.declined, True)
    signoff.answer(case["final"], case["Busan"], Answer.affirmed, True)
    db.session.commit()
    login_as(case["drafter"])
    assert "Reminded: Phnom Penh, Seoul." in remind(client, case)
    sent = outbox()
    # Not Bangkok and Busan (they answered), not Jakarta (it observes), not the host's staff.
    assert recipients(sent) == ["jun@seoul.example.org", "minji@seoul.example.org", "sokha@phnompenh.example.org"]
    assert {message["Subject"] for message in sent} == {"Reminder: Tokyo Declaration awaits your answer"}
    [to_minji] = [message for message in sent if message["To"] == "minji@seoul.example.org"]
    text = to_minji.get_body(preferencelist=("plain",)).get_content()
    html = to_minji.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Dear Kim Min-ji" in body
        assert "still awaits the answer of Seoul" in body
        assert f"until 23:59 on {DEADLINE:%B} {DEADLINE.day}, {DEADLINE.year}, Coordinated Universal Time (UTC)" in body
        assert case["final"].fingerprint in body
        assert "This reminder was sent by drafting on behalf of Yokohama." in body
    # A reply reaches the host's drafter who sent the reminder.
    assert to_minji["Reply-To"].addresses[0].addr_spec == case["drafter"].email
    [to_sokha] = [message for message in sent if message["To"] == "sokha@phnompenh.example.org"]
    assert "still awaits the answer of Phnom Penh" in to_sokha.get_body(preferencelist=("plain",)).get_content()
    # The reminder's links open the answer form, the final text and its PDF, for the delegate.
    answer, final_text, pdf = re.findall(r"https?://\S+", text)
    assert re.findall(r'href="([^"]+)"', html) == [answer, final_text, pdf]
    login_as(case["Seoul"])
    page = client.get(urlsplit(answer).path)
    assert page.status_code == 200 and "Send the answer" in page.get_data(as_text=True)
    page = client.get(urlsplit(final_text).path)
    assert page.status_code == 200 and case["final"].fingerprint in page.get_data(as_text=True)
    page = client.get(urlsplit(pdf).path)
    assert page.status_code == 200 and page.mimetype == "application/pdf"


def test_each_participant_is_reminded_at_most_once_a_day(client, login_as, case, outbox):
    login_as(case["drafter"])
    assert "Reminded: Bangkok, Busan, Phnom Penh, Seoul." in remind(client, case)
    assert len(outbox()) == 5  # two delegates of Seoul, one each of the three others
    refused = remind(client, case)
    assert "Every participant without an answer was reminded less than a day ago" in refused
    assert len(outbox()) == 5
    a_day_passes(case, "Seoul")
    assert "Reminded: Seoul." in remind(client, case)
    assert recipients(outbox()[5:]) == ["jun@seoul.example.org", "minji@seoul.example.org"]


def test_who_answered_since_the_last_reminder_is_not_reminded_again(client, login_as, case, outbox):
    login_as(case["drafter"])
    remind(client, case)
    first = len(outbox())
    for city in ("Bangkok", "Busan", "Seoul 2"):
        signoff.answer(case["final"], case[city], Answer.affirmed, True)
    db.session.commit()
    a_day_passes(case, "Seoul", "Bangkok", "Busan", "Phnom Penh")
    assert "Reminded: Phnom Penh." in remind(client, case)
    assert recipients(outbox()[first:]) == ["sokha@phnompenh.example.org"]


def test_when_everyone_has_answered_there_is_no_one_to_remind(client, login_as, case, outbox):
    for city in ("Seoul", "Bangkok", "Phnom Penh", "Busan"):
        signoff.answer(case["final"], case[city], Answer.affirmed, True)
    db.session.commit()
    login_as(case["drafter"])
    assert "Every participant has answered." in remind(client, case)
    assert outbox() == []


def test_the_host_is_told_which_participants_have_no_delegate_to_remind(client, login_as, case, outbox):
    case["Phnom Penh"].active = False
    db.session.commit()
    login_as(case["drafter"])
    page = remind(client, case)
    assert "No confirmed delegate of Phnom Penh to e-mail: ask for one." in page
    assert "sokha@phnompenh.example.org" not in recipients(outbox())
