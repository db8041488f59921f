"""Where a request may lead: a safe `next` address, and a report the signed-in user may open."""

from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user

from extensions import db
from models import Report


def safe_next(target, fallback):
    """Follow `next` only to a path on this site, never to another host."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or not target.isprintable():
        return fallback  # CR/LF would split the Location header; no control character belongs
    return target


def get_report_or_404(report_id, *options):
    """The report, if the signed-in user may see it; 404 otherwise, so ids reveal nothing.
    `options` are loader options (selectinload, ...) for what the caller will show."""
    return visible_or_404(db.session.get(Report, report_id, options=options))


def visible_or_404(report):
    """`report` (None: not found) if the signed-in user may see it; 404 otherwise."""
    if report is None:
        abort(404)
    village_ids = current_user.visible_village_ids()
    if village_ids is not None and report.village_id not in village_ids:
        abort(404)
    return report
