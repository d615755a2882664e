"""comments on any part: the opening, a paragraph of the preamble or of a clause, the closing formula, with a quote

comments.part names the part commented on (opening, preamble, clause, closing_formula);
comments.paragraph the paragraph of it, counted from 1 (NULL: the whole part);
comments.quote words of that passage. clause_number is NULL when the part is not a clause.
Every existing comment was made on a whole clause: it becomes (clause, its number, whole clause).

Revision ID: 5a81f4670b41
Revises: b7909689b9b7
Create Date: 2026-12-03 14:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a81f4670b41'
down_revision = 'b7909689b9b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'part', sa.Enum('opening', 'preamble', 'clause', 'closing_formula', name='commentpart',
                            native_enum=False, length=30),
            nullable=False, server_default='clause',
        ))
        batch_op.add_column(sa.Column('paragraph', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('quote', sa.Text(), nullable=True))
        batch_op.alter_column('clause_number', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(batch_op.f('ck_comments_quote_length'), 'length(quote) BETWEEN 1 AND 10000')
        batch_op.create_check_constraint(
            batch_op.f('ck_comments_clause_number_of_clause'), "(part = 'clause') = (clause_number IS NOT NULL)"
        )
        batch_op.create_check_constraint(batch_op.f('ck_comments_paragraph_positive'), 'paragraph >= 1')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.alter_column('part', server_default=None)


def downgrade():
    op.execute("DELETE FROM comments WHERE part <> 'clause' AND parent_id IS NOT NULL")
    op.execute("DELETE FROM comments WHERE part <> 'clause'")
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_comments_paragraph_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_comments_clause_number_of_clause'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_comments_quote_length'), type_='check')
        batch_op.alter_column('clause_number', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('quote')
        batch_op.drop_column('paragraph')
        batch_op.drop_column('part')
