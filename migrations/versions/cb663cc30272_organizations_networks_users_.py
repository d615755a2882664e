"""organizations, networks, users, declarations, clauses and the clause library

Revision ID: cb663cc30272
Revises: 
Create Date: 2026-11-22 21:15:24.720245

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cb663cc30272'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('networks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_networks')),
    sa.UniqueConstraint('name', name=op.f('uq_networks_name'))
    )
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('city', 'government', 'organization', name='organizationkind', native_enum=False, length=20), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('local_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('name', name=op.f('uq_organizations_name'))
    )
    op.create_table('network_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.CheckConstraint('left_on IS NULL OR left_on >= joined_on', name=op.f('ck_network_memberships_left_after_joined')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_network_memberships_network_id_networks')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_network_memberships_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_memberships')),
    sa.UniqueConstraint('network_id', 'organization_id', 'joined_on', name=op.f('uq_network_memberships_network_id_organization_id_joined_on'))
    )
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_memberships_network_id'), ['network_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_memberships_organization_id'), ['organization_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('administrator', 'drafter', 'delegate', name='userrole', native_enum=False, length=20), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_users_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organization_id'), ['organization_id'], unique=False)

    op.create_table('clause_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('cooperation', 'climate', 'environment', 'crisis_management', 'health', 'economy', 'partnership', 'culture', 'human_resources', 'next_meeting', 'closing', name='templatecategory', native_enum=False, length=30), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 20000', name=op.f('ck_clause_templates_body_length')),
    sa.CheckConstraint('length(name) BETWEEN 1 AND 200', name=op.f('ck_clause_templates_name_length')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_clause_templates_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clause_templates'))
    )
    with op.batch_alter_table('clause_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clause_templates_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_clause_templates_language'), ['language'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=True),
    sa.Column('meeting_name', sa.String(length=200), nullable=False),
    sa.Column('meeting_number', sa.Integer(), nullable=True),
    sa.Column('meeting_acronym', sa.String(length=40), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('preamble', sa.Text(), nullable=False),
    sa.Column('closing_formula', sa.Text(), nullable=False),
    sa.Column('layout', sa.Enum('listed_by_country', 'named_in_opening', name='declarationlayout', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('drafting', 'consultation', 'affirmation', 'adopted', 'withdrawn', name='declarationstate', native_enum=False, length=20), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_declarations_ends_after_start')),
    sa.CheckConstraint('length(closing_formula) BETWEEN 0 AND 2000', name=op.f('ck_declarations_closing_formula_length')),
    sa.CheckConstraint('length(meeting_name) BETWEEN 1 AND 200', name=op.f('ck_declarations_meeting_name_length')),
    sa.CheckConstraint('length(place) BETWEEN 1 AND 200', name=op.f('ck_declarations_place_length')),
    sa.CheckConstraint('length(preamble) BETWEEN 0 AND 20000', name=op.f('ck_declarations_preamble_length')),
    sa.CheckConstraint('length(title) BETWEEN 1 AND 200', name=op.f('ck_declarations_title_length')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_declarations_created_by_id_users')),
    sa.ForeignKeyConstraint(['host_id'], ['organizations.id'], name=op.f('fk_declarations_host_id_organizations')),
    sa.ForeignKeyConstraint(['network_id'], ['networks.id'], name=op.f('fk_declarations_network_id_networks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declarations_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_network_id'), ['network_id'], unique=False)

    op.create_table('clauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) BETWEEN 0 AND 20000', name=op.f('ck_clauses_body_length')),
    sa.CheckConstraint('length(heading) BETWEEN 0 AND 300', name=op.f('ck_clauses_heading_length')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_clauses_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['template_id'], ['clause_templates.id'], name=op.f('fk_clauses_template_id_clause_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clauses'))
    )
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clauses_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clauses_template_id'), ['template_id'], unique=False)

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('host', 'participant', 'observer', name='participantrole', native_enum=False, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_participants_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_participants_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('declaration_id', 'organization_id', name=op.f('uq_participants_declaration_id_organization_id'))
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_organization_id'), ['organization_id'], unique=False)



def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_organization_id'))
        batch_op.drop_index(batch_op.f('ix_participants_declaration_id'))

    op.drop_table('participants')
    with op.batch_alter_table('clauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clauses_template_id'))
        batch_op.drop_index(batch_op.f('ix_clauses_declaration_id'))

    op.drop_table('clauses')
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declarations_network_id'))
        batch_op.drop_index(batch_op.f('ix_declarations_host_id'))

    op.drop_table('declarations')
    with op.batch_alter_table('clause_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clause_templates_language'))
        batch_op.drop_index(batch_op.f('ix_clause_templates_category'))

    op.drop_table('clause_templates')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organization_id'))

    op.drop_table('users')
    with op.batch_alter_table('network_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_memberships_organization_id'))
        batch_op.drop_index(batch_op.f('ix_network_memberships_network_id'))

    op.drop_table('network_memberships')
    op.drop_table('organizations')
    op.drop_table('networks')
