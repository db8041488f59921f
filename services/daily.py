"""`flask daily`: the office's once-a-day work, run by cron or a systemd timer (README, "Running in
production"). Each task is a function that does its work and returns a line for the log; a task
that fails is logged and the others still run. Add a task by adding it to TASKS."""

import logging

from domain.calendar import office_today
from services import checkins
from services import photo_store
from services import retention

log = logging.getLogger(__name__)


def purge_old_reports():
    """The retention rule: anonymise closed reports and unconfirmed tips past RETENTION_DAYS."""
    done = retention.purge()
    return (f"retention: {done.reports} reports older than {done.older_than_days} days anonymised "
            f"({done.persons} persons, {done.events} texts, {done.photos} photos)")


def reconcile_photos():
    """Photo files without rows (a purge or a save cut short) and pending photos never sent."""
    result = photo_store.reconcile()
    line = (f"photos: {len(result.orphans_removed)} files without a report removed, "
            f"{result.pending_purged} old pending files purged")
    if result.missing:
        raise RuntimeError(f"{len(result.missing)} files of saved photos are missing "
                           "(flask reconcile-photos lists them)")
    return line


def announce_silent_villages():
    """E-mail the officers of each village silent in the last completed months, once per village
    and month (services.checkins records what it sent)."""
    result = checkins.notify_silent_villages(office_today())
    if result is None:
        return "silent villages: MAIL_SERVER is not set, no e-mail sent"
    villages, messages = result
    return f"silent villages: {villages} announced in {messages} e-mails"


TASKS = (purge_old_reports, reconcile_photos, announce_silent_villages)


def run(tasks=TASKS):
    """Run every task; returns [(task name, ok, line)]."""
    results = []
    for task in tasks:
        try:
            results.append((task.__name__, True, task()))
        except Exception as error:  # noqa: BLE001 - one broken task must not stop the others
            log.exception("daily task %s failed", task.__name__)
            results.append((task.__name__, False, f"{type(error).__name__}: {error}"))
    return results
