"""focal points and mandates: an organization vouches for its own people

A delegate now acts for their organization only under a confirmed mandate (mandates), given by
one of its focal points (users.focal_point, named by an administrator) or by an administrator.
A host asks an organization for a delegate (a mandate in the state "requested"); it never makes
the account itself. Each answer keeps the mandate it was given under (affirmations.mandate_id).
An account invitation is now sent by a focal point, for a delegate or a drafter
(delegate_invitations.role), possibly for a confirmed mandate (delegate_invitations.mandate_id).

What becomes of today's delegates:
- A delegate an administrator made was vouched for by the network's secretariat, which knows the
  organization: they keep acting for it, under a mandate for every declaration, confirmed by "an
  administrator" (confirmed_by_id NULL, confirmed_at the time of this upgrade).
- A delegate who made their account through a host's invitation was vouched for by nobody of
  their organization: a host of any city could have made them (issue 12's first attack). They
  keep their account but are suspended: their invitation becomes a pending request for that
  declaration, which the organization's focal points see and confirm or decline. Confirming them
  automatically would carry the forgery over; deleting them would lose who commented and answered.
- An invitation a host sent that nobody used yet stops working (it would make an account that
  nobody vouched for) and becomes a pending request proposing its address.

Revision ID: 5e1b7c9d2f40
Revises: b5e2a9c41d07
Create Date: 2026-12-03 10:10:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1b7c9d2f40'
down_revision = 'b5e2a9c41d07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.Enum('requested', 'confirmed', 'declined', 'revoked', name='mandatestatus', native_enum=False, length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(email) BETWEEN 3 AND 254', name=op.f('ck_mandates_email_length')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_mandates_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_mandates_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_mandates_ended_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_mandates_organization_id_organizations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_mandates_requested_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mandates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mandates'))
    )
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandates_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandates_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('focal_point', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mandate_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_affirmations_mandate_id_mandates'), 'mandates', ['mandate_id'], ['id'])

    with op.batch_alter_table('delegate_invitations', schema=None) as batch_op:
        batch_op.alter_column('declaration_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('role', sa.Enum('administrator', 'drafter', 'delegate', name='userrole', native_enum=False, length=20), server_default='delegate', nullable=False))
        batch_op.add_column(sa.Column('mandate_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_delegate_invitations_mandate_id_mandates'), 'mandates', ['mandate_id'], ['id'])

    _carry_over_delegates()


def _carry_over_delegates():
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    mandates = sa.table(
        'mandates', sa.column('organization_id'), sa.column('declaration_id'), sa.column('user_id'),
        sa.column('email'), sa.column('status'), sa.column('requested_by_id'), sa.column('requested_at'),
        sa.column('confirmed_at'), sa.column('created_at'),
    )
    invitations = connection.execute(sa.text(
        'SELECT id, declaration_id, organization_id, email, invited_by_id, created_at, user_id, used_at'
        ', expires_at FROM delegate_invitations ORDER BY id'
    )).all()
    invited_users = {row.user_id for row in invitations if row.user_id is not None}
    for row in invitations:
        if row.user_id is None and (row.used_at is not None or _aware(row.expires_at) <= now):
            continue  # an expired invitation asked for nobody any longer
        connection.execute(mandates.insert().values(
            organization_id=row.organization_id, declaration_id=row.declaration_id, user_id=row.user_id,
            email=row.email, status='requested', requested_by_id=row.invited_by_id, requested_at=row.created_at,
            created_at=now,
        ))
    connection.execute(
        sa.text('UPDATE delegate_invitations SET expires_at = :now WHERE used_at IS NULL AND expires_at > :now'),
        {'now': now},
    )
    delegates = connection.execute(sa.text(
        "SELECT id, organization_id FROM users WHERE role = 'delegate' AND organization_id IS NOT NULL ORDER BY id"
    )).all()
    for user in delegates:
        if user.id in invited_users:
            continue
        connection.execute(mandates.insert().values(
            organization_id=user.organization_id, declaration_id=None, user_id=user.id, status='confirmed',
            confirmed_at=now, created_at=now,
        ))


def _aware(moment):
    # SQLite hands back a naive datetime or a string; PostgreSQL an aware one.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def downgrade():
    # An invitation made for no declaration cannot be kept without one.
    op.execute('DELETE FROM delegate_invitations WHERE declaration_id IS NULL')
    with op.batch_alter_table('delegate_invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delegate_invitations_mandate_id_mandates'), type_='foreignkey')
        batch_op.drop_column('mandate_id')
        batch_op.drop_column('role')
        batch_op.alter_column('declaration_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_affirmations_mandate_id_mandates'), type_='foreignkey')
        batch_op.drop_column('mandate_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('focal_point')

    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandates_user_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_organization_id'))
        batch_op.drop_index(batch_op.f('ix_mandates_declaration_id'))

    op.drop_table('mandates')
