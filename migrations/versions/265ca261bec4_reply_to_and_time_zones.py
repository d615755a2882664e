"""e-mails name whom a reply reaches; each user sees deadlines in a time zone of their choice

outgoing_messages.reply_to: "Name <address>" of the person who did what the message reports
(NULL: none, as in the messages already queued). users.time_zone: an IANA name such as
Asia/Tokyo; NULL, as for every existing user, means the site's DEFAULT_TIME_ZONE.

Revision ID: 265ca261bec4
Revises: 38b1896bef47
Create Date: 2026-12-03 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '265ca261bec4'
down_revision = '38b1896bef47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=908), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_outgoing_messages_reply_to_length'), 'length(reply_to) BETWEEN 3 AND 908'
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_users_time_zone_length'), 'length(time_zone) BETWEEN 1 AND 64')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_time_zone_length'), type_='check')
        batch_op.drop_column('time_zone')
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outgoing_messages_reply_to_length'), type_='check')
        batch_op.drop_column('reply_to')
