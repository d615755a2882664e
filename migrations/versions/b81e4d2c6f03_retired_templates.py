"""retired clause templates

A template that no longer serves (an outdated commitment, a duplicate) can be retired: it leaves
the library's list and the editor's choice, but stays readable, since clauses made from it keep
their link to it. Every existing template stays offered.

Revision ID: b81e4d2c6f03
Revises: 7a3d5c1e9b20
Create Date: 2026-12-03 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b81e4d2c6f03'
down_revision = '7a3d5c1e9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clause_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retired_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_clause_templates_retired_by_id_users'), 'users', ['retired_by_id'], ['id']
        )


def downgrade():
    with op.batch_alter_table('clause_templates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clause_templates_retired_by_id_users'), type_='foreignkey')
        batch_op.drop_column('retired_by_id')
        batch_op.drop_column('retired_at')
