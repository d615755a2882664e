"""Flask commands: `flask --app drafting user create`, `library load`, `demo`, `audit verify`."""

import click
from flask import Flask
from sqlalchemy import select

from drafting.accounts import AccountError, create_user
from drafting.extensions import db
from drafting.models import Organization, UserRole


def register_commands(app: Flask) -> None:
    """Attach the application's commands to the Flask CLI."""
    app.cli.add_command(user)
    app.cli.add_command(library)
    app.cli.add_command(demo)
    app.cli.add_command(audit_group)


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@click.option("--email", required=True, help="Sign-in address (case-insensitive).")
@click.option("--name", required=True, help="The person's name.")
@click.option("--organization", "organization_name", help="Name of the organization the user acts for.")
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--admin", is_flag=True, help="Make an administrator of the secretariat.")
@click.option(
    "--role", type=click.Choice(["drafter", "delegate"]), default="drafter", show_default=True,
    help="Role of a user who is not an administrator.",
)
def create_user_command(email, name, organization_name, password, admin, role) -> None:
    """Create a user account."""
    organization = None
    if organization_name:
        organization = db.session.scalar(select(Organization).where(Organization.name == organization_name))
        if organization is None:
            raise click.BadParameter(f"no organization is named {organization_name!r}", param_hint="--organization")
    try:
        account = create_user(email, name, password, UserRole.administrator if admin else UserRole(role), organization)
    except AccountError as error:
        raise click.BadParameter(str(error), param_hint=f"--{error.field}") from None
    db.session.commit()
    click.echo(f"Created {account.role.value} {account.email}.")


@click.group()
def library() -> None:
    """Manage the clause-template library."""


@library.command("load")
def load_library_command() -> None:
    """Add the starter clause templates that are not in the library yet."""
    from drafting.library.starter import load_starter_library

    added = load_starter_library()
    db.session.commit()
    click.echo(f"Added {added} starter templates.")


@click.command()
def demo() -> None:
    """Load the demonstration data (safe to run again) and print its logins."""
    from drafting.demo import load_demo

    logins = load_demo()
    db.session.commit()
    click.echo("Demonstration logins:")
    for login in logins:
        click.echo(f"  {login.email}  password: {login.password}  role: {login.role}")


@click.group("audit")
def audit_group() -> None:
    """Check the audit trail."""


@audit_group.command("verify")
def verify_audit_command() -> None:
    """Check the audit chain from its first event; name the first broken one and exit 1 if any."""
    from drafting import audit

    check = audit.verify()
    if check.intact:
        click.echo(f"The audit chain is intact: {check.events} events.")
        return
    event = check.first_broken
    click.echo(
        f"The audit chain is broken at event {event.id} ({event.action}, {event.created_at:%Y-%m-%d %H:%M:%S}): "
        f"{check.reason}.",
        err=True,
    )
    raise SystemExit(1)
