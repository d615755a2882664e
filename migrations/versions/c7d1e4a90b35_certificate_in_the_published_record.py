"""the certificate of completion kept in the published record, back-filled for adopted declarations

Revision ID: c7d1e4a90b35
Revises: 5e1b7c9d2f40
Create Date: 2026-12-03 13:30:00.000000

"""
from datetime import timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7d1e4a90b35'
down_revision = '5e1b7c9d2f40'
branch_labels = None
depends_on = None

# The tables as this revision knows them: the back-fill must not follow later models.
declarations = sa.table(
    'declarations', sa.column('id', sa.Integer), sa.column('state', sa.String), sa.column('host_id', sa.Integer),
    sa.column('published_record', sa.JSON(none_as_null=True)),
)
organizations = sa.table(
    'organizations', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('country', sa.String),
)
participants = sa.table(
    'participants', sa.column('declaration_id', sa.Integer), sa.column('organization_id', sa.Integer),
    sa.column('role', sa.String),
)
versions = sa.table(
    'versions', sa.column('id', sa.Integer), sa.column('declaration_id', sa.Integer), sa.column('number', sa.Integer),
)
affirmations = sa.table(
    'affirmations', sa.column('version_id', sa.Integer), sa.column('organization_id', sa.Integer),
    sa.column('delegate_id', sa.Integer), sa.column('mandate_id', sa.Integer), sa.column('answer', sa.String),
    sa.column('fingerprint', sa.String), sa.column('answered_at', sa.DateTime(timezone=True)),
    sa.column('live', sa.Boolean),
)
users = sa.table(
    'users', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('role', sa.String),
    sa.column('focal_point', sa.Boolean),
)
confirmers = users.alias('confirmers')
mandates = sa.table(
    'mandates', sa.column('id', sa.Integer), sa.column('confirmed_by_id', sa.Integer),
    sa.column('confirmed_at', sa.DateTime(timezone=True)),
)
# The answers as the database stores them (the enum's names) and as the certificate writes them (its values).
ANSWERS = {'affirmed': 'affirmed', 'affirmed_with_statement': 'affirmed with statement', 'declined': 'declined'}


def _utc(moment):
    # SQLite gives back naive times, which the application stores in UTC.
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()


def _certificate(connection, declaration):
    """The entries as drafting.domain.completion.entries() makes them, from the rows as they are."""
    final = connection.execute(
        sa.select(versions.c.id).where(versions.c.declaration_id == declaration.id)
        .order_by(versions.c.number.desc()).limit(1)
    ).first()
    hosts = {declaration.host_id} | set(connection.scalars(
        sa.select(participants.c.organization_id)
        .where(participants.c.declaration_id == declaration.id, participants.c.role == 'host')
    ))
    rows = connection.execute(
        sa.select(
            organizations.c.name.label('organization'), organizations.c.country, affirmations.c.organization_id,
            affirmations.c.answer, affirmations.c.fingerprint, affirmations.c.answered_at, affirmations.c.mandate_id,
            users.c.name.label('person'), users.c.role, users.c.focal_point,
            confirmers.c.name.label('confirmer'), mandates.c.confirmed_at,
        )
        .join(organizations, organizations.c.id == affirmations.c.organization_id)
        .join(users, users.c.id == affirmations.c.delegate_id)
        .outerjoin(mandates, mandates.c.id == affirmations.c.mandate_id)
        .outerjoin(confirmers, confirmers.c.id == mandates.c.confirmed_by_id)
        .where(affirmations.c.version_id == final.id, affirmations.c.live.is_(True))
    ).all()
    entries = []
    for row in rows:
        if row.mandate_id is not None:
            acting_as, confirmed_by = 'delegate', row.confirmer or 'an administrator'
            confirmed_at = _utc(row.confirmed_at) if row.confirmed_at else None
        else:
            acting_as = 'host, by proposing the text' if row.organization_id in hosts else (
                'focal point' if row.focal_point else row.role
            )
            confirmed_by = confirmed_at = None
        entries.append({
            'organization': row.organization, 'country': row.country, 'answer': ANSWERS[row.answer],
            'answered_by': row.person, 'acting_as': acting_as, 'confirmed_by': confirmed_by,
            'confirmed_at': confirmed_at, 'answered_at': _utc(row.answered_at), 'fingerprint': row.fingerprint,
        })
    return sorted(entries, key=lambda entry: entry['organization'].casefold())


def upgrade():
    # Declarations adopted before this revision keep the certificate of their rows as they read
    # today: the nearest there is to what their PDF carried when adopted.
    connection = op.get_bind()
    adopted = connection.execute(
        sa.select(declarations.c.id, declarations.c.host_id, declarations.c.published_record)
        .where(declarations.c.state == 'adopted', declarations.c.published_record.is_not(None))
    ).all()
    for declaration in adopted:
        record = {**declaration.published_record, 'certificate': _certificate(connection, declaration)}
        connection.execute(
            declarations.update().where(declarations.c.id == declaration.id).values(published_record=record)
        )


def downgrade():
    connection = op.get_bind()
    kept = connection.execute(
        sa.select(declarations.c.id, declarations.c.published_record).where(declarations.c.published_record.is_not(None))
    ).all()
    for declaration in kept:
        record = {key: value for key, value in declaration.published_record.items() if key != 'certificate'}
        connection.execute(
            declarations.update().where(declarations.c.id == declaration.id).values(published_record=record)
        )
