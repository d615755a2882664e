"""versions, comments and amendments, delegate invitations

Revision ID: 1888cf7e75dd
Revises: cb663cc30272
Create Date: 2026-11-22 21:38:33.541848

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1888cf7e75dd'
down_revision = 'cb663cc30272'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegate_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_delegate_invitations_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_delegate_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_delegate_invitations_organization_id_organizations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_delegate_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegate_invitations')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_delegate_invitations_secret_hash'))
    )
    with op.batch_alter_table('delegate_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegate_invitations_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegate_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegate_invitations_organization_id'), ['organization_id'], unique=False)

    op.create_table('versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=False),
    sa.Column('is_final', sa.Boolean(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('canonical_text', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('circulated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('circulated_by_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['circulated_by_id'], ['users.id'], name=op.f('fk_versions_circulated_by_id_users')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_versions_declaration_id_declarations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_versions')),
    sa.UniqueConstraint('declaration_id', 'number', name=op.f('uq_versions_declaration_id_number'))
    )
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_versions_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_versions_fingerprint'), ['fingerprint'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=True),
    sa.Column('clause_number', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('proposed_text', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('open', 'addressed', 'withdrawn', name='commentstatus', native_enum=False, length=30), nullable=False),
    sa.Column('decision', sa.Enum('accepted', 'accepted_with_changes', 'rejected', name='amendmentdecision', native_enum=False, length=30), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('accepted_text', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(body) BETWEEN 1 AND 10000', name=op.f('ck_comments_body_length')),
    sa.CheckConstraint('length(decision_reason) BETWEEN 0 AND 5000', name=op.f('ck_comments_decision_reason_length')),
    sa.CheckConstraint('length(proposed_text) BETWEEN 1 AND 20000', name=op.f('ck_comments_proposed_text_length')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_comments_clause_id_clauses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_comments_decided_by_id_users')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_comments_declaration_id_declarations')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_comments_organization_id_organizations')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_comments_version_id_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_version_id'))
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_comments_organization_id'))
        batch_op.drop_index(batch_op.f('ix_comments_declaration_id'))
        batch_op.drop_index(batch_op.f('ix_comments_clause_id'))
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_versions_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_versions_declaration_id'))

    op.drop_table('versions')
    with op.batch_alter_table('delegate_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegate_invitations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_delegate_invitations_email'))
        batch_op.drop_index(batch_op.f('ix_delegate_invitations_declaration_id'))

    op.drop_table('delegate_invitations')
