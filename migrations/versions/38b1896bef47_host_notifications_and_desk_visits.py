"""host notifications and desk visits: the host hears of comments, amendments and replies

Each user chooses how they hear, as a host drafter, of what the participants write
(users.host_notifications: an e-mail for each, a daily digest, or none); the digest remembers up
to when it has told them (users.digest_sent_up_to). Every existing account hears of each, as the
delegates already do. desk_visits keeps, per drafter and declaration, the newest item the desk
of comments showed them, so that what came after is counted as new.

Revision ID: 38b1896bef47
Revises: e3a8b6f15c27
Create Date: 2026-12-03 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '38b1896bef47'
down_revision = 'e3a8b6f15c27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host_notifications', sa.Enum('each', 'daily_digest', 'none', name='hostnotifications', native_enum=False, length=20), server_default='each', nullable=False))
        batch_op.add_column(sa.Column('digest_sent_up_to', sa.DateTime(timezone=True), nullable=True))

    op.create_table('desk_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('seen_up_to', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_desk_visits_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_desk_visits_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_visits')),
    sa.UniqueConstraint('user_id', 'declaration_id', name=op.f('uq_desk_visits_user_id_declaration_id'))
    )
    with op.batch_alter_table('desk_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_visits_declaration_id'), ['declaration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('desk_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_visits_declaration_id'))

    op.drop_table('desk_visits')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_sent_up_to')
        batch_op.drop_column('host_notifications')
