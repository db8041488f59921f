"""Guidance on immigration law: the index, search and articles, public and cacheable.

Link an article by slug with `url_for('guidance.article', slug=...)`, or `guidance_url(slug)` in
templates (it refuses unknown slugs)."""

from flask import Blueprint
from flask import abort
from flask import request

from web.access import public
from web.articles import lang
from web.articles import library
from web.caching import conditional
from web.htmx import render
from web.i18n import lazy_gettext as _l

bp = Blueprint("guidance", __name__, url_prefix="/guidance")

AUDIENCE_HEADINGS = {
    "residents": _l("For residents"),
    "officials": _l("For village officials"),
    "landlords": _l("For landlords and lodging owners"),
}
MAX_QUERY_LENGTH = 100


def cacheable(template, **context):
    """A guidance page, conditional on the articles and the language (web.caching.conditional)."""
    return conditional(render(template, **context), library().version, lang())


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
    return cacheable("guidance/index.html", **context)


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
