"""Pieces of a page that are the same for many requests (the menu, the queue's filter form),
rendered once per app and kept.

A kept piece is rendered from its arguments alone, in a Jinja environment that has no request,
session, user, form token or flashed messages to reach and that fails on any name it does not
have; its arguments, with the language and the mount point, are the cache key. So a kept piece
cannot carry one user's data to another: not by convention, by construction. The arguments must
be hashable values (tuples, frozen dataclasses), never database rows."""

import threading

from cachetools import LRUCache
from flask import current_app
from flask import request
from flask_babel import get_locale
from jinja2 import StrictUndefined
from markupsafe import Markup

from web import access

# What Flask, Flask-WTF, Flask-Login and this app give templates about the current request.
REQUEST_BOUND = frozenset({"request", "session", "g", "config", "current_user", "csrf_token",
                           "get_flashed_messages", "shown_messages", "pwa_config_json",
                           "navigation"})
_lock = threading.Lock()


def role_may_use(endpoint, role):
    """Whether a user of `role` (None: nobody signed in) passes the endpoint's declared rule."""
    rule = access.rule_for(endpoint)
    if rule == access.ANYONE:
        return True
    return rule is not None and role is not None and role in rule


def _environment(app):
    """The app's template environment without the request-bound names, with its own template
    cache (a template compiled for the app's environment would see them)."""
    environment = app.jinja_env.overlay(undefined=StrictUndefined, cache_size=64)
    environment.globals = {name: value for name, value in app.jinja_env.globals.items()
                           if name not in REQUEST_BOUND}
    environment.globals["role_may_use"] = role_may_use
    return environment


def _state():
    app = current_app._get_current_object()
    state = app.extensions.get("fragments")
    if state is None:
        state = app.extensions.setdefault("fragments", (_environment(app), LRUCache(4096)))
    return state


def kept(template, **arguments):
    """`template` rendered with `arguments` only; kept per app, language and mount point."""
    return kept_each(template, (tuple(sorted(arguments.items())),))[0]


def kept_each(template, argument_sets):
    """`template` rendered once per set of arguments (each a tuple of (name, value) pairs), in
    order; each kept as `kept` keeps one. For the rows of a list: a row shown before, on any
    page and for any user, costs a look-up instead of a rendering."""
    environment, pieces = _state()
    prefix = (template, str(get_locale()), request.script_root)
    keys = [(*prefix, *arguments) for arguments in argument_sets]
    found = {}
    if not environment.auto_reload:  # templates being edited: render afresh every time
        with _lock:
            found = {key: pieces[key] for key in keys if key in pieces}
    for key in keys:
        if key not in found:
            rendered = environment.get_template(template).render(dict(key[len(prefix):]))
            # Safe as Markup: the output of our own autoescaped template, as render_template
            # returns it.
            found[key] = Markup(rendered)  # nosec B704
            with _lock:
                pieces[key] = found[key]
    return [found[key] for key in keys]
