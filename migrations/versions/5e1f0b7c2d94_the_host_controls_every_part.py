"""the host controls every part of the document

The header, the opening paragraph, the date line, the closing formula and the list's heading are
each the host's own text, or NULL while they are the default written from the declaration's
details. The closing formula was always stored: one that still reads as the default the
application wrote (naming the host and co-hosts, dated on the meeting's last day) becomes NULL,
and so keeps following the hosts and dates; one the drafters wrote stays theirs. Where the date line
stands, whether the hosts are listed, and the order of the countries are NULL for the layout's defaults,
except that a declaration already circulated in the listed layout goes on listing its hosts, as its
circulated text did.

Revision ID: 5e1f0b7c2d94
Revises: b5e2c9d41f03
Create Date: 2026-12-03 10:40:00.000000

"""
from datetime import date

from alembic import op
import pycountry
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0b7c2d94'
down_revision = 'b5e2c9d41f03'
branch_labels = None
depends_on = None

LENGTHS = {'header': 200, 'opening': 4000, 'date_line': 300, 'list_heading': 300}


def _country_name(code):
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, 'common_name', None) or country.name


def _default_formulas(connection):
    """The default closing formula of each declaration, in the words the application wrote until this revision."""
    organizations = {row.id: (row.name, _country_name(row.country)) for row in connection.execute(
        sa.text('SELECT id, name, country FROM organizations'))}
    co_hosts = {}
    for row in connection.execute(sa.text(
            "SELECT p.declaration_id, p.organization_id FROM participants p JOIN declarations d ON d.id = p.declaration_id "
            "WHERE p.role = 'host' AND p.organization_id <> d.host_id ORDER BY p.id")):
        co_hosts.setdefault(row.declaration_id, []).append(organizations[row.organization_id])
    formulas = {}
    for row in connection.execute(sa.text('SELECT id, host_id, ends_on, closing_formula FROM declarations')):
        hosts = [organizations[row.host_id], *co_hosts.get(row.id, [])]
        if len(hosts) == 1:
            proposers = f'{hosts[0][0]}, {hosts[0][1]}'
        else:
            names = [f'{name} ({country})' for name, country in hosts]
            proposers = ' and '.join(names) if len(names) == 2 else ', '.join(names[:-1]) + ', and ' + names[-1]
        # SQLite answers a raw query's date as its text.
        ends_on = date.fromisoformat(row.ends_on) if isinstance(row.ends_on, str) else row.ends_on
        dated = f'{ends_on:%B} {ends_on.day}, {ends_on.year}'
        formulas[row.id] = (row.closing_formula, (
            f'This declaration is hereby proposed by {proposers} on {dated}, '
            'and affirmed by the participating cities and organizations.'))
    return formulas


def upgrade():
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        for column, length in LENGTHS.items():
            kind = sa.Text() if column == 'opening' else sa.String(length=length)
            batch_op.add_column(sa.Column(column, kind, nullable=True))
            batch_op.create_check_constraint(
                batch_op.f(f'ck_declarations_{column}_length'), f'length({column}) BETWEEN 0 AND {length}')
        batch_op.add_column(sa.Column('date_position', sa.Enum(
            'title', 'end', 'both', 'none', name='dateposition', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('hosts_listed', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('country_order', sa.JSON(), nullable=True))
        batch_op.alter_column('closing_formula', existing_type=sa.Text(), nullable=True)
    connection = op.get_bind()
    # A declaration circulated already listed its hosts with the participants: it goes on listing them.
    connection.execute(sa.text(
        "UPDATE declarations SET hosts_listed = :listed WHERE layout = 'listed_by_country' AND state <> 'drafting'"),
        {'listed': True})
    for declaration_id, (stored, default) in _default_formulas(connection).items():
        if stored == default:
            connection.execute(sa.text('UPDATE declarations SET closing_formula = NULL WHERE id = :id'),
                               {'id': declaration_id})


def downgrade():
    connection = op.get_bind()
    for declaration_id, (stored, default) in _default_formulas(connection).items():
        if stored is None:
            connection.execute(sa.text('UPDATE declarations SET closing_formula = :formula WHERE id = :id'),
                               {'id': declaration_id, 'formula': default})
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.alter_column('closing_formula', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('country_order')
        batch_op.drop_column('hosts_listed')
        batch_op.drop_column('date_position')
        for column in reversed(list(LENGTHS)):
            batch_op.drop_constraint(batch_op.f(f'ck_declarations_{column}_length'), type_='check')
            batch_op.drop_column(column)
