"""retention: when a report was anonymised; accounts: a temporary password to change at the next login

Revision ID: c14a00000004
Revises: 5dd4562becc5
Create Date: 2026-12-01 21:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c14a00000004'
down_revision = '5dd4562becc5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
