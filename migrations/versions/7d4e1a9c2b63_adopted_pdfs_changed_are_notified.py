"""adopted PDFs kept in memory: PostgreSQL notifies every process when an adopted declaration or its PDF changes

Each process keeps the adopted PDFs it served (drafting.rendering.kept_pdfs) and LISTENs on the channel
published_pdfs. The workflow never changes an adopted declaration, its versions or its stored PDFs; these
triggers NOTIFY on any change that does all the same (a row changed by hand, a table emptied), as it
commits, and every process empties its memory. Tables dropped and made again (pg_restore --clean) fire no
trigger: README asks for the servers' restart after a restore. SQLite has no NOTIFY: there nothing is kept.

Revision ID: 7d4e1a9c2b63
Revises: 69a833307f2f
Create Date: 2026-12-04 04:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d4e1a9c2b63'
down_revision = '69a833307f2f'
branch_labels = None
depends_on = None

# Each trigger: its name, its table, when it fires, its function. They watch the rows an adopted declaration's
# public PDF is read from.
TRIGGERS = [
    ("declarations_adopted_changed", "declarations", "UPDATE OR DELETE", "FOR EACH ROW WHEN (OLD.state = 'adopted')",
     "notify_published_pdfs"),
    ("stored_pdfs_adopted_changed", "stored_pdfs", "UPDATE OR DELETE", "FOR EACH ROW WHEN (OLD.kind = 'adopted')",
     "notify_published_pdfs"),
    # A version added to, changed in or taken from an adopted declaration changes which text it adopted.
    ("versions_of_adopted_changed", "versions", "INSERT OR UPDATE OR DELETE", "FOR EACH ROW",
     "notify_published_versions"),
    ("declarations_emptied", "declarations", "TRUNCATE", "FOR EACH STATEMENT", "notify_published_pdfs"),
    ("stored_pdfs_emptied", "stored_pdfs", "TRUNCATE", "FOR EACH STATEMENT", "notify_published_pdfs"),
    ("versions_emptied", "versions", "TRUNCATE", "FOR EACH STATEMENT", "notify_published_pdfs"),
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION notify_published_pdfs() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('published_pdfs', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
    """)
    # Versions are written whenever a draft is circulated: only those of an adopted declaration notify.
    op.execute("""
        CREATE FUNCTION notify_published_versions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM declarations WHERE state = 'adopted'
                       AND id IN (NEW.declaration_id, OLD.declaration_id)) THEN
                PERFORM pg_notify('published_pdfs', TG_TABLE_NAME);
            END IF;
            RETURN NULL;
        END
        $$
    """)
    for name, table, events, each, function in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {events} ON {table} {each} EXECUTE FUNCTION {function}()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER {name} ON {table}")
    op.execute("DROP FUNCTION notify_published_versions()")
    op.execute("DROP FUNCTION notify_published_pdfs()")
