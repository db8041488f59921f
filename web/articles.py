"""The guidance articles as the pages see them: loaded once per app, in the request's language,
and linked by slug from any template."""

from urllib.parse import urlsplit

from flask import current_app
from flask import url_for
from flask_babel import get_locale

from domain import guidance

# The start page shows these articles to residents, in this order.
RESIDENT_ESSENTIALS = ("how-to-report", "lodging-report-duty", "signs-of-violations", "faq")


def load_library(app):
    """Read every article at start-up; a broken file stops the app with a clear error."""
    app.extensions["guidance"] = guidance.load(app.config["GUIDANCE_DIR"], app.config["LANGUAGES"])


def library():
    """The guidance articles loaded at start-up (web.init_app)."""
    return current_app.extensions["guidance"]


def lang():
    """The language of this request, which is also the guidance articles' language."""
    return str(get_locale())


def known(slug):
    """The slug itself; an unknown one is a bug in the caller, so it raises."""
    if slug not in library().slugs:
        raise ValueError(f"no guidance article {slug!r}")
    return slug


def guidance_url(slug):
    """The stable address of a guidance article."""
    return url_for("guidance.article", slug=known(slug))


def guidance_title(slug):
    """An article's title in the current language."""
    return library().get(lang(), known(slug)).title


def resident_essentials():
    """The few articles the start page offers residents."""
    articles = (library().get(lang(), slug) for slug in RESIDENT_ESSENTIALS)
    return [article for article in articles if article is not None]


def urlhost(url):
    """The site a source lives on, short enough for a phone; print shows the full address."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
