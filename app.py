"""Desa Binaan: the application factory and command-line tools."""

import os
import smtplib
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache
from jinja2 import StrictUndefined
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

import web
from config import CONFIGS
from config import DEVELOPMENT_DATA_KEY
from config import DEVELOPMENT_INDEX_KEY
from config import INSTANCE_DIR
from domain.encryption import Keyring
from domain.encryption import new_key
from extensions import babel
from extensions import compress
from extensions import csrf
from extensions import db
from extensions import limiter
from extensions import login_manager
from extensions import migrate
from extensions import talisman
from web import i18n
from web import routing
from web import session as session_cookie
from web.i18n import gettext as _

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' blob: data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# The app's statements each read a few rows through indexes: starting parallel workers (several
# ms each time) or compiling with JIT (tens of ms, once the planner's guesses reach a million
# rows) costs more than it could save.
POSTGRES_SESSION = "-c max_parallel_workers_per_gather=0 -c jit=off"


class MissingSecretKey(RuntimeError):
    """Raised when the app would run outside development without a SECRET_KEY."""


class MissingDataKeys(RuntimeError):
    """Raised when production would seal passport numbers without keys of its own."""


def install_keyring(app, mode):
    """The keys that seal passport numbers and birth dates (models.Sealed reads them from
    app.extensions). Production needs its own: no keys, or the public development ones, and the
    app refuses to start."""
    config = app.config
    if mode == "production":
        if not config.get("DATA_KEYS") or not config.get("BLIND_INDEX_KEY"):
            raise MissingDataKeys(
                "DATA_KEYS and BLIND_INDEX_KEY must be set in production: they seal passport numbers "
                "and birth dates. Make each with `flask new-key` or python -c 'import base64, os; "
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())', and keep them safe: "
                "without them the sealed data cannot be read.")
        if DEVELOPMENT_DATA_KEY in config["DATA_KEYS"] or config["BLIND_INDEX_KEY"] == DEVELOPMENT_INDEX_KEY:
            raise MissingDataKeys("DATA_KEYS and BLIND_INDEX_KEY must not be the public development keys.")
    app.extensions["keyring"] = Keyring.from_settings(config["DATA_KEYS"], config["BLIND_INDEX_KEY"])


class BadPublicUrl(RuntimeError):
    """Raised when e-mails would carry links but PUBLIC_URL does not say where the site is."""


def check_public_url(config, mode):
    """PUBLIC_URL must be an http(s) address with a host and no query; in production it is
    required as soon as MAIL_SERVER is set, since e-mails link to the site."""
    url = config["PUBLIC_URL"]
    if not url:
        if mode == "production" and config["MAIL_SERVER"]:
            raise BadPublicUrl(
                "MAIL_SERVER is set but PUBLIC_URL is not: export PUBLIC_URL to the address officers "
                "open the site at (e.g. https://desabinaan.example.go.id); e-mail links start with it.")
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or any(character.isspace() or not character.isprintable() for character in url):
        raise BadPublicUrl(f"PUBLIC_URL must look like https://host[/path], not {url!r}.")


