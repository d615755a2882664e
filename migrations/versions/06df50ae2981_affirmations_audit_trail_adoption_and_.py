"""affirmations, audit trail, adoption and reminders

Revision ID: 06df50ae2981
Revises: 1888cf7e75dd
Create Date: 2026-11-22 21:45:41.935322

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '06df50ae2981'
down_revision = '1888cf7e75dd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_audit_events_declaration_id_declarations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_declaration_id'), ['declaration_id'], unique=False)

    op.create_table('affirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('affirmed', 'affirmed_with_statement', 'declined', name='answer', native_enum=False, length=30), nullable=False),
    sa.Column('statement', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('length(reason) BETWEEN 0 AND 5000', name=op.f('ck_affirmations_reason_length')),
    sa.CheckConstraint('length(statement) BETWEEN 0 AND 5000', name=op.f('ck_affirmations_statement_length')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_affirmations_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], name=op.f('fk_affirmations_delegate_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_affirmations_organization_id_organizations')),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_affirmations_version_id_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affirmations')),
    sa.UniqueConstraint('version_id', 'organization_id', 'live', name=op.f('uq_affirmations_version_id_organization_id_live'))
    )
    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affirmations_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affirmations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affirmations_version_id'), ['version_id'], unique=False)

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('last_reminded_at')

    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_column('adopted_at')

    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affirmations_version_id'))
        batch_op.drop_index(batch_op.f('ix_affirmations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_affirmations_declaration_id'))

    op.drop_table('affirmations')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_declaration_id'))

    op.drop_table('audit_events')
