"""the search index on PostgreSQL: each report's village, leading one GIN index for the three
look-ups (btree_gin), so an officer's search reads the matches in their own villages only
(before, a common name read every village's matches: about 8,000 reports at a million, to list
the few hundred the officer may see)

Revision ID: c15a00000006
Revises: c15a00000005
Create Date: 2026-12-08 02:30:00

SQLite's FTS5 index is unchanged: the village is checked on the reports its look-up returns.
A database made from scratch has the new layout already (the index is made by services/search.py
in c15a00000003), hence IF [NOT] EXISTS throughout.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c15a00000006'
down_revision = 'c15a00000005'
branch_labels = None
depends_on = None

LOOKUPS = (("document", ""), ("typos", ""), ("names", " gin_trgm_ops"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for indexed, _operators in LOOKUPS:
        op.execute(f"DROP INDEX IF EXISTS ix_report_search_{indexed}")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute("ALTER TABLE report_search ADD COLUMN IF NOT EXISTS village_id integer")
    op.execute("UPDATE report_search SET village_id = reports.village_id "
               "FROM reports WHERE reports.id = report_search.report_id "
               "AND report_search.village_id IS DISTINCT FROM reports.village_id")
    op.execute("ALTER TABLE report_search ALTER COLUMN village_id SET NOT NULL")
    op.execute("CREATE INDEX IF NOT EXISTS ix_report_search_lookup ON report_search USING gin "
               "(village_id, document, typos, names gin_trgm_ops) WITH (fastupdate = off)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE report_search DROP COLUMN village_id")  # and the index it leads
    for indexed, operators in LOOKUPS:
        op.execute(f"CREATE INDEX ix_report_search_{indexed} ON report_search "
                   f"USING gin ({indexed}{operators}) WITH (fastupdate = off)")
