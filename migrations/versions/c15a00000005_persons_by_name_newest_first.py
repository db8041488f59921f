"""persons: the (name, nationality) index also orders by report, so a report page's related
reports of the same name are read newest first and the reading stops at what the page shows
(before, every person of that name was read and sorted: ten times more at ten times the reports)

Revision ID: c15a00000005
Revises: c15a00000004
Create Date: 2026-12-07 19:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c15a00000005'
down_revision = 'c15a00000004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_persons_name_key_nationality_report_id', 'persons',
                    ['name_key', 'nationality', 'report_id'], unique=False)
    op.drop_index('ix_persons_name_key_nationality', table_name='persons')


def downgrade():
    op.create_index('ix_persons_name_key_nationality', 'persons', ['name_key', 'nationality'],
                    unique=False)
    op.drop_index('ix_persons_name_key_nationality_report_id', table_name='persons')
