"""Translated error pages; htmx requests get a fragment for the message area.

A server error's page never touches the database: the database may be why it failed. Its session
is rolled back (a dead connection may refuse even that), and the page is drawn for an anonymous
visitor, so that nothing (the menu, the language of the account) loads the account again. A
database that cannot be reached gets its own page, 503, asking to try again later."""

from flask import Blueprint
from flask import current_app
from flask import g
from flask import make_response
from flask import render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from extensions import db
from extensions import login_manager
from web.htmx import is_partial
from web.i18n import gettext as _

bp = Blueprint("errors", __name__)


def _message(code):
    """What went wrong and what to do, in the user's language."""
    max_mb = current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)
    messages = {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        403: (_("Not allowed"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("This page does not exist or is no longer here.")),
        405: (_("Not allowed here"), _("This action cannot be done on this page.")),
        413: (
            _("Too large"),
            _("What you sent is too large. Each photo may be at most %(mb)s MB.", mb=max_mb),
        ),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a minute and try again.")),
        503: (
            _("Service unavailable"),
            _("The service cannot reach its database just now and nothing was saved. Please try "
              "again in a few minutes."),
        ),
        500: (
            _("Something went wrong"),
            _("Something went wrong on our side and nothing was saved. Please try again."),
        ),
    }
    return messages.get(code, messages[400 if code < 500 else 500])


def forget_the_database():
    """Before a server error's page: end the failed transaction and stop using the account, so
    that drawing the page needs no database."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a connection that is gone may refuse even the rollback
        current_app.logger.warning("rollback failed after a server error", exc_info=True)
    g._login_user = login_manager.anonymous_user()


def render_error(code, title, message):
    """The error page, or its fragment retargeted to the message area for htmx."""
    if is_partial():
        response = make_response(
            render_template("errors/_error.html", title=title, message=message), code
        )
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return make_response(page, code)


@bp.app_errorhandler(CSRFError)
def csrf_error(_error):
    """A missing or stale form token."""
    return render_error(
        400,
        _("Form expired"),
        _("This form has expired or did not come from this site. Reload the page and send it again."),
    )


@bp.app_errorhandler(HTTPException)
def http_error(error):
    """Every HTTP error the app or Werkzeug raises."""
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        forget_the_database()
    title, message = _message(error.code)
    response = render_error(error.code, title, message)
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.app_errorhandler(InternalServerError)
def server_error(_error):
    """Anything unexpected: never a stack trace, never half a record."""
    forget_the_database()
    title, message = _message(500)
    return render_error(500, title, message)


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_unreachable(error):
    """The database cannot be reached (or is too busy): 503, try again later."""
    current_app.logger.error("database unavailable: %s", type(error.orig or error).__name__)
    forget_the_database()
    title, message = _message(503)
    return render_error(503, title, message)
