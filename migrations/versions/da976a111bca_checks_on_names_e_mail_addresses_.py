"""checks on names, e-mail addresses, country codes and the other free text

Revision ID: da976a111bca
Revises: 841bdd050666
Create Date: 2026-12-02 09:44:41.132615

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'da976a111bca'
down_revision = '841bdd050666'
branch_labels = None
depends_on = None

# SQLite enforces no VARCHAR length: these checks hold every database to the limits the forms apply.
CHECKS = {
    'organizations': [
        ('ck_organizations_name_length', 'length(name) BETWEEN 1 AND 200'),
        ('ck_organizations_local_name_length', 'length(local_name) BETWEEN 0 AND 200'),
        (
            'ck_organizations_country_code',
            'length(country) = 2 AND country = upper(country)'
            ' AND substr(country, 1, 1) <> lower(substr(country, 1, 1))'
            ' AND substr(country, 2, 1) <> lower(substr(country, 2, 1))',
        ),
    ],
    'networks': [
        ('ck_networks_name_length', 'length(name) BETWEEN 1 AND 200'),
        ('ck_networks_acronym_length', 'length(acronym) BETWEEN 0 AND 40'),
    ],
    'users': [
        ('ck_users_name_length', 'length(name) BETWEEN 1 AND 200'),
        ('ck_users_email_length', 'length(email) BETWEEN 3 AND 254'),
        ('ck_users_email_lower_case', 'email = lower(email)'),
    ],
    'declarations': [
        ('ck_declarations_subtitle_length', 'length(subtitle) BETWEEN 0 AND 300'),
        ('ck_declarations_meeting_acronym_length', 'length(meeting_acronym) BETWEEN 0 AND 40'),
        ('ck_declarations_language_length', 'length(language) BETWEEN 2 AND 8'),
    ],
    'clause_templates': [
        ('ck_clause_templates_language_length', 'length(language) BETWEEN 2 AND 8'),
        ('ck_clause_templates_heading_length', 'length(heading) BETWEEN 0 AND 300'),
    ],
    'delegate_invitations': [
        ('ck_delegate_invitations_email_length', 'length(email) BETWEEN 3 AND 254'),
        ('ck_delegate_invitations_email_lower_case', 'email = lower(email)'),
    ],
    'versions': [
        ('ck_versions_label_length', 'length(label) BETWEEN 1 AND 20'),
    ],
    'comments': [
        ('ck_comments_accepted_text_length', 'length(accepted_text) BETWEEN 1 AND 20000'),
    ],
    'affirmations': [
        ('ck_affirmations_void_reason_length', 'length(void_reason) BETWEEN 0 AND 5000'),
    ],
}


def upgrade():
    # On SQLite each batch copies the table; env.py turns foreign keys off for the run, so that
    # dropping the original neither fails nor cascades to the rows that refer to it.
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(batch_op.f(name), condition)


def downgrade():
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in reversed(checks):
                batch_op.drop_constraint(batch_op.f(name), type_='check')
