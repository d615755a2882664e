"""After adoption only what the archive shows is public: the final text as proposed, with every
participant it listed and who answered, stays with those who took part."""

import pytest

from drafting.domain import signoff
from drafting.domain.people.participants import invite
from drafting.extensions import db
from drafting.models import Answer, ParticipantRole, UserRole
from tests.conftest import ADOPTED_IN_SESSION


@pytest.fixture
def adopted(make_declaration, make_organization, make_user, circulate, propose_final):
    """An adopted declaration: Seoul affirmed; Bangkok, invited, never answered; Hanoi observed."""
    declaration = make_declaration(clauses=1)
    seoul, bangkok, hanoi = (make_organization("Seoul", "KR"), make_organization("Bangkok", "TH"),
                             make_organization("Hanoi", "VN"))
    invite(declaration, seoul, ParticipantRole.participant)
    invite(declaration, bangkok, ParticipantRole.participant)
    invite(declaration, hanoi, ParticipantRole.observer)
    drafter = make_user(organization=declaration.host)
    circulate(declaration, by=drafter)
    final = propose_final(declaration, by=drafter)
    people = {
        "host drafter": drafter,
        "Seoul's delegate": make_user(role=UserRole.delegate, organization=seoul),
        "Bangkok's delegate": make_user(role=UserRole.delegate, organization=bangkok),
        "Hanoi's delegate": make_user(role=UserRole.delegate, organization=hanoi),
        "administrator": make_user(role=UserRole.administrator),
    }
    signoff.answer(final, people["Seoul's delegate"], Answer.affirmed, True, None, None)
    signoff.adopt(declaration, drafter, without_missing_answers_reason=ADOPTED_IN_SESSION)
    db.session.commit()
    return declaration, people


@pytest.fixture
def delegate_of_another_declaration(make_declaration, make_organization, make_user, circulate):
    """A delegate whose organization takes part in another declaration, never in the adopted one."""
    other = make_declaration(title="Another Declaration", clauses=1)
    organization = make_organization("Manila", "PH")
    invite(other, organization, ParticipantRole.participant)
    circulate(other)
    return make_user(role=UserRole.delegate, organization=organization)


def test_the_archive_lists_only_those_that_affirmed(client, adopted):
    declaration, _ = adopted
    page = client.get(f"/archive/{declaration.id}").get_data(as_text=True)
    assert "Seoul" in page and "Bangkok" not in page


@pytest.mark.parametrize("who", ["a delegate of another declaration", "a drafter of an uninvited organization"])
def test_a_signed_in_stranger_does_not_see_the_final_text_as_proposed(client, login_as, adopted, make_user,
                                                                      delegate_of_another_declaration, who):
    declaration, _ = adopted
    login_as(delegate_of_another_declaration if who == "a delegate of another declaration" else make_user())
    response = client.get(f"/declarations/{declaration.id}/affirmation")
    assert response.status_code == 404
    assert "Bangkok" not in response.get_data(as_text=True)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, adopted):
    declaration, _ = adopted
    response = client.get(f"/declarations/{declaration.id}/affirmation")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("who", ["host drafter", "Seoul's delegate", "Bangkok's delegate", "Hanoi's delegate",
                                 "administrator"])
def test_those_who_took_part_still_read_the_final_text_and_find_the_published_record(client, login_as, adopted, who):
    declaration, people = adopted
    login_as(people[who])
    response = client.get(f"/declarations/{declaration.id}/affirmation")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert signoff.final_version(declaration).fingerprint in page
    assert f'href="/archive/{declaration.id}"' in page


STRANGERS_PAGES = ["", "/preview", "/details", "/comments", "/audit", "/delegates", "/tracker", "/compare",
                   "/versions/1", "/versions/2", "/versions/1.pdf", "/versions/2.pdf", "/affirmation"]


@pytest.mark.parametrize("suffix", STRANGERS_PAGES)
def test_no_page_of_an_adopted_declaration_shows_a_signed_in_stranger_who_did_not_affirm(client, login_as, adopted,
                                                                                      make_user, suffix):
    declaration, _ = adopted
    login_as(make_user())
    response = client.get(f"/declarations/{declaration.id}{suffix}", follow_redirects=True)
    assert response.status_code in (403, 404)
    assert "Bangkok" not in response.get_data(as_text=True)
