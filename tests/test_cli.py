"""`flask --app drafting user create`: accounts from the command line, with the same checks as the forms."""

from drafting.domain.people.accounts import authenticate, find_user
from drafting.models import UserRole


def invoke(runner, *arguments):
    return runner.invoke(args=["user", "create", *arguments])


def test_an_administrator_and_a_drafter_are_created(runner, make_organization):
    make_organization("Tokyo", "JP")
    made = invoke(runner, "--email", "Secretariat@ANMC21.example.org", "--name", "Mariko Ishida",
                  "--password", "a long passphrase", "--admin")
    assert made.exit_code == 0 and "Created administrator secretariat@anmc21.example.org." in made.output
    drafter = invoke(runner, "--email", "haruka@tokyo.example.org", "--name", "Haruka Ito",
                     "--organization", "Tokyo", "--password", "a long passphrase")
    assert drafter.exit_code == 0
    user = find_user("haruka@tokyo.example.org")
    assert user.role is UserRole.drafter and user.organization.name == "Tokyo"
    assert authenticate("HARUKA@tokyo.example.org", "a long passphrase") == user


def test_bad_input_is_refused_with_a_message_and_nothing_is_created(runner, make_organization, make_user):
    make_organization("Tokyo", "JP")
    make_user(email="taken@example.org")
    cases = [
        (["--email", "Taken@Example.org", "--name", "X", "--organization", "Tokyo", "--password", "a long passphrase"],
         "exists already"),
        (["--email", "new@example.org", "--name", "X", "--organization", "Atlantis", "--password", "a long passphrase"],
         "no organization is named 'Atlantis'"),
        (["--email", "new@example.org", "--name", "X", "--organization", "Tokyo", "--password", "short"],
         "10 to 200 characters"),
        (["--email", "not an address", "--name", "X", "--organization", "Tokyo", "--password", "a long passphrase"],
         "--email"),
        (["--email", "new@example.org", "--name", "X", "--password", "a long passphrase"],
         "Drafters and delegates act for an organization."),
        (["--email", "new@example.org", "--name", "Evil\nName", "--organization", "Tokyo",
          "--password", "a long passphrase"],
         "Write this on one line: it holds a line break (U+000A LINE FEED)."),
        (["--email", "new@example.org", "--name", "Ze" + "\u0301" * 40, "--organization", "Tokyo",
          "--password", "a long passphrase"],
         "One letter here carries 40 combining marks"),
        (["--email", "new@example.org\x00", "--name", "X", "--organization", "Tokyo", "--password", "a long passphrase"],
         "NUL character"),
    ]
    for arguments, message in cases:
        result = invoke(runner, *arguments)
        assert result.exit_code != 0 and message in result.output, result.output
    assert find_user("new@example.org") is None
