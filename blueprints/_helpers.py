"""Small helpers shared by the blueprints."""

from urllib.parse import urlsplit

from flask import render_template
from flask import request


def is_partial():
    """An htmx request that wants a fragment; boosted requests want the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def render(page, partial, **context):
    """Render the fragment for htmx requests and the full page otherwise."""
    return render_template(partial if is_partial() else page, **context)


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
