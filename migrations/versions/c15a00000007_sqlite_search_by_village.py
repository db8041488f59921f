"""the search index on SQLite: each report's words and typo keys again, tagged with its village,
so an officer's search reads the matches in their own villages only (FTS5 cannot lead an index
with a column, as PostgreSQL's now does since c15a00000006)

Revision ID: c15a00000007
Revises: c15a00000006
Create Date: 2026-12-08 02:20:00

An FTS5 table takes no new column: it is made again and filled from the reports (services/
search.py). A database made from scratch has the new columns already (c15a00000003 makes the
index with the app's code), and is left as it is.
"""
from alembic import op
from sqlalchemy import text

from services import search

# revision identifiers, used by Alembic.
revision = 'c15a00000007'
down_revision = 'c15a00000006'
branch_labels = None
depends_on = None


def _columns(connection):
    return {row[1] for row in connection.execute(text(f"PRAGMA table_info({search.TABLE})"))}


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite" or "village_words" in _columns(connection):
        return
    search.drop_index(connection)
    search.create_index(connection, fill=True)


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    for statement in (
        "ALTER TABLE report_search RENAME TO report_search_tagged",
        "CREATE VIRTUAL TABLE report_search USING fts5(words, typos,"
        " tokenize = 'unicode61 remove_diacritics 2', detail = 'column')",
        "INSERT INTO report_search (rowid, words, typos)"
        " SELECT rowid, words, typos FROM report_search_tagged",
        "DROP TABLE report_search_tagged",
    ):
        connection.execute(text(statement))
