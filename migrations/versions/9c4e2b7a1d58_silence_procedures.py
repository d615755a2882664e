"""silence procedures: a draft that becomes the final text unless a participant objects by a deadline

silences: one row per draft put under silence, with who broke it (organization, clauses, reason)
or, when it closed unbroken, the final version proposed from its text.

Revision ID: 9c4e2b7a1d58
Revises: e016634c7f21
Create Date: 2026-12-03 13:59:12.851736

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4e2b7a1d58'
down_revision = 'e016634c7f21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('silences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('broken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('broken_by_id', sa.Integer(), nullable=True),
    sa.Column('broken_for_id', sa.Integer(), nullable=True),
    sa.Column('broken_clauses', sa.JSON(), nullable=True),
    sa.Column('break_reason', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('final_version_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(break_reason) BETWEEN 1 AND 5000', name=op.f('ck_silences_break_reason_length')),
    sa.ForeignKeyConstraint(['broken_by_id'], ['users.id'], name=op.f('fk_silences_broken_by_id_users')),
    sa.ForeignKeyConstraint(['broken_for_id'], ['organizations.id'], name=op.f('fk_silences_broken_for_id_organizations')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_silences_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['final_version_id'], ['versions.id'], name=op.f('fk_silences_final_version_id_versions')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_silences_started_by_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_silences_version_id_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_silences'))
    )
    with op.batch_alter_table('silences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_silences_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_silences_ends_at'), ['ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('silences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_silences_ends_at'))
        batch_op.drop_index(batch_op.f('ix_silences_declaration_id'))

    op.drop_table('silences')
