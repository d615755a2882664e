"""form submissions: forms that create something are safe to send twice

Each form that creates something carries a random key; the key of a form that created something
is kept, so that the same form sent again (the back button, a double click, a retried request)
creates nothing more. Nothing existing needs carrying over.

Revision ID: d5f2a7c81e46
Revises: b81e4d2c6f03
Create Date: 2026-12-03 10:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f2a7c81e46'
down_revision = 'b81e4d2c6f03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('key', sa.String(length=43), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_form_submissions')),
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_user_id'))
    op.drop_table('form_submissions')
