"""The administration's pages: who may use them, what they change, and how they refuse bad input."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from drafting.domain.people import accounts, organizations as directory
from drafting.domain.people.accounts import AccountError
from drafting.domain.people.passwords import verify_password
from drafting.extensions import db
from drafting.models import Network, NetworkMembership, Organization, OrganizationKind, User, UserRole
from tests.conftest import PASSWORD


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def errors_at(response, field: str) -> str:
    """Return the text of the error list shown at a form field."""
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', response.get_data(as_text=True), re.S)
    assert found, f"no error at {field}"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.fixture
def administrator(make_user, login_as):
    return login_as(make_user(role=UserRole.administrator, name="Secretariat Admin"))


@pytest.fixture
def tokyo(make_organization):
    return make_organization(name="Tokyo Metropolitan Government", country="JP", local_name="東京都")


@pytest.fixture
def anmc21(tokyo):
    network = directory.create_network("Asian Network of Major Cities 21", "ANMC21")
    directory.add_membership(network, tokyo, date(2001, 10, 1))
    db.session.commit()  # as the factories do, so that the rollback of an error page keeps it
    return network


# Who may use the administration


@pytest.fixture
def rows(tokyo, anmc21, make_user):
    """One row of each kind, for the routes that need an id."""
    return {
        "organization": tokyo.id,
        "network": anmc21.id,
        "membership": anmc21.memberships[0].id,
        "user": make_user(role=UserRole.delegate, organization=tokyo, email="delegate@tokyo.example").id,
    }


ORGANIZATION = {"name": "Seoul Metropolitan Government", "kind": "city", "country": "KR", "local_name": "서울특별시"}
USER = {"name": "Kim Ji-woo", "role": "delegate", "organization": "{organization}", "active": "y"}

ROUTES = [
    # method, address, posted data, where an administrator ends up
    ("GET", "/admin/", None, "/admin/"),
    ("GET", "/admin/organizations", None, "/admin/organizations"),
    ("GET", "/admin/organizations/new", None, "/admin/organizations/new"),
    ("POST", "/admin/organizations/new", ORGANIZATION, "/admin/organizations"),
    ("GET", "/admin/organizations/{organization}/edit", None, "/admin/organizations/{organization}/edit"),
    ("POST", "/admin/organizations/{organization}/edit", ORGANIZATION, "/admin/organizations"),
    ("GET", "/admin/networks", None, "/admin/networks"),
    ("GET", "/admin/networks/new", None, "/admin/networks/new"),
    ("POST", "/admin/networks/new", {"name": "CityNet", "acronym": ""}, None),
    ("GET", "/admin/networks/{network}", None, "/admin/networks/{network}"),
    ("GET", "/admin/networks/{network}/edit", None, "/admin/networks/{network}/edit"),
    ("POST", "/admin/networks/{network}/edit", {"name": "ANMC21", "acronym": ""}, "/admin/networks/{network}"),
    ("POST", "/admin/networks/{network}/memberships",
     {"organization": "{organization}", "joined_on": "1990-01-01", "left_on": "2000-01-01"},
     "/admin/networks/{network}"),
    ("GET", "/admin/memberships/{membership}/end", None, "/admin/memberships/{membership}/end"),
    ("POST", "/admin/memberships/{membership}/end", {"left_on": "2012-04-01"}, "/admin/networks/{network}"),
    ("GET", "/admin/audit", None, "/admin/audit"),
    ("GET", "/admin/users", None, "/admin/users"),
    ("GET", "/admin/users/new", None, "/admin/users/new"),
    ("POST", "/admin/users/new", {**USER, "email": "kim@seoul.example", "password": PASSWORD}, "/admin/users"),
    ("GET", "/admin/users/{user}/edit", None, "/admin/users/{user}/edit"),
    ("POST", "/admin/users/{user}/edit", USER, "/admin/users"),
]


def send(client, rows, method, address, data, **options):
    data = {name: value.format(**rows) for name, value in (data or {}).items()}
    return client.open(address.format(**rows), method=method, data=data, **options)


@pytest.mark.parametrize("method, address, data, landing", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, rows, method, address, data, landing):
    response = send(client, rows, method, address, data)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


@pytest.mark.parametrize("role", [UserRole.delegate, UserRole.drafter], ids=lambda role: role.value)
@pytest.mark.parametrize("method, address, data, landing", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_only_administrators_may_administer(client, rows, make_user, login_as, role, method, address, data, landing):
    login_as(make_user(role=role))
    before = (count(Organization), count(Network), count(NetworkMembership), count(User))
    assert send(client, rows, method, address, data).status_code == 403
    assert (count(Organization), count(Network), count(NetworkMembership), count(User)) == before


@pytest.mark.parametrize("method, address, data, landing", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
def test_an_administrator_may_use_every_page(client, rows, administrator, method, address, data, landing):
    response = send(client, rows, method, address, data, follow_redirects=True)
    assert response.status_code == 200
    if landing is not None:
        assert response.request.path == landing.format(**rows)


def test_changes_need_the_csrf_token(app, client, administrator, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = count(Organization)
    assert client.post("/admin/organizations/new", data=ORGANIZATION).status_code == 400
    assert count(Organization) == before


def test_the_navigation_links_to_the_administration_for_administrators_only(client, administrator, make_user, login_as):
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)
    login_as(make_user(role=UserRole.drafter))
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)


# Organizations


def test_the_organizations_are_listed_with_their_country_by_name(client, administrator, tokyo, make_organization):
    make_organization(name="Bangkok Metropolitan Administration", country="TH")
    page = client.get("/admin/organizations").get_data(as_text=True)
    assert page.index("Bangkok Metropolitan Administration") < page.index("Tokyo Metropolitan Government")
    assert "Thailand" in page and "Japan" in page and "東京都" in page


def test_the_country_is_chosen_from_every_country_by_english_name(client, administrator):
    page = client.get("/admin/organizations/new").get_data(as_text=True)
    assert '<option value="KR">South Korea</option>' in page
    assert page.index(">Åland Islands<") < page.index(">Albania<")
    assert page.count("<option") > 240


def test_an_administrator_adds_an_organization(client, administrator):
    response = client.post("/admin/organizations/new", data=ORGANIZATION)
    assert response.status_code == 302
    seoul = db.session.scalar(select(Organization).where(Organization.name == "Seoul Metropolitan Government"))
    assert (seoul.kind, seoul.country, seoul.local_name) == (OrganizationKind.city, "KR", "서울특별시")
    assert "Seoul Metropolitan Government is added." in client.get(response.location).get_data(as_text=True)


BAD_ORGANIZATIONS = [
    # field, value, message
    ("name", "", "Give the name."),
    ("name", "x" * 201, "At most 200 characters."),
    ("name", "tokyo metropolitan government", "The name Tokyo Metropolitan Government is taken already."),
    ("country", "XX", "XX is not an ISO 3166 country code."),
    ("country", "", "Choose the country."),
    ("kind", "village", "Choose a city, a government or an organization."),
    ("local_name", "x" * 201, "At most 200 characters."),
]


@pytest.mark.parametrize("field, value, message", BAD_ORGANIZATIONS)
def test_a_bad_new_organization_is_refused_at_the_field(client, administrator, tokyo, field, value, message):
    before = count(Organization)
    response = client.post("/admin/organizations/new", data={**ORGANIZATION, field: value})
    assert response.status_code == 422
    assert message in errors_at(response, field)
    assert count(Organization) == before


def test_an_administrator_edits_an_organization(client, administrator, tokyo):
    data = {"name": "Tokyo", "kind": "government", "country": "JP", "local_name": ""}
    assert client.post(f"/admin/organizations/{tokyo.id}/edit", data=data).status_code == 302
    assert (tokyo.name, tokyo.kind, tokyo.local_name) == ("Tokyo", OrganizationKind.government, None)


@pytest.mark.parametrize("field, value, message", BAD_ORGANIZATIONS)
def test_a_bad_edit_of_an_organization_changes_nothing(
    client, administrator, tokyo, make_organization, field, value, message
):
    other = make_organization(name="Other City", country="KR")
    data = {"name": "Other City", "kind": "city", "country": "KR", "local_name": "", field: value}
    response = client.post(f"/admin/organizations/{other.id}/edit", data=data)
    assert response.status_code == 422
    assert message in errors_at(response, field)
    assert (other.name, other.kind, other.country, other.local_name) == (
        "Other City", OrganizationKind.city, "KR", None
    )


def test_an_unknown_organization_is_not_found(client, administrator):
    assert client.get("/admin/organizations/999999/edit").status_code == 404


# Networks


def test_the_networks_are_listed_with_their_members_today(client, administrator, anmc21, make_organization):
    directory.add_membership(anmc21, make_organization(), date(2001, 10, 1), date(2005, 1, 1))
    page = client.get("/admin/networks").get_data(as_text=True)
    assert "Asian Network of Major Cities 21" in page and "ANMC21" in page
    assert re.search(r"<td>1</td>", page)


def test_an_administrator_adds_a_network_and_lands_on_its_page(client, administrator):
    response = client.post("/admin/networks/new", data={"name": "CityNet", "acronym": "CN"})
    network = db.session.scalar(select(Network).where(Network.name == "CityNet"))
    assert response.location == f"/admin/networks/{network.id}"
    assert network.acronym == "CN"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Give the name."),
        ("name", "x" * 201, "At most 200 characters."),
        ("name", "ASIAN NETWORK OF MAJOR CITIES 21", "The name Asian Network of Major Cities 21 is taken already."),
        ("acronym", "x" * 41, "At most 40 characters."),
    ],
)
def test_a_bad_network_is_refused_at_the_field(client, administrator, anmc21, field, value, message):
    other = directory.create_network("CityNet", "CN")
    db.session.commit()
    before = count(Network)
    created = client.post("/admin/networks/new", data={"name": "Urban 20", "acronym": "", field: value})
    assert created.status_code == 422 and message in errors_at(created, field)
    assert count(Network) == before
    edited = client.post(f"/admin/networks/{other.id}/edit", data={"name": "CityNet", "acronym": "CN", field: value})
    assert edited.status_code == 422 and message in errors_at(edited, field)
    assert (other.name, other.acronym) == ("CityNet", "CN")


# Memberships


def test_the_network_page_lists_its_memberships(client, administrator, anmc21, make_organization):
    directory.add_membership(anmc21, make_organization(name="Kuala Lumpur City Hall", country="MY"),
                             date(2001, 10, 1), date(2008, 4, 1))
    page = client.get(f"/admin/networks/{anmc21.id}").get_data(as_text=True)
    assert "Tokyo Metropolitan Government (Japan)" in page
    assert "Kuala Lumpur City Hall (Malaysia)" in page
    assert "October 1, 2001" in page and "April 1, 2008" in page
    assert page.count("End…") == 1


def test_an_administrator_adds_a_membership(client, administrator, anmc21, make_organization):
    seoul = make_organization(name="Seoul", country="KR")
    response = client.post(f"/admin/networks/{anmc21.id}/memberships",
                           data={"organization": seoul.id, "joined_on": "2002-05-01", "left_on": ""})
    assert response.status_code == 302
    assert anmc21.members_on(date(2003, 1, 1)) == [seoul, anmc21.memberships[0].organization]
    assert "Seoul is a member of Asian Network of Major Cities 21 from May 1, 2002." in (
        client.get(response.location).get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"joined_on": "2001-10-01", "left_on": "2001-09-30"}, "left_on",
         "The day it left must come after the day it joined."),
        ({"joined_on": "1999-01-01", "left_on": "2002-01-01"}, "organization",
         "Tokyo Metropolitan Government is a member over part of that period already (since October 1, 2001)."),
        ({"joined_on": "2020-01-01"}, "organization", "is a member over part of that period already"),
        ({"joined_on": ""}, "joined_on", "Give the day it joined."),
        ({"joined_on": "October 2001"}, "joined_on", "Not a valid date value."),
        ({"organization": "0"}, "organization", "Choose an organization."),
        ({"organization": "999999"}, "organization", "Choose an organization from the list."),
    ],
)
def test_a_bad_membership_is_refused_at_the_field(client, administrator, anmc21, tokyo, data, field, message):
    posted = {"organization": str(tokyo.id), "joined_on": "2001-10-01", "left_on": "", **data}
    response = client.post(f"/admin/networks/{anmc21.id}/memberships", data=posted)
    assert response.status_code == 422
    assert message in errors_at(response, field)
    assert "Asian Network of Major Cities 21" in response.get_data(as_text=True)
    assert len(anmc21.memberships) == 1 and count(NetworkMembership) == 1


def test_leaving_on_the_day_of_joining_is_refused(client, administrator, anmc21, make_organization):
    seoul = make_organization(name="Seoul", country="KR")
    response = client.post(f"/admin/networks/{anmc21.id}/memberships",
                           data={"organization": seoul.id, "joined_on": "2001-10-01", "left_on": "2001-10-01"})
    assert response.status_code == 422
    assert "The day it left must come after the day it joined." in errors_at(response, "left_on")
    assert count(NetworkMembership) == 1


def test_an_administrator_ends_a_membership(client, administrator, anmc21):
    membership = anmc21.memberships[0]
    page = client.get(f"/admin/memberships/{membership.id}/end").get_data(as_text=True)
    assert "Tokyo Metropolitan Government joined Asian Network of Major Cities 21 on October 1, 2001." in page
    response = client.post(f"/admin/memberships/{membership.id}/end", data={"left_on": "2012-04-01"})
    assert response.location == f"/admin/networks/{anmc21.id}"
    assert membership.left_on == date(2012, 4, 1)
    assert anmc21.members_on(date(2012, 4, 1)) == []


@pytest.mark.parametrize(
    "left_on, message",
    [
        ("2001-09-30", "The day it left must come after the day it joined."),
        ("", "Give the day it left."),
    ],
)
def test_a_bad_end_of_a_membership_is_refused_at_the_field(client, administrator, anmc21, left_on, message):
    membership = anmc21.memberships[0]
    response = client.post(f"/admin/memberships/{membership.id}/end", data={"left_on": left_on})
    assert response.status_code == 422
    assert message in errors_at(response, "left_on")
    assert membership.left_on is None


def test_an_ended_membership_cannot_be_ended_again(client, administrator, anmc21):
    membership = anmc21.memberships[0]
    directory.end_membership(membership, date(2005, 1, 1))
    db.session.commit()
    response = client.post(f"/admin/memberships/{membership.id}/end", data={"left_on": "2012-04-01"})
    assert response.status_code == 422
    assert "This membership has ended already, on January 1, 2005." in errors_at(response, "left_on")
    assert membership.left_on == date(2005, 1, 1)


# Accounts


def test_the_accounts_are_listed_by_name(client, administrator, tokyo, make_user):
    make_user(role=UserRole.delegate, organization=tokyo, email="aiko@tokyo.example", name="Aiko Tanaka")
    page = client.get("/admin/users").get_data(as_text=True)
    assert page.index("aiko@tokyo.example") < page.index(administrator.email)
    for text in ("aiko@tokyo.example", "delegate", "Tokyo Metropolitan Government", "administrator"):
        assert text in page


def test_an_administrator_opens_an_account(client, administrator, tokyo):
    data = {"email": "Aiko.Tanaka@Tokyo.example", "name": "Aiko Tanaka", "role": "drafter",
            "organization": tokyo.id, "password": PASSWORD}
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = accounts.find_user("aiko.tanaka@tokyo.example")
    assert (user.email, user.name, user.role, user.organization) == (
        "aiko.tanaka@tokyo.example", "Aiko Tanaka", UserRole.drafter, tokyo
    )
    assert verify_password(user.password_hash, PASSWORD)


def test_an_administrator_needs_no_organization(client, administrator):
    data = {"email": "second@secretariat.example", "name": "Second Admin", "role": "administrator",
            "organization": "0", "password": PASSWORD}
    assert client.post("/admin/users/new", data=data).status_code == 302
    assert accounts.find_user("second@secretariat.example").organization is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "DELEGATE@Tokyo.Example", "An account with the address delegate@tokyo.example exists already."),
        ("email", "not an address", "An email address must have an @-sign."),
        ("name", "", "Give the person's name."),
        ("name", "x" * 201, "Field cannot be longer than 200 characters."),
        ("organization", "0", "Drafters and delegates act for an organization."),
        ("organization", "999999", "Choose an organization from the list."),
        ("role", "superuser", "Choose one of the roles."),
        ("password", "short", "A password has 10 to 200 characters."),
    ],
)
def test_a_bad_new_account_is_refused_at_the_field(client, administrator, tokyo, make_user, field, value, message):
    make_user(role=UserRole.delegate, organization=tokyo, email="delegate@tokyo.example")
    before = count(User)
    data = {"email": "aiko@tokyo.example", "name": "Aiko Tanaka", "role": "delegate",
            "organization": tokyo.id, "password": PASSWORD, field: value}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert message in errors_at(response, field)
    assert count(User) == before


@pytest.fixture
def delegate(make_user, tokyo):
    return make_user(role=UserRole.delegate, organization=tokyo, email="aiko@tokyo.example", name="Aiko Tanaka")


def test_an_administrator_edits_and_deactivates_an_account_keeping_its_password(
    client, administrator, delegate, make_organization
):
    seoul = make_organization(name="Seoul", country="KR")
    old_hash = delegate.password_hash
    data = {"name": "Aiko Kim", "role": "drafter", "organization": seoul.id, "password": ""}
    assert client.post(f"/admin/users/{delegate.id}/edit", data=data).status_code == 302
    assert (delegate.name, delegate.role, delegate.organization, delegate.active) == (
        "Aiko Kim", UserRole.drafter, seoul, False
    )
    assert delegate.password_hash == old_hash


def test_an_administrator_sets_a_new_password(client, administrator, delegate):
    data = {"name": "Aiko Tanaka", "role": "delegate", "organization": delegate.organization_id, "active": "y",
            "password": "a brand new passphrase"}
    assert client.post(f"/admin/users/{delegate.id}/edit", data=data).status_code == 302
    assert accounts.authenticate("aiko@tokyo.example", "a brand new passphrase") == delegate


def test_the_edit_page_shows_the_account_as_stored(client, administrator, delegate):
    page = client.get(f"/admin/users/{delegate.id}/edit").get_data(as_text=True)
    assert "aiko@tokyo.example" in page
    assert f'<option selected value="{delegate.organization_id}">' in page
    assert '<option selected value="delegate">' in page
    assert 'checked id="active"' in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", " ", "Give the person's name."),
        ("name", "x" * 201, "Field cannot be longer than 200 characters."),
        ("organization", "0", "Drafters and delegates act for an organization."),
        ("password", "short", "A password has 10 to 200 characters."),
    ],
)
def test_a_bad_edit_of_an_account_changes_nothing(client, administrator, delegate, field, value, message):
    old_hash = delegate.password_hash
    data = {"name": "Aiko Kim", "role": "drafter", "organization": delegate.organization_id, "password": "",
            field: value}
    response = client.post(f"/admin/users/{delegate.id}/edit", data=data)
    assert response.status_code == 422
    assert message in errors_at(response, field)
    assert (delegate.name, delegate.role, delegate.active, delegate.password_hash) == (
        "Aiko Tanaka", UserRole.delegate, True, old_hash
    )


@pytest.mark.parametrize(
    "data, field",
    [({"role": "drafter", "active": "y"}, "role"), ({"role": "administrator"}, "active")],
    ids=["demoted", "deactivated"],
)
def test_the_last_administrator_stays(client, administrator, tokyo, data, field):
    response = client.post(f"/admin/users/{administrator.id}/edit",
                           data={"name": "Secretariat Admin", "organization": tokyo.id, **data})
    assert response.status_code == 422
    assert "This is the last active administrator; make another one first." in errors_at(response, field)
    assert (administrator.role, administrator.active) == (UserRole.administrator, True)


def test_an_administrator_who_sets_their_own_password_stays_signed_in_under_a_new_session(
    app, client, administrator, tokyo, make_user
):
    elsewhere = app.test_client()  # the same administrator on another computer
    assert elsewhere.post("/login", data={"email": administrator.email, "password": PASSWORD}).status_code == 302
    old_cookie = client.get_cookie("session").value
    response = client.post(f"/admin/users/{administrator.id}/edit", data={
        "name": "Secretariat Admin", "role": "administrator", "organization": tokyo.id, "active": "y",
        "password": "a brand new passphrase",
    })
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200
    # Every other session ended, and so did this browser's old one: a copy of its cookie is worth nothing.
    assert elsewhere.get("/admin/users").status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("session", old_cookie)
    assert stolen.get("/admin/users").status_code == 302
    # Setting somebody else's password leaves this browser signed in as the administrator, not as them.
    delegate = make_user(role=UserRole.delegate, organization=tokyo)
    response = client.post(f"/admin/users/{delegate.id}/edit", data={
        "name": delegate.name, "role": "delegate", "organization": tokyo.id, "active": "y",
        "password": "another new passphrase",
    })
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200


# Account rules, without a request


def test_update_user_changes_every_field(make_user, make_organization):
    user = make_user(role=UserRole.delegate)
    seoul = make_organization(name="Seoul", country="KR")
    accounts.update_user(user, "  Kim Ji-woo ", UserRole.drafter, seoul, False, "a brand new passphrase")
    db.session.expire(user)
    assert (user.name, user.role, user.organization, user.active) == ("Kim Ji-woo", UserRole.drafter, seoul, False)
    assert verify_password(user.password_hash, "a brand new passphrase")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"organization": None}, "organization"),
        ({"password": "short"}, "password"),
    ],
)
def test_update_user_refuses_bad_input_and_changes_nothing(make_user, changes, field):
    user = make_user(role=UserRole.delegate, name="Aiko Tanaka")
    organization, old_hash = user.organization, user.password_hash
    values = {"name": "Kim", "role": UserRole.drafter, "organization": organization, "active": False, **changes}
    with pytest.raises(AccountError) as caught:
        accounts.update_user(user, **values)
    assert caught.value.field == field
    assert (user.name, user.role, user.organization, user.active, user.password_hash) == (
        "Aiko Tanaka", UserRole.delegate, organization, True, old_hash
    )


def test_an_administrator_may_step_down_once_another_is_active(make_user):
    first = make_user(role=UserRole.administrator)
    with pytest.raises(AccountError):
        accounts.update_user(first, first.name, UserRole.administrator, None, False)
    second = make_user(role=UserRole.administrator)
    accounts.update_user(second, second.name, UserRole.administrator, None, False)
    with pytest.raises(AccountError):
        accounts.update_user(first, first.name, UserRole.administrator, None, False)
    accounts.update_user(second, second.name, UserRole.administrator, None, True)
    accounts.update_user(first, first.name, UserRole.administrator, None, False)
    assert (first.active, second.active) == (False, True)
