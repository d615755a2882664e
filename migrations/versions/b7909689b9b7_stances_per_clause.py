"""a stance per clause: each organization agrees with, can live with, or objects to each clause of a draft

stances: one row per version, clause number and organization; a new stance replaces the row, the
audit trail keeps every one given.

Revision ID: b7909689b9b7
Revises: 265ca261bec4
Create Date: 2026-12-03 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7909689b9b7'
down_revision = '265ca261bec4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('clause_number', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('agree', 'can_live_with', 'object', name='position', native_enum=False, length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('proposed_text', sa.Text(), nullable=True),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(reason) BETWEEN 1 AND 10000', name=op.f('ck_stances_reason_length')),
    sa.CheckConstraint('length(proposed_text) BETWEEN 1 AND 20000', name=op.f('ck_stances_proposed_text_length')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_stances_author_id_users')),
    sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_stances_clause_id_clauses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_stances_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_stances_organization_id_organizations')),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_stances_version_id_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stances')),
    sa.UniqueConstraint('version_id', 'clause_number', 'organization_id', name=op.f('uq_stances_version_id_clause_number_organization_id')),
    )
    with op.batch_alter_table('stances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stances_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stances_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stances_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stances_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stances_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stances_version_id'))
        batch_op.drop_index(batch_op.f('ix_stances_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stances_declaration_id'))
        batch_op.drop_index(batch_op.f('ix_stances_clause_id'))
        batch_op.drop_index(batch_op.f('ix_stances_author_id'))
    op.drop_table('stances')
