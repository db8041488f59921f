"""Guidance on immigration law: the index, search and articles, public and cacheable.

Link an article by slug with `url_for('guidance.article', slug=...)`, or `guidance_url(slug)` in
templates (it refuses unknown slugs)."""

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user

import guidance
from access import public
from blueprints._helpers import is_partial
from i18n import lazy_gettext as _l

bp = Blueprint("guidance", __name__, url_prefix="/guidance")

AUDIENCE_HEADINGS = {
    "residents": _l("For residents"),
    "officials": _l("For village officials"),
    "landlords": _l("For landlords and lodging owners"),
}
# The start page shows these to residents, in this order.
RESIDENT_ESSENTIALS = ("how-to-report", "lodging-report-duty", "signs-of-violations", "faq")
# The settings shown on guidance pages: a change must change the pages' ETag.
OFFICE_SETTINGS = ("OFFICE_NAME", "OFFICE_CONTACT", "OFFICE_ADDRESS", "OFFICE_PHONE", "OFFICE_HOURS",
                   "PIMPASA_OFFICER", "DATA_RETENTION_MONTHS")
MAX_QUERY_LENGTH = 100
ANONYMOUS_MAX_AGE = 300


@bp.record_once
def load_articles(state):
    """Read every article once, at start-up; a broken file stops the app with a clear error."""
    app = state.app
    app.extensions["guidance"] = guidance.load(app.config["GUIDANCE_DIR"], app.config["LANGUAGES"])


def library():
    """The articles loaded at start-up."""
    return current_app.extensions["guidance"]


def lang():
    """The language of this request, which is also the articles' language."""
    return str(get_locale())


def known(slug):
    """The slug itself; an unknown one is a bug in the caller, so it raises."""
    if slug not in library().slugs:
        raise ValueError(f"no guidance article {slug!r}")
    return slug


@bp.app_template_global()
def guidance_url(slug):
    """The stable address of an article."""
    return url_for("guidance.article", slug=known(slug))


@bp.app_template_global()
def guidance_title(slug):
    """An article's title in the current language."""
    return library().get(lang(), known(slug)).title


@bp.app_template_filter()
def urlhost(url):
    """The site a source lives on, short enough for a phone; print shows the full address."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


@bp.app_template_global()
def resident_essentials():
    """The few articles the start page offers residents."""
    articles = (library().get(lang(), slug) for slug in RESIDENT_ESSENTIALS)
    return [article for article in articles if article is not None]


def _page_version(app):
    """A digest of everything besides the articles that shapes a guidance page."""
    root = Path(app.root_path)
    digest = hashlib.sha256()
    files = [*root.glob("templates/**/*.html"), *root.glob("translations/*/LC_MESSAGES/*.mo"),
             *Path(app.static_folder).rglob("*.*")]
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    office = tuple(app.config[key] for key in OFFICE_SETTINGS)
    settings = (*office, *sorted(app.view_functions))
    digest.update(repr(settings).encode())
    return digest.hexdigest()


def page_version():
    """Computed once; in debug mode on every request, since templates reload there."""
    app = current_app._get_current_object()
    if app.debug or "guidance_page_version" not in app.extensions:
        app.extensions["guidance_page_version"] = _page_version(app)
    return app.extensions["guidance_page_version"]


def viewer():
    """Who the page is rendered for: signed-in pages carry the user's name and role."""
    if current_user.is_authenticated:
        return (current_user.get_id(), current_user.full_name, str(current_user.role))
    return None


def cacheable(template, **context):
    """Render with a weak ETag: a matching request gets 304; anonymous pages may be kept 5 minutes.

    The ETag covers the articles, language, page shell, viewer, URL and fragment-or-page. It is
    weak because the CSRF token in the page differs between requests without changing its
    meaning (and so Flask-Compress leaves it as it is). Signed-in pages get `private` from
    app.py. A page showing a flashed message gets no ETag: a cached copy would lose it."""
    shows_flash = bool(session.get("_flashes"))  # before rendering, which takes them
    response = current_app.make_response(render_template(template, **context))
    if shows_flash:
        return response
    parts = (library().version, lang(), page_version(), viewer(), request.full_path, is_partial())
    response.set_etag(hashlib.sha256(repr(parts).encode()).hexdigest()[:32], weak=True)
    if not current_user.is_authenticated:
        response.cache_control.public = True
        response.cache_control.max_age = ANONYMOUS_MAX_AGE
    return response.make_conditional(request)


def search_query():
    """The search words from the URL, trimmed to a sane length."""
    return request.args.get("q", "").strip()[:MAX_QUERY_LENGTH]


def index_page(query):
    """The index, with search results when there is a query."""
    results = library().search(lang(), query)
    context = {
        "groups": library().by_audience(lang()),
        "headings": AUDIENCE_HEADINGS,
        "query": query,
        "results": results,
    }
    template = "guidance/_results.html" if is_partial() else "guidance/index.html"
    return cacheable(template, **context)


@bp.route("/")
@public
def index():
    """Every article, grouped for residents, village officials and landlords, with a search."""
    return index_page("")


@bp.route("/search")
@public
def search():
    """Search titles and text in the current language: results for htmx, the index otherwise."""
    return index_page(search_query())


@bp.route("/<slug>")
@public
def article(slug):
    """One article, with its contents, sources, related articles and the way to report."""
    found = library().get(lang(), slug)
    if found is None:
        abort(404)
    related = [library().get(lang(), other) for other in found.related]
    return cacheable("guidance/article.html", article=found, related=related)
