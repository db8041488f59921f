"""`flask rotate-keys`: every sealed value (models.Sealed columns) sealed again with the first key
of DATA_KEYS. Batch by batch, each committed: stopped half-way, the data stays readable with the
old and new keys both configured, and running it again carries on where it stopped (values under
the current key are skipped). Once it reports nothing left, the old keys can leave DATA_KEYS."""

from dataclasses import dataclass

from sqlalchemy import Text
from sqlalchemy import column
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy import update

from domain.encryption import PREFIX
from extensions import db
from models import Sealed
from models import keyring

BATCH = 500


@dataclass
class Rotated:
    column: str
    resealed: int
    remaining: int


def sealed_columns():
    """(table, column) of every sealed column of the models, found by type: a column added later
    with models.Sealed is rotated without changing this module."""
    return [(t, c) for t in db.metadata.sorted_tables for c in t.columns if isinstance(c.type, Sealed)]


def _raw(model_table, sealed_column):
    """The column as stored text: read and written here without opening or sealing anything."""
    key = next(iter(model_table.primary_key.columns)).name
    raw = table(model_table.name, column(key), column(sealed_column.name, Text))
    return raw.c[key], raw.c[sealed_column.name], raw


def _not_current(stored):
    return stored.is_not(None) & (stored != "") & ~stored.startswith(f"{PREFIX}:{keyring().current_id}:")


def rotate_keys(batch_size=BATCH, on_batch=None):
    """Seal again every value not under the current key; one Rotated per sealed column."""
    ring = keyring()
    results = []
    for model_table, sealed_column in sealed_columns():
        purpose = sealed_column.type.purpose
        key, stored, raw = _raw(model_table, sealed_column)
        resealed, after = 0, None
        while True:
            query = select(key, stored).where(_not_current(stored)).order_by(key).limit(batch_size)
            rows = db.session.execute(query if after is None else query.where(key > after)).all()
            if not rows:
                break
            for row_id, value in rows:
                fresh = ring.seal(ring.open(value, purpose), purpose)
                # Only if unchanged since read: a value the app wrote meanwhile is already current.
                db.session.execute(update(raw).where(key == row_id, stored == value)
                                   .values({sealed_column.name: fresh}))
            db.session.commit()
            resealed += len(rows)
            after = rows[-1][0]
            if on_batch:
                on_batch(sealed_column.type.purpose, resealed)
        results.append(Rotated(purpose, resealed, remaining_under_old_keys(model_table, sealed_column)))
    return results


def remaining_under_old_keys(model_table, sealed_column):
    """How many values of the column a rotation has still to seal again."""
    _key, stored, raw = _raw(model_table, sealed_column)
    return db.session.scalar(select(func.count()).select_from(raw).where(_not_current(stored)))
