"""The Flask glue between the domain and services and the routes: who may use a route (access),
page or fragment (htmx), caching, the session cookie, translations and labels, the forms shared
by several pages, photo intake, and what templates see. `init_app` wires it into an app."""

import sqlite3

from sqlalchemy import event

from extensions import db
from services import notify
from services import search
from web import access
from web import template_globals
from web.articles import load_library
from web.caching import set_cache_headers
from web.session import renew_daily
from web.session import require_password_change


def init_app(app):
    """Hooks, template names and database tuning; after the blueprints are registered."""
    load_library(app)
    app.before_request(access.enforce_access)
    app.before_request(require_password_change)
    app.before_request(renew_daily)
    app.after_request(set_cache_headers)
    template_globals.register(app)
    notify.init_app(app)
    search.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _tune_sqlite)


def _tune_sqlite(dbapi_connection, _record):
    """WAL for concurrent readers, enforced foreign keys, and waiting instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