def create_app(test_config=None):
    """Build the app. `test_config` overrides settings (tests use the testing mode)."""
    overrides = dict(test_config or {})
    default_mode = "testing" if test_config is not None else "production"
    mode = overrides.pop("ENV_NAME", None) or os.environ.get("APP_ENV", default_mode)
    if mode not in CONFIGS:
        raise click.UsageError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {mode!r}")

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(CONFIGS[mode])
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        raise MissingSecretKey(
            "SECRET_KEY is not set. Outside development and tests the app refuses to start "
            "without one: export SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    check_public_url(app.config, mode)
    install_keyring(app, mode)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.testing:
        app.jinja_env.undefined = StrictUndefined
    if app.config["JINJA_BYTECODE_DIR"]:
        # Compiled templates shared by every app and worker process (tests make hundreds).
        Path(app.config["JINJA_BYTECODE_DIR"]).mkdir(parents=True, exist_ok=True)
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(app.config["JINJA_BYTECODE_DIR"])
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    _init_extensions(app)
    routing.install(app)
    _register_blueprints(app)
    web.init_app(app)
    _register_cli(app)
    return app


def outside_search_index(name, type_, _parent_names):
    """Alembic's filter: the search index's tables are made by services/search.py, not models."""
    from services import search

    return type_ != "table" or not search.is_index_table(name)


def _init_extensions(app):
    from models import User

    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A database file has no connection to lose; the ping would be a statement per request.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = options.get("connect_args", {})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": {
            **connect_args, "options": f"{POSTGRES_SESSION} {connect_args.get('options', '')}".strip()}}
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, include_name=outside_search_index)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    i18n.install(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CSP,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
        permissions_policy={"geolocation": "(self)", "camera": "(self)"},
    )

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"  # "strong" logs out on every mobile IP change

    # Built once with the villages every page of an officer needs; Session.get would build its
    # statement anew on every request, at several times the cost of running it.
    signed_in_user = (select(User).options(joinedload(User.villages))
                      .where(User.id == bindparam("user_id")))

    @login_manager.user_loader
    def load_user(user_id):
        parsed = session_cookie.parse_user_id(user_id)
        if parsed is None:
            return None
        account, generation = parsed
        user = db.session.execute(
            signed_in_user, {"user_id": account}).unique().scalar_one_or_none()
        return user if session_cookie.accepts(user, generation) else None

    login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Send anonymous users to the login page; htmx requests get a redirect header."""
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    flash(_("Please log in to open this page."), "info")
    return redirect(login_url)


def select_locale():
    """Saved preference, then the language cookie, then the browser, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def _register_blueprints(app):
    from blueprints import admin
    from blueprints import audit
    from blueprints import auth
    from blueprints import checkins
    from blueprints import errors
    from blueprints import guidance
    from blueprints import main
    from blueprints import persons
    from blueprints import photos
    from blueprints import pwa
    from blueprints import recap
    from blueprints import reports
    from blueprints import review
    from blueprints import tips

    for module in (admin, audit, auth, checkins, errors, guidance, main, persons, photos, pwa, recap,
                   reports, review, tips):
        app.register_blueprint(module.bp)


