"""retention: when a report was anonymised; accounts: a temporary password to change at the next login

Revision ID: c14a00000004
Revises: c14a00000001
Create Date: 2026-12-01 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c14a00000004'
down_revision = 'c14a00000001'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases: batch mode would copy `users` on SQLite for the
    # default, which the foreign keys pointing at it refuse once rows exist.
    op.add_column('reports', sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): copying `users` and `reports` as batch mode does
    # would trip the foreign keys the app's connections enforce. Neither column is indexed.
    op.drop_column('users', 'must_change_password')
    op.drop_column('reports', 'anonymised_at')
