"""gettext for the app and its templates, with Flask-Babel's choice of language.

Flask-Babel finds the request's catalog through about ten context-local lookups on every call;
a queue page translates a few hundred strings, and those lookups cost more than its database
queries. These functions find the catalog once per request and language, and otherwise behave
as Flask-Babel's: its locale selector, `refresh()` and `force_locale()` keep working.

They read where Flask-Babel 4.0.0 (pinned) keeps the locale in force, `g._flask_babel.babel_locale`,
an attribute it does not document: tests/test_i18n.py fails if an upgrade moves it."""

import flask_babel
from flask import g
from flask import has_app_context
from flask_babel.speaklater import LazyString


def catalog():
    """The translations for the locale in force."""
    if not has_app_context():
        return flask_babel.get_translations()
    state = g._get_current_object()
    # Flask-Babel keeps the locale of the request (or of force_locale) here; a new locale object
    # means another language, so the remembered catalog is used only while it is the same one.
    locale = getattr(state.__dict__.get("_flask_babel"), "babel_locale", None)
    remembered = state.__dict__.get("_i18n_catalog")
    if locale is not None and remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = flask_babel.get_translations()
    state._i18n_catalog = (state._flask_babel.babel_locale, translations)
    return translations


def gettext(string, **variables):
    text = catalog().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    variables.setdefault("num", num)
    return catalog().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    """A string translated when it is shown, in the language of that moment."""
    return LazyString(gettext, string, **variables)


def install(app):
    """Use these lookups for `_()`, `gettext()` and `ngettext()` in templates too."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalog().ugettext(string),
        ngettext=lambda singular, plural, num: catalog().ungettext(singular, plural, num),
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, num: catalog().unpgettext(
            context, singular, plural, num),
        newstyle=True,
    )
