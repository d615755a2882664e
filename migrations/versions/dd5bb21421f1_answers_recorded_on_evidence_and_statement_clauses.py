"""answers given outside the application, recorded with their evidence; the clauses a statement concerns

answer_evidence: an uploaded scan (PDF, JPEG or PNG) kept in the database. affirmations.evidence_id
and contestable_until: an answer a host drafter recorded on that evidence, which the organization
may contest until then (NULL, as for every existing answer: given in the application).
affirmations.statement_clauses: the numbers of the clauses a statement concerns (NULL: none named).

Revision ID: dd5bb21421f1
Revises: d28a367d25d9
Create Date: 2026-12-03 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dd5bb21421f1'
down_revision = 'd28a367d25d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'answer_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('declaration_id', sa.Integer(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('media_type', sa.String(length=40), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(description) BETWEEN 1 AND 300', name=op.f('ck_answer_evidence_description_length')),
        sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'],
                                name=op.f('fk_answer_evidence_declaration_id_declarations')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_answer_evidence_uploaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_evidence')),
    )
    with op.batch_alter_table('answer_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_evidence_declaration_id'), ['declaration_id'], unique=False)
    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement_clauses', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('evidence_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contestable_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_affirmations_evidence_id_answer_evidence'), 'answer_evidence',
                                    ['evidence_id'], ['id'])


def downgrade():
    with op.batch_alter_table('affirmations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_affirmations_evidence_id_answer_evidence'), type_='foreignkey')
        batch_op.drop_column('contestable_until')
        batch_op.drop_column('evidence_id')
        batch_op.drop_column('statement_clauses')
    with op.batch_alter_table('answer_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_evidence_declaration_id'))
    op.drop_table('answer_evidence')
