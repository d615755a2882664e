"""failed sign-ins per client address

Failed sign-ins are counted per client address in the database too (failed_sign_ins.address), as
they already are per e-mail address: the per-address limit holds with any number of workers and
servers, whatever Redis does. Failures recorded before the upgrade have no address.

Revision ID: 7a3d5c1e9b20
Revises: c04a8d2e0368
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3d5c1e9b20'
down_revision = 'c04a8d2e0368'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('failed_sign_ins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_failed_sign_ins_address_length'), 'length(address) BETWEEN 0 AND 45')
        batch_op.create_index('ix_failed_sign_ins_address_failed_at', ['address', 'failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('failed_sign_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_sign_ins_address_failed_at')
        batch_op.drop_constraint(batch_op.f('ck_failed_sign_ins_address_length'), type_='check')
        batch_op.drop_column('address')
