"""Small helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import true

from extensions import db
from models import Report


def is_partial():
    """An htmx request that wants a fragment; boosted requests, and htmx restoring a page from
    history after Back (it sends HX-Request too), want the whole page."""
    headers = request.headers
    return (
        bool(headers.get("HX-Request"))
        and not headers.get("HX-Boosted")
        and not headers.get("HX-History-Restore-Request")
    )


def render(page, partial, **context):
    """Render the fragment for htmx requests and the full page otherwise."""
    return render_template(partial if is_partial() else page, **context)


def kept_per_language(cache, key, make):
    """`make()`, made once and kept in `cache` (an LRUCache): for what depends on nothing but
    the language, the mount point and `key` (a role, the filters...), never on the data."""
    if current_app.debug:  # templates and code are being edited
        return make()
    return cache.get_or_make((str(get_locale()), request.script_root, *key), make)


def render_kept(cache, key, template, **context):
    """A piece of a page rendered once per language and `key` and kept (kept_per_language)."""
    return kept_per_language(cache, (template, *key),
                             lambda: Markup(render_template(template, **context)))


def safe_next(target, fallback):
    """Follow `next` only to a path on this site, never to another host."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def visible_reports(user):
    """SQL condition for the reports `user` may see: their villages', or all for admins."""
    village_ids = user.visible_village_ids()
    if village_ids is None:
        return true()
    return Report.village_id.in_(village_ids)


def get_report_or_404(report_id, *options):
    """The report, if the signed-in user may see it; 404 otherwise, so ids reveal nothing.
    `options` are loader options (selectinload, ...) for what the caller will show."""
    report = db.session.get(Report, report_id, options=options)
    if report is None:
        abort(404)
    village_ids = current_user.visible_village_ids()
    if village_ids is not None and report.village_id not in village_ids:
        abort(404)
    return report
