"""signing certificates: /verify trusts every certificate the platform has signed a published PDF with

Before this revision /verify trusted only the certificate of the key configured now, so that
replacing the key made every PDF signed before look signed by a stranger. The certificates of
the PDFs already published are read from their signatures.

Revision ID: e3a8b6f15c27
Revises: c7d1e4a90b35
Create Date: 2026-12-03 13:45:00.000000

"""
import hashlib
import io
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from pyhanko.pdf_utils.reader import PdfFileReader


# revision identifiers, used by Alembic.
revision = 'e3a8b6f15c27'
down_revision = 'c7d1e4a90b35'
branch_labels = None
depends_on = None

stored_pdfs = sa.table('stored_pdfs', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('content', sa.LargeBinary))


def upgrade():
    certificates = op.create_table(
        'signing_certificates',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('der', sa.LargeBinary(), nullable=False),
        sa.Column('first_signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_signing_certificates')),
    )
    connection = op.get_bind()
    found = {}
    for stored_id in connection.scalars(sa.select(stored_pdfs.c.id).where(stored_pdfs.c.kind == 'adopted')):
        content = connection.scalar(sa.select(stored_pdfs.c.content).where(stored_pdfs.c.id == stored_id))
        for signature in PdfFileReader(io.BytesIO(content), strict=False).embedded_regular_signatures:
            der = signature.signer_cert.dump()
            found.setdefault(hashlib.sha256(der).hexdigest(), der)
    now = datetime.now(timezone.utc)
    op.bulk_insert(certificates, [{'sha256': digest, 'der': der, 'first_signed_at': now} for digest, der in found.items()])


def downgrade():
    op.drop_table('signing_certificates')
