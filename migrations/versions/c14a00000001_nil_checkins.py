"""nil check-ins per village and month, and the silent-village notices already e-mailed

Revision ID: c14a00000001
Revises: 5dd4562becc5
Create Date: 2026-12-01 20:55:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c14a00000001'
down_revision = '5dd4562becc5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nil_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nil_checkins_user_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_nil_checkins_village_id_villages'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nil_checkins')),
    sa.UniqueConstraint('village_id', 'month', name='uq_nil_checkins_village_month')
    )
    op.create_table('silent_village_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'],
                            name=op.f('fk_silent_village_notices_village_id_villages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_silent_village_notices')),
    sa.UniqueConstraint('village_id', 'month', name='uq_silent_village_notices_village_month')
    )


def downgrade():
    op.drop_table('silent_village_notices')
    op.drop_table('nil_checkins')
