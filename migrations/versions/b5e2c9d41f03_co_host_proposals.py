"""co-host proposals: an organization named co-host accepts or declines

participants.co_host_status says where a proposal to co-host stands (proposed, accepted,
declined; NULL for an organization never named co-host). Until its own people accept, the
organization keeps its other role (observer when it was invited as co-host) and no host's right.

Today's co-hosts were named by a host alone; what becomes of them depends on their declaration:
- adopted or withdrawn: accepted. Their record is published (or closed) and frozen; rewriting
  who co-hosted it would change a record that must stay as it was.
- in affirmation: accepted, because the final text, frozen, names them in its closing formula and
  only a reopening can change it. But the affirmation that proposing the final text recorded for
  them, in the name of another organization's drafter, is voided: only their own people answer
  for them now. A host that wants them out of the text reopens the declaration.
- in drafting or consultation: proposed, and meanwhile observers. Nobody of theirs ever
  consented, and while the text can still change nothing is lost by asking them: their drafters
  find the proposal on their home page. A closing formula that still reads as the default one
  naming them names the host alone now (and names them again once they accept); a formula the
  drafters wrote themselves is left as they wrote it.

Downgrading forgets the proposals: accepted co-hosts stay co-hosts, the others keep their role.

Revision ID: b5e2c9d41f03
Revises: d5f2a7c81e46
Create Date: 2026-12-03 10:40:00.000000

"""
from collections import namedtuple
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5e2c9d41f03'
down_revision = 'd5f2a7c81e46'
branch_labels = None
depends_on = None

VOID_REASON = (
    "Recorded for this co-host by another organization's drafter when the final text was proposed; "
    "only the co-host's own people answer for it."
)

# The co-hosts: participants with the role host that are not their declaration's own host.
CO_HOSTS = (
    "participants.role = 'host' AND participants.organization_id <> "
    "(SELECT declarations.host_id FROM declarations WHERE declarations.id = participants.declaration_id)"
)


def _in_states(*states: str) -> str:
    listed = ", ".join(f"'{state}'" for state in states)
    return (
        "participants.declaration_id IN "
        f"(SELECT declarations.id FROM declarations WHERE declarations.state IN ({listed}))"
    )


declarations = sa.table(
    'declarations', sa.column('id', sa.Integer), sa.column('host_id', sa.Integer), sa.column('state', sa.String),
    sa.column('ends_on', sa.Date), sa.column('closing_formula', sa.Text), sa.column('lock_version', sa.Integer),
)
organizations = sa.table(
    'organizations', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('country', sa.String),
)
participants = sa.table(
    'participants', sa.column('id', sa.Integer), sa.column('declaration_id', sa.Integer),
    sa.column('organization_id', sa.Integer), sa.column('role', sa.String),
)
Named = namedtuple('Named', 'name country_name')


def default_closing_formula(hosts: list[Named], adopted_on) -> str:
    """Write the default closing formula as the application wrote it at this revision: in English."""
    from drafting.domain.text import phrasing

    if len(hosts) == 1:
        proposers = f"{hosts[0].name}, {hosts[0].country_name}"
    else:
        proposers = phrasing.join_names([f"{host.name} ({host.country_name})" for host in hosts])
    return (
        f"This declaration is hereby proposed by {proposers} on "
        f"{phrasing.format_date(adopted_on)}, and affirmed by the participating cities and organizations."
    )


def _host_alone_in_default_formulas(connection) -> None:
    """Name the host alone in the default closing formulas of open declarations that named co-hosts too."""
    from drafting.models.organizations import country_name

    def named(organization_id: int) -> Named:
        row = connection.execute(
            sa.select(organizations.c.name, organizations.c.country).where(organizations.c.id == organization_id)
        ).one()
        return Named(row.name, country_name(row.country))

    open_declarations = connection.execute(
        sa.select(declarations).where(declarations.c.state.in_(['drafting', 'consultation']))
    ).all()
    for declaration in open_declarations:
        co_hosts = connection.execute(
            sa.select(participants.c.organization_id).where(
                participants.c.declaration_id == declaration.id, participants.c.role == 'host',
                participants.c.organization_id != declaration.host_id,
            ).order_by(participants.c.id)
        ).scalars().all()
        if not co_hosts:
            continue
        host = named(declaration.host_id)
        hosts = [host, *(named(organization_id) for organization_id in co_hosts)]
        if declaration.closing_formula == default_closing_formula(hosts, declaration.ends_on):
            connection.execute(declarations.update().where(declarations.c.id == declaration.id).values(
                closing_formula=default_closing_formula([host], declaration.ends_on),
                lock_version=declaration.lock_version + 1,
            ))


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'co_host_status',
            sa.Enum('proposed', 'accepted', 'declined', name='cohoststatus', native_enum=False, length=20),
            nullable=True,
        ))
    op.execute(
        f"UPDATE participants SET co_host_status = 'accepted' WHERE {CO_HOSTS} "
        f"AND {_in_states('adopted', 'withdrawn', 'affirmation')}"
    )
    op.execute(
        sa.text(
            "UPDATE affirmations SET live = NULL, voided_at = :now, void_reason = :reason "
            "WHERE live IS NOT NULL AND EXISTS (SELECT 1 FROM participants JOIN declarations "
            "ON declarations.id = participants.declaration_id "
            "WHERE participants.declaration_id = affirmations.declaration_id "
            "AND participants.organization_id = affirmations.organization_id "
            "AND participants.co_host_status = 'accepted' AND declarations.state = 'affirmation') "
            "AND COALESCE((SELECT users.organization_id FROM users WHERE users.id = affirmations.delegate_id), 0) "
            "<> affirmations.organization_id"
        ).bindparams(now=datetime.now(timezone.utc), reason=VOID_REASON)
    )
    _host_alone_in_default_formulas(op.get_bind())
    op.execute(
        f"UPDATE participants SET co_host_status = 'proposed', role = 'observer' WHERE {CO_HOSTS} "
        f"AND {_in_states('drafting', 'consultation')}"
    )


def downgrade():
    op.execute("UPDATE participants SET role = 'host' WHERE co_host_status = 'accepted'")
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('co_host_status')
