"""the archive's order of adopted declarations: two indexes on declarations, by adoption and by network

(state, adopted_at, id, network_id) and (state, network_id, adopted_at, id).

The archive and the API list the adopted declarations newest adoption first, a page at a time, count
them and offer their networks and years: with these indexes PostgreSQL reads the page's twenty in order
and counts them from the index, instead of reading every declaration and sorting them all, and finds
each network's latest adoption in one step.

Revision ID: 69a833307f2f
Revises: a3f9c2d4e8b1
Create Date: 2026-12-03 20:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '69a833307f2f'
down_revision = 'a3f9c2d4e8b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_declarations_state_adopted_at', 'declarations', ['state', 'adopted_at', 'id', 'network_id'])
    op.create_index('ix_declarations_state_network_id', 'declarations', ['state', 'network_id', 'adopted_at', 'id'])


def downgrade():
    op.drop_index('ix_declarations_state_network_id', table_name='declarations')
    op.drop_index('ix_declarations_state_adopted_at', table_name='declarations')
