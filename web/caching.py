"""What browsers, proxies and the phone's service worker may keep, decided in one place: the
Cache-Control of every response, static files' content-hashed URLs, and the release digest that
versions the service worker and the guidance pages' ETags."""

import hashlib
import subprocess
import threading
from functools import cache
from pathlib import Path

from cachetools import LRUCache
from flask import current_app
from flask import g
from flask import get_flashed_messages
from flask import request
from flask import url_for
from flask_login import current_user

from web.htmx import is_partial

IMMUTABLE = "public, max-age=31536000, immutable"
ANONYMOUS_MAX_AGE = 300  # guidance read without an account: the same for everyone
ONE_HOUR = 3600
# Endpoints that answer with something other than a page, each with its one policy.
POLICIES = {
    "pwa.manifest": "public, max-age=86400",
    "pwa.service_worker": "no-cache",  # a new release must reach phones at once
    "pwa.csrf_token": "private, no-store",
    "photos.photo": f"private, max-age={ONE_HOUR}",
    "photos.thumb": f"private, max-age={ONE_HOUR}",
    "photos.pending": "private, no-store",
}
# Pages never kept, not even for a visitor without an account: a tip's PIN, status and messages.
NEVER_STORED = frozenset({"tips.sent", "tips.status", "tips.answer",
                          "admin.user", "admin.reset_password"})  # and temporary passwords
# The settings pages show (the office box under every article): a change makes a new release.
OFFICE_SETTINGS = ("OFFICE_NAME", "OFFICE_CONTACT", "OFFICE_ADDRESS", "OFFICE_PHONE", "OFFICE_HOURS",
                   "PIMPASA_OFFICER", "RETENTION_DAYS")
# Pages the worker keeps once read, so they open without signal; none shows other people's data.
# The report and tip forms (empty forms) open at once from the phone and are refreshed behind;
# their submissions go through the on-device outbox. Guidance is fetched first, kept as fallback.
OFFLINE_FORMS = ("reports.new", "tips.new")
OFFLINE_BLUEPRINTS = ("guidance",)
# Forms on other pages whose submissions also wait in the outbox without signal (the address
# they post to, which is no page to keep): the official's monthly nil check-in.
OUTBOX_ONLY_FORMS = ("checkins.confirm",)


def offline_readable(endpoint):
    """Whether the worker may keep this page for reading offline (signed in: `no-cache`)."""
    if endpoint is None:
        return False
    return endpoint in OFFLINE_FORMS or endpoint.split(".")[0] in OFFLINE_BLUEPRINTS


def shown_messages():
    """The flashed messages, for the page shell; remembers that this page showed some, since a
    kept copy of it would show them again and again."""
    messages = get_flashed_messages(with_categories=True)
    if messages:
        g.showed_messages = True
    return messages


def showed_messages():
    return g.get("showed_messages", False)


def set_cache_headers(response):
    """After every request: the one Cache-Control decision."""
    endpoint = request.endpoint
    if endpoint == "static" and request.args.get("v"):
        response.headers["Cache-Control"] = IMMUTABLE
        return response
    if endpoint in POLICIES:
        response.headers["Cache-Control"] = POLICIES[endpoint]
        return response
    if response.mimetype != "text/html":
        return response
    response.vary.update(("Cookie", "Accept-Language", "HX-Request"))
    signed_in = current_user.is_authenticated
    if endpoint in NEVER_STORED or (showed_messages() and offline_readable(endpoint)):
        response.headers["Cache-Control"] = "private, no-store" if signed_in else "no-store"
    elif signed_in and "Cache-Control" not in response.headers:
        # Pages kept for offline reading (guidance, empty forms) may be stored on the phone;
        # every other signed-in page may hold other people's data: never stored.
        kept = "no-cache" if offline_readable(endpoint) else "no-store"
        response.headers["Cache-Control"] = f"private, {kept}"
    return response


def _viewer():
    """Who a page is rendered for: signed-in pages carry the user's name and role."""
    if current_user.is_authenticated:
        return (current_user.get_id(), current_user.full_name, str(current_user.role))
    return None


def conditional(response, *versions):
    """A page that changes only with the release and `versions` (its content, its language):
    a weak ETag, so a matching request gets 304; anonymous copies may be kept 5 minutes.

    The ETag covers the release, `versions`, the viewer, the URL and fragment-or-page. It is
    weak because the CSRF token in the page differs between requests without changing its
    meaning (and so Flask-Compress leaves it as it is). Signed-in pages get `private` from
    set_cache_headers. A page showing a flashed message gets no ETag: a copy would lose it."""
    if showed_messages():
        return response
    parts = (release_digest(), *versions, _viewer(), request.full_path, is_partial())
    response.set_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32], weak=True)
    if not current_user.is_authenticated:
        response.cache_control.public = True
        response.cache_control.max_age = ANONYMOUS_MAX_AGE
    return response.make_conditional(request)


def asset_url(filename):
    """A static URL carrying a content hash, so browsers may keep it for a year. Worked out once
    per file and app: every page links eight of them."""
    app = current_app._get_current_object()
    urls = app.extensions.setdefault("asset_urls", {})
    key = (request.script_root if request else "", filename)
    if key not in urls or app.debug:
        version = hashlib.sha256((Path(app.static_folder) / filename).read_bytes()).hexdigest()
        urls[key] = url_for("static", filename=filename, v=version[:10])
    return urls[key]


@cache
def _git_revision(root):
    """The checked-out commit, or '' outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def static_files(app):
    """Every static file, as paths relative to the static folder."""
    root = Path(app.static_folder)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def _release_digest(app):
    root, static = Path(app.root_path), Path(app.static_folder)
    digest = hashlib.sha256((app.config["RELEASE"] or _git_revision(root)).encode())
    files = [(root, path) for path in sorted([*root.glob("templates/**/*.*"),
                                              *root.glob("translations/*/LC_MESSAGES/*.mo")])]
    files += [(static, static / name) for name in static_files(app)]
    for folder, path in files:
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    settings = (*(app.config[key] for key in OFFICE_SETTINGS), *sorted(app.view_functions))
    digest.update(repr(settings).encode())
    return digest.hexdigest()[:16]


def release_digest():
    """What this release serves: its name (or git commit), templates, translations, static files
    and the settings pages show. Worked out once per app; in debug mode on every call, since
    templates and files change there."""
    app = current_app._get_current_object()
    if app.debug or "release_digest" not in app.extensions:
        app.extensions["release_digest"] = _release_digest(app)
    return app.extensions["release_digest"]


_remembered_lock = threading.Lock()


def remembered(name, key, make, size=512):
    """`make()`, kept by the app under `name` and `key` in a bounded cache: for values that
    depend on nothing but the key (a language, a mount point, filters, a user name), never on
    the rest of the user or on the data. Two threads may both make a missing value; either
    result is right."""
    caches = current_app.extensions.setdefault("remembered", {})
    with _remembered_lock:
        kept = caches.setdefault(name, LRUCache(size))
        if key in kept:
            return kept[key]
    value = make()
    with _remembered_lock:
        kept[key] = value
    return value
