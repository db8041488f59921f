"""seal passport numbers and birth dates (AES-GCM with the app's DATA_KEYS) and add the passport
blind index

Existing rows are sealed here with the keys the app is configured with (DATA_KEYS and
BLIND_INDEX_KEY in production; the public development keys otherwise), batch by batch; a value
already sealed is left alone, so an upgrade stopped half-way can be run again. The downgrade opens
every value and writes it back in clear.

Revision ID: c15a00000002
Revises: c15a00000001
Create Date: 2026-12-01 20:50:00

"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from flask import current_app

from domain import matching
from domain.encryption import is_sealed

# revision identifiers, used by Alembic.
revision = 'c15a00000002'
down_revision = 'c15a00000001'
branch_labels = None
depends_on = None

BATCH = 1000
PASSPORT = "persons.passport_no"
BIRTH_DATE = "persons.birth_date"
# The persons columns as stored text, whatever the models say today.
persons = sa.table("persons", sa.column("id", sa.Integer), sa.column("passport_no", sa.Text),
                   sa.column("birth_date", sa.Text), sa.column("passport_index", sa.String))


def _batches(condition):
    """Rows matching `condition`, in id order, a batch at a time (each batch is rewritten before
    the next is read, so the condition may stop matching them)."""
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(persons.c.id, persons.c.passport_no, persons.c.birth_date)
            .where(condition, persons.c.id > after).order_by(persons.c.id).limit(BATCH)).all()
        if not rows:
            return
        yield connection, rows
        after = rows[-1].id


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passport_index', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.drop_index(batch_op.f('ix_persons_passport_no'))
        batch_op.alter_column('passport_no', existing_type=sa.String(length=32), type_=sa.Text(),
                              existing_nullable=False)
        batch_op.alter_column('birth_date', existing_type=sa.DateTime(), type_=sa.Text(),
                              existing_nullable=True, postgresql_using='birth_date::text')
        batch_op.create_index(batch_op.f('ix_persons_passport_index'), ['passport_index'], unique=False)

    ring = current_app.extensions["keyring"]
    needs_sealing = sa.or_(
        sa.and_(persons.c.passport_no != "", ~persons.c.passport_no.startswith("g1:")),
        sa.and_(persons.c.birth_date.is_not(None), ~persons.c.birth_date.startswith("g1:")))
    for connection, rows in _batches(needs_sealing):
        for row in rows:
            values = {}
            if row.passport_no and not is_sealed(row.passport_no):
                values["passport_no"] = ring.seal(row.passport_no, PASSPORT)
                values["passport_index"] = ring.blind_index(matching.passport_key(row.passport_no))
            if row.birth_date and not is_sealed(row.birth_date):
                # As SQLite ('1990-05-01 00:00:00.000000') or PostgreSQL's ::text wrote it.
                values["birth_date"] = ring.seal(datetime.fromisoformat(row.birth_date).isoformat(), BIRTH_DATE)
            connection.execute(sa.update(persons).where(persons.c.id == row.id).values(values))


def downgrade():
    # The clear birth dates go to a new DATETIME column: SQLite's batch copy would CAST the text
    # to DATETIME, which its numeric affinity turns into a year or a zero.
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date_clear', sa.DateTime(), nullable=True))
    clear = sa.table("persons", sa.column("id", sa.Integer), sa.column("passport_no", sa.Text),
                     sa.column("birth_date_clear", sa.DateTime))
    ring = current_app.extensions["keyring"]
    sealed = sa.or_(persons.c.passport_no.startswith("g1:"), persons.c.birth_date.is_not(None))
    for connection, rows in _batches(sealed):
        for row in rows:
            values = {}
            if is_sealed(row.passport_no):
                values["passport_no"] = ring.open(row.passport_no, PASSPORT)
            if row.birth_date:
                born = ring.open(row.birth_date, BIRTH_DATE) if is_sealed(row.birth_date) else row.birth_date
                values["birth_date_clear"] = datetime.fromisoformat(born)
            connection.execute(sa.update(clear).where(clear.c.id == row.id).values(values))

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_passport_index'))
        batch_op.drop_column('birth_date')
        batch_op.alter_column('birth_date_clear', new_column_name='birth_date',
                              existing_type=sa.DateTime(), existing_nullable=True)
        batch_op.alter_column('passport_no', existing_type=sa.Text(), type_=sa.String(length=32),
                              existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_persons_passport_no'), ['passport_no'], unique=False)
        batch_op.drop_column('passport_index')
