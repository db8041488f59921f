"""The photo store against the database: files and rows converge after any crash.

Saving links a photo into UPLOAD_DIR/photos/ before the COMMIT that adds its row
(services/reports.py), so a worker killed between the two leaves a file that no row owns, and
nothing else could ever remove it. `reconcile` (the `flask reconcile-photos` command, run daily)
removes such files once they are a day old, purges the pending photos of forms never sent, and
reports rows whose files are missing (it cannot bring them back: restore them from a backup)."""

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from sqlalchemy import select

from domain import photos
from extensions import db
from models import Photo
from models import Report
from services.reports import pending_dir
from services.reports import photo_dir

ORPHAN_MAX_AGE = 24 * 3600  # a COMMIT takes milliseconds: a day-old file without a row is an orphan


@dataclass
class Reconciliation:
    """What one reconciliation found and did."""

    orphans_removed: list = field(default_factory=list)  # file names in photos/ no row owns
    missing: list = field(default_factory=list)  # (report code, photo id, file name) without a file
    pending_purged: int = 0
    dry_run: bool = False


def reconcile(max_age=ORPHAN_MAX_AGE, now=None, dry_run=False):
    """Remove store files without rows older than `max_age`, purge old pending files, and list
    rows without files. Files are listed before the rows are read: a file that old whose row is
    not there yet never will be (its request died)."""
    result = Reconciliation(dry_run=dry_run)
    store = photo_dir()
    old = photos.old_files(store, max_age, now)
    owned = set()
    rows = db.session.execute(
        select(Photo.id, Photo.stored_name, Photo.thumb_name, Report.code)
        .join(Report, Photo.report_id == Report.id)
    )
    for photo_id, stored_name, thumb_name, code in rows:
        owned.update((stored_name, thumb_name))
        for name in (stored_name, thumb_name):
            if not (store / name).is_file():
                result.missing.append((code, photo_id, name))
    for name, _stat in old:
        if name in owned:
            continue
        result.orphans_removed.append(name)
        if not dry_run:
            (Path(store) / name).unlink(missing_ok=True)
    if not dry_run:
        result.pending_purged = photos.purge_older_than(pending_dir(), photos.PENDING_MAX_AGE, now)
    return result
