"""Flask commands: `user create`, `library load`, `demo`, `audit verify`, `audit seal`, `backup`, `restore`,
`declaration export`, `declaration import`, `mail send`, `mail list`, `notifications send-digest`,
`silence close` and `signing make-key`."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from drafting.domain.clock import utcnow
from drafting.domain.people import mandates
from drafting.domain.people.accounts import AccountError, create_user
from drafting.domain.text import characters
from drafting.extensions import db
from drafting.models import Organization, UserRole


def register_commands(app: Flask) -> None:
    """Attach the application's commands to the Flask CLI."""
    app.cli.add_command(user)
    app.cli.add_command(library)
    app.cli.add_command(demo)
    app.cli.add_command(audit_group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(declaration_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(notifications_group)
    app.cli.add_command(silence_group)
    app.cli.add_command(signing_group)


def _single_line(context, parameter, value: str | None) -> str | None:
    """Refuse an option's value that holds a line break, a control character or a heap of marks, as a form's field does."""
    character = None if value is None else characters.refused_character(value)
    if character is not None:
        raise click.BadParameter(characters.field_message(character))
    # A password is never drawn, as in the forms.
    marks = 0 if value is None or parameter.name == "password" else characters.stacked_marks(value)
    if marks:
        raise click.BadParameter(characters.marks_message(marks))
    return value


@click.group()
def user() -> None:
    """Manage user accounts."""


@user.command("create")
@with_appcontext
@click.option("--email", required=True, callback=_single_line, help="Sign-in address (case-insensitive).")
@click.option("--name", required=True, callback=_single_line, help="The person's name.")
@click.option(
    "--organization", "organization_name", callback=_single_line, help="Name of the organization the user acts for."
)
@click.option("--password", required=True, callback=_single_line, help="At least 10 characters.")
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
    if account.is_delegate and organization is not None:
        mandates.mandate_from_the_operator(account, utcnow())
    db.session.commit()
    click.echo(f"Created {account.role.value} {account.email}.")


@click.group()
def library() -> None:
    """Manage the clause-template library."""


@library.command("load")
@with_appcontext
def load_library_command() -> None:
    """Add the starter clause templates that are not in the library yet."""
    from drafting.domain.starter_library import load_starter_library

    added = load_starter_library()
    db.session.commit()
    click.echo(f"Added {added} starter templates.")


@click.command()
@with_appcontext
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
@with_appcontext
def verify_audit_command() -> None:
    """Check the audit chain, its sealed head and the heads adopted records printed; say what is broken and exit 1 if any."""
    from drafting.domain import audit

    check = audit.verify()
    if check.intact:
        click.echo(f"The audit chain is intact: {check.events} events.")
        return
    click.echo(f"The audit chain is {check.problem}.", err=True)
    raise SystemExit(1)


@audit_group.command("seal")
@click.option("--previous-key", envvar="PREVIOUS_AUDIT_KEY", prompt="The previous AUDIT_KEY", hide_input=True,
              help="The AUDIT_KEY the head was sealed with (asked for if not given, or read from PREVIOUS_AUDIT_KEY).")
@with_appcontext
def seal_audit_command(previous_key: str) -> None:
    """Seal the audit chain's head with the present AUDIT_KEY after a change of key, if all else about the chain holds."""
    from drafting.domain import audit

    check = audit.reseal(previous_key)
    if not check.intact:
        click.echo(f"Nothing sealed: the audit chain is {check.problem}.", err=True)
        raise SystemExit(1)
    db.session.commit()
    click.echo(f"The audit chain's head is sealed with the present AUDIT_KEY: {check.events} events.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Copy the SQLite database into FILE while the application runs."""
    from drafting.backup import BackupError, backup

    try:
        backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up into {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Replace the SQLite database with the backup FILE, if its audit chain is intact."""
    from drafting.backup import BackupError, restore

    try:
        check = restore(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {file}; the audit chain is intact ({check.events} events).")


@click.group("declaration")
def declaration_group() -> None:
    """Export declarations as JSON documents, and import them into the archive."""


@declaration_group.command("export")
@click.argument("declaration_id", metavar="ID", type=int)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write into this file instead of the standard output."
)
@with_appcontext
def export_declaration_command(declaration_id: int, output: Path | None) -> None:
    """Write the declaration ID, its text and its record as one JSON document."""
    from drafting.domain.interchange import export_text
    from drafting.models import Declaration

    declaration = db.session.get(Declaration, declaration_id)
    if declaration is None:
        raise click.BadParameter(f"there is no declaration {declaration_id}", param_hint="ID")
    text = export_text(declaration)
    if output is None:
        # As bytes, so UTF-8 whatever the terminal's encoding: the format says so.
        click.echo(text.encode("utf-8"), nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Exported “{declaration.title}” (declaration {declaration.id}) into {output}.")


@declaration_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_declaration_command(file: Path) -> None:
    """Import the declaration of a JSON document FILE, whole or not at all."""
    from drafting.domain.interchange import ImportProblem, import_declaration, load

    try:
        imported = import_declaration(load(file.read_bytes()))
    except ImportProblem as problem:
        click.echo(f"Nothing imported: {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    declaration = imported.declaration
    created = ", ".join(imported.created_organizations) or "none"
    click.echo(
        f"Imported “{declaration.title}” as declaration {declaration.id}: {len(declaration.clauses)} clauses, "
        f"{len(declaration.participants)} participants, {len(declaration.versions)} versions, "
        f"{imported.affirmations} affirmations; created organizations: {created}."
    )


@click.group("mail")
def mail_group() -> None:
    """Send the e-mails of the outbox, and list those not sent."""


@mail_group.command("send")
@with_appcontext
def send_mail_command() -> None:
    """Send the waiting e-mails that are due, retrying those that failed before; run it every few minutes."""
    from drafting.rendering import outbox

    outcomes = outbox.send_waiting()
    click.echo(f"Sent {outcomes['sent']}; {outcomes['retry']} to try again later; "
               f"{outcomes['failed']} failed for good.")


@mail_group.command("list")
@with_appcontext
def list_mail_command() -> None:
    """List the e-mails not sent yet, waiting or failed for good, with the last error; exit 1 if any failed."""
    from drafting.rendering import outbox

    messages = outbox.undelivered()
    for message in messages:
        click.echo(
            f"{message.id}\t{message.status}\t{message.attempts} attempts\t{message.created_at:%Y-%m-%d %H:%M}"
            f"\t{message.recipient}\t{message.subject}\t{message.last_error or ''}"
        )
    if not messages:
        click.echo("Every e-mail is sent.")
    if any(message.status == "failed" for message in messages):
        raise SystemExit(1)


@click.group("notifications")
def notifications_group() -> None:
    """Tell the host drafters of the comments, amendments and replies made on their declarations."""


@notifications_group.command("send-digest")
@with_appcontext
def send_digest_command() -> None:
    """Send each host drafter who chose a daily digest what arrived since their last one; run it once a day."""
    from flask import current_app

    from drafting.rendering import host_digests, outbox

    if not current_app.config.get("SERVER_NAME"):
        raise click.UsageError("Set SERVER_NAME, the site's public host name: the digest links to its desks of comments.")
    queued = host_digests.send_digests(utcnow())
    outcomes = outbox.send_waiting()
    click.echo(f"Digests queued: {queued}. E-mails sent: {outcomes['sent']}; to try again later (mail send): "
               f"{outcomes['retry']}; failed for good: {outcomes['failed']}.")


@click.group("silence")
def silence_group() -> None:
    """Close the silence procedures whose end has come."""


@silence_group.command("close")
@with_appcontext
def close_silences_command() -> None:
    """Propose as the final text each draft whose silence ended unbroken; run it every few minutes."""
    from flask import current_app

    from drafting.domain import circulation, silence
    from drafting.domain.text import wording
    from drafting.rendering import notifications, outbox

    if not current_app.config.get("SERVER_NAME"):
        raise click.UsageError("Set SERVER_NAME, the site's public host name: the e-mails link to the final texts.")
    closed = silence.close_due(utcnow())
    for ended in closed:
        declaration = ended.final_version.declaration
        notifications.notify(
            circulation.delegates(declaration),
            wording.gettext(declaration.language, "{title}: the final text, for your answer", title=declaration.title),
            "final_proposed", reply_to=ended.started_by,
            declaration=declaration, version=ended.final_version,
        )
    db.session.commit()
    outcomes = outbox.send_waiting()
    click.echo(f"Silences ended without objection: {len(closed)}. E-mails sent: {outcomes['sent']}; "
               f"to try again later (mail send): {outcomes['retry']}; failed for good: {outcomes['failed']}.")


@click.group("signing")
def signing_group() -> None:
    """The key that signs adopted PDFs."""


@signing_group.command("make-key")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="The certificate's common name, which readers show as the signer "
                             "(default: \"drafting at SERVER_NAME\").")
@click.option("--years", type=click.IntRange(1, 30), default=5, show_default=True, help="How long the certificate is valid.")
@with_appcontext
def make_signing_key_command(file: Path, name: str | None, years: int) -> None:
    """Write a new key and its self-signed certificate into FILE (PKCS#12, encrypted with SIGNING_KEY_PASSWORD)."""
    from flask import current_app

    from drafting.rendering.signing_keys import make_self_signed

    password = current_app.config["SIGNING_KEY_PASSWORD"]
    if not password:
        raise click.ClickException("Set SIGNING_KEY_PASSWORD first: the file is encrypted with it.")
    name = name or f"drafting at {current_app.config['SERVER_NAME'] or 'localhost'}"
    try:
        make_self_signed(file, name, password, years)
    except FileExistsError:
        raise click.ClickException(f"{file} exists: a key that signed PDFs is never replaced by accident.") from None
    click.echo(f"Wrote a key and a self-signed certificate for \"{name}\", valid {years} years, into {file}.")
