"""sign-ins and failed sign-ins

Sessions become rows that the server can end (sign_ins); the session cookie names one of them
instead of "<user id>:<session version>", so users.session_version goes: everyone signs in once
more after the upgrade. Failed sign-ins are counted per address in failed_sign_ins.

Revision ID: 54243e7a5d9e
Revises: 5e0c1f7a9b42
Create Date: 2026-12-03 07:14:47.069773

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '54243e7a5d9e'
down_revision = '5e0c1f7a9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('failed_sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(email) BETWEEN 0 AND 254', name=op.f('ck_failed_sign_ins_email_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_failed_sign_ins'))
    )
    with op.batch_alter_table('failed_sign_ins', schema=None) as batch_op:
        batch_op.create_index('ix_failed_sign_ins_email_failed_at', ['email', 'failed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_failed_sign_ins_failed_at'), ['failed_at'], unique=False)

    op.create_table('sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_ins_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_ins')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_sign_ins_secret_hash'))
    )
    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_ins_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.INTEGER(), server_default="1", nullable=False))

    with op.batch_alter_table('sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_ins_user_id'))

    op.drop_table('sign_ins')
    with op.batch_alter_table('failed_sign_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_failed_sign_ins_failed_at'))
        batch_op.drop_index('ix_failed_sign_ins_email_failed_at')

    op.drop_table('failed_sign_ins')