def _register_cli(app):
    from domain import Role
    from models import User
    from services import accounts
    from services import backup
    from services import daily
    from services import keys
    from services import photo_store
    from services import retention
    from services import search
    from services.demo import seed_demo
    from services.demo_reports import seed_demo_reports

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo villages, accounts and a few reports, only into an empty database."""
        if db.session.scalar(select(func.count(User.id))):
            click.echo("Database already has accounts; demo data not loaded.")
            return
        seed_demo()
        seed_demo_reports()
        click.echo("Demo data loaded: accounts admin, petugas, desa (password demo12345) and a few reports.")

    @app.cli.command("reindex")
    def reindex_command():
        """Rebuild the reports' search index from the reports and persons."""
        with db.engine.begin() as connection:
            count = search.rebuild(connection)
        click.echo(f"Search index rebuilt: {count} reports.")

    @app.cli.command("backup")
    @click.argument("archive", type=click.Path(dir_okay=False))
    def backup_command(archive):
        """Write the database and the photos, with checksums, to one archive (.tar.gz)."""
        try:
            manifest = backup.backup(archive)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Backup written to {archive}: the database and {len(manifest['files']) - 1} photo files.")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    def restore_command(archive):
        """Restore an archive of `flask backup` into this empty instance, checking every file."""
        try:
            manifest = backup.restore(archive)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Restored {archive} (made {manifest['created']}); every checksum matched.")
    @app.cli.command("new-key")
    def new_key_command():
        """Print a fresh random key for DATA_KEYS or BLIND_INDEX_KEY."""
        click.echo(new_key())

    @app.cli.command("rotate-keys")
    @click.option("--batch-size", default=keys.BATCH, show_default=True, type=click.IntRange(1))
    def rotate_keys_command(batch_size):
        """Seal every passport number and birth date again with the first key of DATA_KEYS.
        Keep the old keys after it in DATA_KEYS until this reports nothing left; safe to stop
        and run again."""
        results = keys.rotate_keys(batch_size)
        for rotated in results:
            click.echo(f"{rotated.column}: {rotated.resealed} sealed again with the current key, "
                       f"{rotated.remaining} left under older keys.")
        if any(rotated.remaining for rotated in results):
            # Written meanwhile by a worker still sealing with an old key: restart it, run again.
            raise click.ClickException("Values remain under older keys; keep them in DATA_KEYS and run "
                                       "rotate-keys again once every worker has the new DATA_KEYS.")
        click.echo("Done: the keys after the first in DATA_KEYS may now be removed.")

    @app.cli.command("notify-silent")
    def notify_silent_command():
        """E-mail the officers of each village silent for the last completed months (no report,
        no nil check-in), once per village and month; also part of `flask daily`."""
        try:
            click.echo(daily.announce_silent_villages())
        except (OSError, smtplib.SMTPException) as error:
            raise click.ClickException(f"E-mail not sent ({type(error).__name__}: {error}); "
                                       "nothing was recorded, the next run tries again.") from None

    @app.cli.command("purge")
    @click.option("--older-than", "days", type=click.IntRange(min=1), default=None,
                  help="Days after closing; default RETENTION_DAYS.")
    @click.option("--dry-run", is_flag=True, help="Only say what would be anonymised.")
    def purge_command(days, dry_run):
        """Anonymise closed reports and never-confirmed tips older than the retention period:
        names, passport numbers, birth dates, phones, addresses, texts and photos go; category,
        village, dates, nationality and outcome stay."""
        done = retention.purge(days, dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        click.echo(f"{done.reports} reports older than {done.older_than_days} days {verb}: "
                   f"{done.persons} persons, {done.events} texts, {done.photos} photos.")

    @app.cli.command("daily")
    def daily_command():
        """Once a day from cron: the retention purge, the photo reconciliation and the
        silent-village mail. Exits 1 when a task failed (the others still ran)."""
        results = daily.run()
        for name, ok, line in results:
            click.echo(line if ok else f"{name} FAILED: {line}", err=not ok)
        if not all(ok for _name, ok, _line in results):
            raise SystemExit(1)

    @app.cli.command("reconcile-photos")
    @click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
    def reconcile_photos_command(dry_run):
        """Daily: remove photo files no report owns (a day old), purge pending photos, and list
        photos whose files are missing. Exits 1 when files are missing."""
        result = photo_store.reconcile(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        click.echo(f"{len(result.orphans_removed)} photo files without a report {verb}; "
                   f"{result.pending_purged} old pending files purged; "
                   f"{len(result.missing)} files of saved photos missing.")
        for code, photo_id, name in result.missing:
            click.echo(f"missing: report {code}, photo {photo_id}, file {name}", err=True)
        if result.missing:
            raise SystemExit(1)

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--full-name", required=True)
    @click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
    @click.option("--village", "villages", multiple=True, help="Village name; repeat for officers.")
    @click.option("--phone", default="")
    @click.option("--email", default="", help="Officers get urgent reports here.")
    @click.option("--locale", type=click.Choice(["id", "en"]), default=None)
    @click.password_option()
    def create_user_command(username, full_name, role, villages, phone, email, locale, password):
        """Create an account of any role."""
        if accounts.username_taken(username):
            raise click.UsageError(f"User {accounts.normal_username(username)!r} already exists.")
        if len(password) < accounts.MIN_PASSWORD:
            raise click.UsageError(f"The password must have at least {accounts.MIN_PASSWORD} characters.")
        try:
            found = accounts.villages_named(villages)
        except LookupError as missing:
            raise click.UsageError(f"No village named {missing.args[0]!r}.") from None
        if role == Role.OFFICIAL and len(found) != 1:
            raise click.UsageError("An official belongs to exactly one village (--village).")
        user = accounts.save_account(
            User(), username=username, full_name=full_name, role=role, phone=phone, email=email,
            locale=locale, password=password, village_id=found[0].id if found else None,
            village_ids=[village.id for village in found])
        click.echo(f"Created {role} {user.username}.")
