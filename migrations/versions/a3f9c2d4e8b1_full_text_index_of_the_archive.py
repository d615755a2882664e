"""the archive's full-text index

archive_index: the words of every adopted declaration (its title, and the text of the version it
adopted, read from its document), as drafting.domain.archive_index cuts them. On PostgreSQL a table of one
tsvector per declaration (title weighted A, text B) under a GIN index; on SQLite an FTS5 virtual
table whose rowid is the declaration's id. Beside the words, the version adopted, and the host's
country and the network's name as published, by which the archive lists and filters. The declarations adopted before it are indexed here.

The words are read and cut by copies of archive_index.text_of() and terms() as they stood when this
migration was written, so that it does the same thing whatever the code becomes later.

Revision ID: a3f9c2d4e8b1
Revises: dd5bb21421f1
Create Date: 2026-12-03 17:20:00.000000

"""
import json
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3f9c2d4e8b1'
down_revision = 'dd5bb21421f1'
branch_labels = None
depends_on = None

_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TERM = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")


def _terms(text):
    return " ".join(match.group().lower() for match in _TERM.finditer(text))


def _text_of(document):
    parts = [document.get("header"), document.get("subtitle"), document.get("dated"), document.get("opening"),
             *document["preamble"]]
    for clause in document["clauses"]:
        parts += [clause.get("heading"), *clause["paragraphs"]]
    parts += [*document["closing_formula"], document.get("place_and_date")]
    return "\n".join(part for part in parts if part)


_ADOPTED = sa.text(
    "SELECT d.id, d.title, v.id, v.document, d.published_record FROM declarations d JOIN versions v ON v.declaration_id = d.id "
    "WHERE d.state = 'adopted' AND v.is_final "
    "AND NOT EXISTS (SELECT 1 FROM versions later WHERE later.declaration_id = v.declaration_id "
    "AND later.number > v.number)"
)


def upgrade():
    connection = op.get_bind()
    postgresql = connection.dialect.name == 'postgresql'
    if postgresql:
        op.create_table(
            'archive_index',
            sa.Column('declaration_id', sa.Integer(), nullable=False),
            sa.Column('words', sa.dialects.postgresql.TSVECTOR(), nullable=False),
            sa.Column('version_id', sa.Integer(), nullable=False),
            sa.Column('host_country', sa.String(length=2), nullable=False),
            sa.Column('network_name', sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'],
                                    name=op.f('fk_archive_index_declaration_id_declarations')),
            sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_archive_index_version_id_versions')),
            sa.PrimaryKeyConstraint('declaration_id', name=op.f('pk_archive_index')),
        )
        op.create_index('ix_archive_index_words', 'archive_index', ['words'], postgresql_using='gin')
        insert = sa.text(
            "INSERT INTO archive_index (declaration_id, words, version_id, host_country, network_name) VALUES (:id, "
            "setweight(to_tsvector('simple'::regconfig, :title), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, :body), 'B'), :version_id, :host_country, :network_name)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE archive_index USING fts5(title, body, version_id UNINDEXED, host_country UNINDEXED, "
            "network_name UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
        )
        insert = sa.text(
            "INSERT INTO archive_index (rowid, title, body, version_id, host_country, network_name) "
            "VALUES (:id, :title, :body, :version_id, :host_country, :network_name)"
        )
    for declaration_id, title, version_id, document, record in connection.execute(_ADOPTED).all():
        document, record = (json.loads(value) if isinstance(value, str) else value for value in (document, record))
        connection.execute(insert, {
            "id": declaration_id, "title": _terms(title), "body": _terms(_text_of(document)), "version_id": version_id,
            "host_country": record["host"]["country"], "network_name": (record["network"] or {}).get("name"),
        })


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_archive_index_words', table_name='archive_index')
    op.drop_table('archive_index')
