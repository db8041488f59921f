"""The signed session cookie: what a login puts in it, which cookies still sign someone in, and
its renewal at most once a day.

Sessions are ended on the server: the cookie names the account and the account's session
generation (models.User.get_id), and the user loader accepts it only while the account is active
and its generation unchanged. Logging out, changing or resetting a password, deactivating an
account and an admin's "end sessions" raise the generation, so every copy of every cookie of that
account stops working at once. A login starts a new session (cleared, with a new random id), so
nothing planted in a cookie before the login survives it. An admin's session needs the password
again after ADMIN_SESSION_LIFETIME (12 hours), whatever the cookie's own lifetime.

Flask would re-sign a permanent session on every response, so that it lapses a fortnight after
the last visit rather than after logging in. With SESSION_REFRESH_EACH_REQUEST off, changing the
session once a day keeps that promise to within a day, and spares every other response the
signing and a Set-Cookie header (bytes on a weak line)."""

import secrets
import time
from datetime import UTC
from datetime import datetime

from flask import current_app
from flask import g
from flask import make_response
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from domain import Role

SIGNED_IN_AT = "signed_in_at"
SESSION_ID = "sid"


def start_session(user):
    """Sign `user` in on a new session: the old contents dropped, a new id, the time noted.
    Officials may be offline for days, so the session outlives closing the browser."""
    session.clear()
    session.permanent = True
    session[SESSION_ID] = secrets.token_urlsafe(16)
    session[SIGNED_IN_AT] = int(time.time())
    login_user(user)
    fresh_form_token()


def end_session():
    """Sign out on this browser and forget everything the session held."""
    logout_user()
    session.clear()
    fresh_form_token()


def fresh_form_token():
    """A new form token in the cookie of this very answer. Left to the next page, the token would
    be made by whichever request came first (the page, its badge, the service worker refreshing
    its offline pages), each with its own, and the page's forms would then be refused.
    Flask-WTF remembers this request's token in `g` and would hand back the old one."""
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    generate_csrf()


def parse_user_id(value):
    """(account id, session generation) from the cookie's user id, or None when malformed."""
    account, _, generation = (value or "").partition(".")
    if not (account.isascii() and account.isdigit() and generation.isascii() and generation.isdigit()):
        return None
    if len(account) > 10 or len(generation) > 10:
        return None
    return int(account), int(generation)


def accepts(user, generation):
    """Whether this session still signs `user` in: active, same generation, and for an admin
    signed in within ADMIN_SESSION_LIFETIME."""
    if user is None or not user.active or user.session_generation != generation:
        return False
    if user.role == Role.ADMIN:
        signed_in_at = session.get(SIGNED_IN_AT)
        limit = current_app.config["ADMIN_SESSION_LIFETIME"].total_seconds()
        if not isinstance(signed_in_at, int) or not 0 <= time.time() - signed_in_at <= limit:
            return False
    return True


# What a user with a temporary password may still reach: changing it, logging out, and what every
# page needs to load (the service worker, the manifest, a form token, static files).
WHILE_PASSWORD_TEMPORARY = frozenset({
    "auth.change_password", "auth.logout", "auth.login", "static",
    "pwa.service_worker", "pwa.manifest", "pwa.csrf_token", "main.set_language"})


def require_password_change():
    """Before every request: an account whose password an admin reset reaches only the
    change-password page until its owner has chosen a new password."""
    if (not current_user.is_authenticated or not current_user.must_change_password
            or request.endpoint is None or request.endpoint in WHILE_PASSWORD_TEMPORARY):
        return None
    target = url_for("auth.change_password")
    if request.headers.get("HX-Request"):
        response = make_response("", 403)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def renew_daily():
    """Before every request: touch a permanent session once a day, so Flask re-signs it."""
    if session.permanent:
        today = datetime.now(UTC).date().isoformat()
        if session.get("renewed_on") != today:
            session["renewed_on"] = today
