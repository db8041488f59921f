"""The installable app: manifest, service worker, offline and outbox pages, a fresh CSRF token."""

from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import url_for
from flask_babel import force_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from web.access import public
from web.caching import OFFLINE_BLUEPRINTS
from web.caching import OFFLINE_FORMS
from web.caching import asset_url
from web.caching import release_digest
from web.caching import static_files
from web.client_config import existing_urls
from web.i18n import gettext as _

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#0b5d4b"  # --green in static/css/app.css
BACKGROUND_COLOUR = "#f6f8f7"  # --bg
# Static files the worker keeps for offline use: what the pages load, not the install icons.
PRECACHED_SUFFIXES = (".css", ".js")
PRECACHED_FILES = ("icons/favicon-32.png",)


def _blueprint_prefixes(names):
    """The URL prefixes of registered blueprints, for the worker's path matching."""
    prefixes = []
    for name in names:
        blueprint = current_app.blueprints.get(name)
        if blueprint is not None and blueprint.url_prefix:
            prefixes.append(blueprint.url_prefix.rstrip("/") + "/")
    return prefixes


def _precached_files():
    """The static files the worker keeps from the start."""
    return [
        name
        for name in static_files(current_app)
        if Path(name).suffix in PRECACHED_SUFFIXES or name in PRECACHED_FILES
    ]


@bp.route("/manifest.webmanifest")
@public
def manifest():
    """The web app manifest, in Indonesian, so phones can install the app."""
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
    return response


@bp.route("/sw.js")
@public
def service_worker():
    """The service worker, at the root so its scope is the whole site; never served stale."""
    body = render_template(
        "pwa/sw.js",
        version=release_digest(),
        static_files=_precached_files(),
        offline_url=url_for("pwa.offline"),
        outbox_url=url_for("pwa.outbox"),
        offline_forms=existing_urls(OFFLINE_FORMS),
        offline_prefixes=_blueprint_prefixes(OFFLINE_BLUEPRINTS),
        csrf_url=url_for("pwa.csrf_token"),
        login_url=url_for("auth.login"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
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
    return jsonify(csrf_token=generate_csrf(), user=user)
