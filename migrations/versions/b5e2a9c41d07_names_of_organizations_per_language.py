"""names of organizations per language

An organization has a name in each language a declaration may be written in (organization_names):
a Japanese declaration prints ソウル特別市 for the Seoul Metropolitan Government. Each existing
local_name is carried over under its country's language where CLDR names exactly one official
language of that country with an ISO 639-1 code (Japan: ja, Korea: ko, Thailand: th); where it
names several (India, Singapore) nobody can tell which one the local name is in, and it stays in
local_name only. local_name itself is kept: the exchange format carries it.

Revision ID: b5e2a9c41d07
Revises: 5e1f0b7c2d94
Create Date: 2026-12-03 10:45:00.000000

"""
from alembic import op
import sqlalchemy as sa
from babel.languages import get_official_languages


# revision identifiers, used by Alembic.
revision = 'b5e2a9c41d07'
down_revision = '5e1f0b7c2d94'
branch_labels = None
depends_on = None


def _language_of(country: str) -> str | None:
    languages = get_official_languages(country, de_facto=True)
    if len(languages) == 1 and len(languages[0]) == 2:
        return languages[0]
    return None


def upgrade():
    names = op.create_table(
        'organization_names',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.CheckConstraint('length(language) BETWEEN 2 AND 8', name=op.f('ck_organization_names_language_length')),
        sa.CheckConstraint('length(name) BETWEEN 1 AND 200', name=op.f('ck_organization_names_name_length')),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_organization_names_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_names')),
        sa.UniqueConstraint('organization_id', 'language', name=op.f('uq_organization_names_organization_id_language')),
    )
    with op.batch_alter_table('organization_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_names_organization_id'), ['organization_id'], unique=False)
    rows = op.get_bind().execute(sa.text(
        "SELECT id, country, local_name FROM organizations WHERE local_name IS NOT NULL"
    ))
    carried = [
        {"organization_id": row.id, "language": _language_of(row.country), "name": row.local_name}
        for row in rows if _language_of(row.country)
    ]
    if carried:
        op.bulk_insert(names, carried)


def downgrade():
    with op.batch_alter_table('organization_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_names_organization_id'))
    op.drop_table('organization_names')
