"""the audit chain's sealed head and the heads adopted records print

Revision ID: c04a8d2e0368
Revises: 3f4c74dc243d
Create Date: 2026-12-03 07:13:14.943963

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c04a8d2e0368'
down_revision = '3f4c74dc243d'
branch_labels = None
depends_on = None


def upgrade():
    heads = op.create_table('audit_heads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('seal', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_heads_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_heads'))
    )
    op.create_table('audit_anchors',
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_audit_anchors_declaration_id_declarations')),
    sa.PrimaryKeyConstraint('declaration_id', name=op.f('pk_audit_anchors'))
    )
    # Seal the chain as the upgrade finds it. Flask-Migrate runs migrations in the application's
    # context, so the key is the AUDIT_KEY of the configuration that runs `flask db upgrade`: in
    # production it must be in the environment then (README, "Running in production"). A link that
    # is broken already stays broken: `audit verify` names it as before.
    from drafting.domain.audit import GENESIS, seal

    connection = op.get_bind()
    events = connection.scalar(sa.text('SELECT count(*) FROM audit_events'))
    last_hash = connection.scalar(sa.text('SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1')) or GENESIS
    op.bulk_insert(heads, [{'id': 1, 'events': events, 'hash': last_hash, 'seal': seal(events, last_hash)}])


def downgrade():
    op.drop_table('audit_anchors')
    op.drop_table('audit_heads')
