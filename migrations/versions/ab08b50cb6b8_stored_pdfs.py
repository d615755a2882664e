"""stored PDFs

Revision ID: ab08b50cb6b8
Revises: 06df50ae2981
Create Date: 2026-11-22 21:53:31.065373

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ab08b50cb6b8'
down_revision = '06df50ae2981'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_pdfs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('page_size', sa.String(length=10), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_stored_pdfs_version_id_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_pdfs')),
    sa.UniqueConstraint('version_id', 'kind', 'page_size', name=op.f('uq_stored_pdfs_version_id_kind_page_size'))
    )
    with op.batch_alter_table('stored_pdfs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_pdfs_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('stored_pdfs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_pdfs_version_id'))

    op.drop_table('stored_pdfs')
