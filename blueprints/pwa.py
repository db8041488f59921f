"""The installable app: manifest, service worker, offline and outbox pages, a fresh CSRF token."""

import hashlib
import subprocess
from functools import cache
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask import url_for
from flask.globals import request_ctx
from flask_babel import force_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps

from access import public
from blueprints._helpers import kept_per_language
from i18n import gettext as _
from i18n import ngettext
from lru import LRUCache

bp = Blueprint("pwa", __name__)
client_configs = LRUCache(1024)

THEME_COLOUR = "#0b5d4b"  # --green in static/css/app.css
BACKGROUND_COLOUR = "#f6f8f7"  # --bg
# Static files the worker keeps for offline use: what the pages load, not the install icons.
PRECACHED_SUFFIXES = (".css", ".js")
PRECACHED_FILES = ("icons/favicon-32.png",)
# Pages the worker keeps once read, so they open without signal; none shows other people's data.
# The report and tip forms (empty forms) open at once from the phone and are refreshed behind;
# their submissions go through the on-device outbox. Guidance is fetched first, kept as fallback.
# Endpoints that are not registered are skipped.
OFFLINE_FORMS = ("reports.new", "tips.new")
OFFLINE_BLUEPRINTS = ("guidance",)


def offline_readable(endpoint):
    """Whether the worker may keep this page for reading offline (logged-in: `no-cache`)."""
    if endpoint is None:
        return False
    return endpoint in OFFLINE_FORMS or endpoint.split(".")[0] in OFFLINE_BLUEPRINTS


def _existing_urls(endpoints):
    """URLs of the endpoints that are registered, in order."""
    views = current_app.view_functions
    return [url_for(endpoint) for endpoint in endpoints if endpoint in views]


def _blueprint_prefixes(names):
    """The URL prefixes of registered blueprints, for the worker's path matching."""
    prefixes = []
    for name in names:
        blueprint = current_app.blueprints.get(name)
        if blueprint is not None and blueprint.url_prefix:
            prefixes.append(blueprint.url_prefix.rstrip("/") + "/")
    return prefixes


def _static_files():
    """Every static file, as paths relative to the static folder."""
    root = Path(current_app.static_folder)
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def _precached_files():
    """The static files the worker keeps from the start."""
    return [
        name
        for name in _static_files()
        if Path(name).suffix in PRECACHED_SUFFIXES or name in PRECACHED_FILES
    ]


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


def worker_version():
    """Changes with every release: the release name (or git commit) and the static files."""
    app = current_app
    cached = app.extensions.get("pwa_version")
    if cached and not app.debug:
        return cached
    release = app.config.get("RELEASE") or _git_revision(app.root_path)
    digest = hashlib.sha256(release.encode())
    for name in _static_files():
        digest.update(name.encode())
        digest.update((Path(app.static_folder) / name).read_bytes())
    app.extensions["pwa_version"] = digest.hexdigest()[:16]
    return app.extensions["pwa_version"]


def client_config():
    """What the page scripts need: URLs, the signed-in user, and their translated words."""
    user = current_user.username if current_user.is_authenticated else None
    return {
        "outboxForms": _existing_urls(OFFLINE_FORMS),
        # Submitting these changes whose name or which language the kept pages would show.
        "sessionForms": _existing_urls(("auth.login", "auth.logout", "main.set_language")),
        "outboxUrl": url_for("pwa.outbox"),
        "csrfUrl": url_for("pwa.csrf_token"),
        "loginUrl": url_for("auth.login"),
        "logoutUrl": url_for("auth.logout"),
        "workerUrl": url_for("pwa.service_worker"),
        "user": user,
        "text": {
            "saved": _("Saved on this phone. It will be sent automatically when there is signal."),
            # The page script puts the number in place of {count}.
            "waitingOne": ngettext(
                "%(count)s report waiting", "%(count)s reports waiting", 1, count="{count}"
            ),
            "waitingMany": ngettext(
                "%(count)s report waiting", "%(count)s reports waiting", 2, count="{count}"
            ),
            "sent": _("Reports from this phone were sent: %(count)s.", count="{count}"),
            "seeAnswers": _("See the office's answers"),
            "logInToSend": _("Log in to send the reports waiting on this phone."),
            "logoutWarning": _(
                "Reports are still waiting on this phone to be sent. They are sent only after you "
                "log in again. Log out anyway?"
            ),
            "updateReady": _("A new version is ready."),
            "reload": _("Reload"),
            "iosInstall": _(
                "To install this app: tap the Share button, then “Add to Home Screen”."
            ),
            "dismiss": _("Close"),
        },
    }


@bp.after_app_request
def never_keep_one_time_messages(response):
    """A kept copy of a page that shows a flashed message would show it again and again."""
    if response.mimetype == "text/html" and request_ctx.flashes and offline_readable(request.endpoint):
        signed_in = current_user.is_authenticated
        response.headers["Cache-Control"] = "private, no-store" if signed_in else "no-store"
    return response


def client_config_json():
    """client_config() as JSON for the page, worked out once per language, user and mount
    point: every page carries it, and it does not change between a user's pages."""
    user = current_user.username if current_user.is_authenticated else None
    return kept_per_language(client_configs, (user,), lambda: htmlsafe_json_dumps(
        client_config(), dumps=current_app.json.dumps))


@bp.app_context_processor
def inject_client_config():
    return {"pwa_config_json": client_config_json}


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest, in Indonesian, so phones can install the app."""
    asset_url = current_app.jinja_env.globals["asset_url"]
    with force_locale("id"):
        data = {
            "id": "/",
            "name": _("Desa Binaan: reports and guidance on foreigners"),
            "short_name": "Desa Binaan",
            "description": _(
                "Village officials and residents report foreigners to the immigration office, "
                "and read the rules."
            ),
            "lang": "id",
            "dir": "ltr",
            "start_url": url_for("main.index"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": asset_url("icons/maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, at the root so its scope is the whole site; never served stale."""
    body = render_template(
        "pwa/sw.js",
        version=worker_version(),
        static_files=_precached_files(),
        offline_url=url_for("pwa.offline"),
        outbox_url=url_for("pwa.outbox"),
        offline_forms=_existing_urls(OFFLINE_FORMS),
        offline_prefixes=_blueprint_prefixes(OFFLINE_BLUEPRINTS),
        csrf_url=url_for("pwa.csrf_token"),
        login_url=url_for("auth.login"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
@public
def offline():
    """What the worker shows for a page that needs the network while there is none."""
    links = [
        (endpoint, label)
        for endpoint, label in (
            ("guidance.index", _("Guidance you have read before")),
            ("reports.new", _("The report form, if you opened it before")),
            ("pwa.outbox", _("Reports waiting on this phone")),
        )
        if endpoint in current_app.view_functions
    ]
    return render_template(
        "pwa/offline.html", offline_links=[(url_for(e), label) for e, label in links]
    )


@bp.route("/outbox")
@public
def outbox():
    """The reports waiting on this phone; the list lives in the browser, so this is a shell."""
    return render_template("pwa/outbox.html")


@bp.route("/csrf")
@public
def csrf_token():
    """A fresh form token (and who is signed in) for the outbox before it resends."""
    user = current_user.username if current_user.is_authenticated else None
    response = jsonify(csrf_token=generate_csrf(), user=user)
    response.headers["Cache-Control"] = "private, no-store"
    return response
