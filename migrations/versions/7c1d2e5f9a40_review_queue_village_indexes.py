"""review queue: indexes read village by village, so an officer's queue never depends on the
planner's statistics; the open-reports index also covers the counts

Revision ID: 7c1d2e5f9a40
Revises: 1299130d48aa
Create Date: 2026-11-28 02:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c1d2e5f9a40'
down_revision = '1299130d48aa'
branch_labels = None
depends_on = None

OPEN = sa.text("status != 'closed'")
URGENT_FIRST = sa.literal_column('urgency DESC')


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_village_status')
        batch_op.drop_index('ix_reports_open_urgency_created')
        batch_op.create_index('ix_reports_village_updated', ['village_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_reports_village_status_urgency_created', ['village_id', 'status', URGENT_FIRST, 'created_at'], unique=False)
        batch_op.create_index('ix_reports_open_urgency_created', [URGENT_FIRST, 'created_at', 'village_id', 'status'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_reports_village_open', ['village_id', URGENT_FIRST, 'created_at', 'status'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_village_open')
        batch_op.drop_index('ix_reports_open_urgency_created')
        batch_op.drop_index('ix_reports_village_status_urgency_created')
        batch_op.drop_index('ix_reports_village_updated')
        batch_op.create_index('ix_reports_open_urgency_created', [URGENT_FIRST, 'created_at', 'village_id'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_reports_village_status', ['village_id', 'status'], unique=False)
