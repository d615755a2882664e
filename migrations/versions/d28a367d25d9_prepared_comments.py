"""a delegation prepares its comments, then sends them as the organization's contribution

comments.sent_at: when the comment reached the host; NULL while it is prepared, seen by its
organization's own people only. comments.sent_by_id: who sent it. Every comment made before
was sent at once by its author, so both are filled from created_at and author_id.

Revision ID: d28a367d25d9
Revises: 9c4e2b7a1d58
Create Date: 2026-12-03 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd28a367d25d9'
down_revision = '9c4e2b7a1d58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_comments_sent_at'), ['sent_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_comments_sent_by_id_users'), 'users', ['sent_by_id'], ['id'])
    op.execute("UPDATE comments SET sent_at = created_at, sent_by_id = author_id")


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_sent_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_comments_sent_at'))
        batch_op.drop_column('sent_by_id')
        batch_op.drop_column('sent_at')
