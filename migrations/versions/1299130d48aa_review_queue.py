"""review queue: indexes for its orders and counts, persons' name keys, officers' e-mail

Revision ID: 1299130d48aa
Revises: afcf7faed91b
Create Date: 2026-11-28 01:45:40.814568

"""
import unicodedata

import sqlalchemy as sa
from alembic import op


def name_key(name):
    """domain.matching.name_key as it was when this migration was written: replaying the
    migration must give the same keys whatever the app's rule becomes."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in plain.casefold()).split()
    return " ".join(sorted(words))


# revision identifiers, used by Alembic.
revision = '1299130d48aa'
down_revision = 'afcf7faed91b'
branch_labels = None
depends_on = None

OPEN = sa.text("status != 'closed'")


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_created', ['created_at'], unique=False)

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_index('ix_persons_name_key_nationality', ['name_key', 'nationality'], unique=False)
    _fill_name_keys()

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_status_urgency_created')
        batch_op.create_index('ix_reports_status_urgency_created', ['status', sa.literal_column('urgency DESC'), 'created_at'], unique=False)
        batch_op.create_index('ix_reports_open_urgency_created', [sa.literal_column('urgency DESC'), 'created_at', 'village_id'], unique=False, sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_reports_created', ['created_at'], unique=False)
        batch_op.create_index('ix_reports_duplicate_of_id', ['duplicate_of_id'], unique=False)
        batch_op.create_index('ix_reports_updated', ['updated_at'], unique=False)
        batch_op.create_index('ix_reports_village_status', ['village_id', 'status'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))


def _fill_name_keys():
    """Existing persons get the same key new ones get from models.Person."""
    connection = op.get_bind()
    persons = sa.table('persons', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_key', sa.String))
    rows = connection.execute(sa.select(persons.c.id, persons.c.name)).all()
    for person_id, name in rows:
        connection.execute(persons.update().where(persons.c.id == person_id).values(name_key=name_key(name)))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_village_status')
        batch_op.drop_index('ix_reports_updated')
        batch_op.drop_index('ix_reports_duplicate_of_id')
        batch_op.drop_index('ix_reports_created')
        batch_op.drop_index('ix_reports_open_urgency_created')
        batch_op.drop_index('ix_reports_status_urgency_created')
        batch_op.create_index('ix_reports_status_urgency_created', ['status', 'urgency', 'created_at'], unique=False)

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_name_key_nationality')
        batch_op.drop_column('name_key')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_created')
