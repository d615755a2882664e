"""outgoing messages: the outbox of e-mails, written with the change they report and sent after it

Revision ID: 3f4c74dc243d
Revises: 54243e7a5d9e
Create Date: 2026-12-03 07:08:56.898426

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f4c74dc243d'
down_revision = '54243e7a5d9e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=1000), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.CheckConstraint('length(last_error) BETWEEN 0 AND 2000', name=op.f('ck_outgoing_messages_last_error_length')),
    sa.CheckConstraint('length(recipient) BETWEEN 3 AND 254', name=op.f('ck_outgoing_messages_recipient_length')),
    sa.CheckConstraint('length(subject) BETWEEN 1 AND 1000', name=op.f('ck_outgoing_messages_subject_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_messages'))
    )
    op.create_index('ix_outgoing_messages_waiting', 'outgoing_messages', ['sent_at', 'failed_at', 'next_attempt_at'])


def downgrade():
    op.drop_index('ix_outgoing_messages_waiting', table_name='outgoing_messages')
    op.drop_table('outgoing_messages')
