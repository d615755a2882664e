"""an amendment carries its justification; a draft is circulated for an open or a closed consultation

comments.justification: why the clause should read as proposed (Akoma Ntoso's amendmentJustification),
amendments only; NULL on the amendments made before. versions.open_consultation: every participant
reads the others' comments on that version; false, as for every draft circulated so far (closed).

Revision ID: e016634c7f21
Revises: 5a81f4670b41
Create Date: 2026-12-03 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e016634c7f21'
down_revision = '5a81f4670b41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('justification', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_comments_justification_length'), 'length(justification) BETWEEN 1 AND 5000'
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_comments_justification_of_amendment'), 'justification IS NULL OR proposed_text IS NOT NULL'
        )
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_consultation', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_column('open_consultation')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_comments_justification_of_amendment'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_comments_justification_length'), type_='check')
        batch_op.drop_column('justification')
