"""published record of adopted declarations, frozen at adoption and back-filled

Revision ID: 5e0c1f7a9b42
Revises: da976a111bca
Create Date: 2026-12-03 07:40:00.000000

"""
import pycountry
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e0c1f7a9b42'
down_revision = 'da976a111bca'
branch_labels = None
depends_on = None

# The tables as this revision knows them: the back-fill must not follow later models.
declarations = sa.table(
    'declarations', sa.column('id', sa.Integer), sa.column('state', sa.String), sa.column('host_id', sa.Integer),
    sa.column('network_id', sa.Integer), sa.column('published_record', sa.JSON(none_as_null=True)),
)
organizations = sa.table(
    'organizations', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('kind', sa.String),
    sa.column('country', sa.String), sa.column('local_name', sa.String),
)
networks = sa.table('networks', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('acronym', sa.String))
participants = sa.table(
    'participants', sa.column('id', sa.Integer), sa.column('declaration_id', sa.Integer),
    sa.column('organization_id', sa.Integer), sa.column('role', sa.String), sa.column('position', sa.Integer),
)
versions = sa.table(
    'versions', sa.column('id', sa.Integer), sa.column('declaration_id', sa.Integer), sa.column('number', sa.Integer),
    sa.column('is_final', sa.Boolean),
)
affirmations = sa.table(
    'affirmations', sa.column('id', sa.Integer), sa.column('declaration_id', sa.Integer),
    sa.column('version_id', sa.Integer), sa.column('organization_id', sa.Integer), sa.column('delegate_id', sa.Integer),
    sa.column('answer', sa.String), sa.column('statement', sa.Text), sa.column('live', sa.Boolean),
)
users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String))
# The answers as the database stores them (the enum's names) and as the record writes them (its values).
ANSWERS = {'affirmed': 'affirmed', 'affirmed_with_statement': 'affirmed with statement', 'declined': 'declined'}


def _country_name(code):
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, 'common_name', None) or country.name


def _organization(row):
    return {
        'name': row.name, 'kind': row.kind, 'country': row.country, 'country_name': _country_name(row.country),
        'local_name': row.local_name,
    }


def _record(connection, declaration):
    """Compose the record as drafting.domain.published_record.compose() does at adoption, from the rows as they are."""
    final = connection.execute(
        sa.select(versions.c.id, versions.c.is_final).where(versions.c.declaration_id == declaration.id)
        .order_by(versions.c.number.desc()).limit(1)
    ).first()
    if final is None or not final.is_final:
        return None
    live = {
        row.organization_id: row for row in connection.execute(
            sa.select(affirmations.c.organization_id, affirmations.c.answer, affirmations.c.statement)
            .where(affirmations.c.version_id == final.id, affirmations.c.live.is_(True))
        )
    }
    taking_part = connection.execute(
        sa.select(participants.c.organization_id, participants.c.role, participants.c.position, organizations)
        .join(organizations, organizations.c.id == participants.c.organization_id)
        .where(participants.c.declaration_id == declaration.id).order_by(participants.c.id)
    ).all()
    groups = {}
    for row in taking_part:
        answer = live.get(row.organization_id)
        if row.role != 'observer' and answer is not None and answer.answer != 'declined':
            groups.setdefault(_country_name(row.country), []).append(row)
    host = connection.execute(sa.select(organizations).where(organizations.c.id == declaration.host_id)).one()
    network = None
    if declaration.network_id is not None:
        network = connection.execute(sa.select(networks).where(networks.c.id == declaration.network_id)).one()
    answers = connection.execute(
        sa.select(affirmations.c.id, organizations.c.name, users.c.name.label('delegate'))
        .join(organizations, organizations.c.id == affirmations.c.organization_id)
        .join(users, users.c.id == affirmations.c.delegate_id)
        .where(affirmations.c.declaration_id == declaration.id).order_by(affirmations.c.id)
    )
    return {
        'host': _organization(host),
        'network': {'name': network.name, 'acronym': network.acronym} if network else None,
        'participants': [
            {
                'organization': _organization(row), 'role': row.role, 'position': row.position,
                'answer': ANSWERS[live[row.organization_id].answer] if row.organization_id in live else None,
                'statement': live[row.organization_id].statement if row.organization_id in live else None,
            }
            for row in taking_part
        ],
        'affirmed_by': [
            {
                'country': country,
                'organizations': [
                    row.name for row in sorted(
                        members,
                        key=lambda row: (row.position if row.position is not None else float('inf'), row.name.casefold()),
                    )
                ],
            }
            for country, members in sorted(groups.items(), key=lambda item: item[0].casefold())
        ],
        'answers': {str(row.id): {'organization': row.name, 'delegate': row.delegate} for row in answers},
    }


def upgrade():
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_record', sa.JSON(none_as_null=True), nullable=True))
    # Declarations adopted before this revision get the record of their rows as they read today:
    # the nearest there is to what they showed when adopted.
    connection = op.get_bind()
    adopted = connection.execute(
        sa.select(declarations.c.id, declarations.c.host_id, declarations.c.network_id)
        .where(declarations.c.state == 'adopted')
    ).all()
    for declaration in adopted:
        record = _record(connection, declaration)
        if record is not None:
            connection.execute(
                declarations.update().where(declarations.c.id == declaration.id).values(published_record=record)
            )


def downgrade():
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('published_record')
