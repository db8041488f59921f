"""review queue: indexes for a status tab in the newest and latest-activity orders

Revision ID: b3e91d07c2f4
Revises: 7c1d2e5f9a40
Create Date: 2026-11-28 06:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3e91d07c2f4'
down_revision = '7c1d2e5f9a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_village_status_created', ['village_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_village_status_updated', ['village_id', 'status', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_village_status_updated')
        batch_op.drop_index('ix_reports_village_status_created')
