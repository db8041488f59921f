"""persons: one index on (report_id, id) instead of report_id alone, so a report's first person
is read from the index even when the planner has no statistics (a fresh PostgreSQL database
walked the whole primary key instead)

Revision ID: c15a00000004
Revises: c15a00000003
Create Date: 2026-12-01 22:15:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c15a00000004'
down_revision = 'c15a00000003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_persons_report_id_id', 'persons', ['report_id', 'id'], unique=False)
    op.drop_index('ix_persons_report_id', table_name='persons')


def downgrade():
    op.create_index('ix_persons_report_id', 'persons', ['report_id'], unique=False)
    op.drop_index('ix_persons_report_id_id', table_name='persons')
