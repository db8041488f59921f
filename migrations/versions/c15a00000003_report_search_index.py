"""the reports' search index: FTS5 on SQLite; tsvector under GIN and pg_trgm on PostgreSQL

Revision ID: c15a00000003
Revises: c15a00000002
Create Date: 2026-12-01 21:00:00

The index is derived data: it is built with the app's own normaliser (services/search.py), the
same one that keeps it in step afterwards; `flask reindex` builds it again at any time.
"""
from alembic import op

from services import search

# revision identifiers, used by Alembic.
revision = 'c15a00000003'
down_revision = 'c15a00000002'
branch_labels = None
depends_on = None


def upgrade():
    search.create_index(op.get_bind(), fill=True)


def downgrade():
    search.drop_index(op.get_bind())
