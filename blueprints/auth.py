"""Logging in and out, and changing one's own password."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import EqualTo

from extensions import limiter
from services import accounts
from web.access import public
from web.access import signed_in
from web.forms import BaseForm
from web.forms import length_between
from web.forms import max_length
from web.forms import required
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.navigation import safe_next
from web.session import end_session
from web.session import start_session

bp = Blueprint("auth", __name__, url_prefix="/auth")


class LoginForm(BaseForm):
    username = StringField(_l("Username"), validators=[required(), max_length(64)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(128)])


class PasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[required(), max_length(128)])
    new = PasswordField(
        _l("New password"),
        validators=[required(), length_between(accounts.MIN_PASSWORD, 128)],
        description=_l("At least 8 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("new", message=_l("The two passwords differ."))],
    )


def _login_limit():
    return current_app.config["LOGIN_LIMIT"]


def _submitted_username():
    return "user:" + request.form.get("username", "").strip().lower()[:64]


def _login_failed(_response):
    return g.get("login_failed", False)


@bp.route("/login", methods=("GET", "POST"))
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_login_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_submitted_username, deduct_when=_login_failed)
def login():
    """Show the login form and sign the user in."""
    target = safe_next(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is not None:
            start_session(user)
            if user.must_change_password:  # a temporary password from an admin's reset
                flash(_("Your password was reset by an admin. Choose a new password of your own "
                        "to continue."), "info")
                return redirect(url_for("auth.change_password"), 303)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            return redirect(target, 303)
        # One message for every failure, so it never reveals which part was wrong.
        g.login_failed = True
        accounts.record_failed_login(form.username.data, request.remote_addr)
        form.password.errors.append(_("Wrong username or password, or the account is inactive."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=("POST",))
@signed_in
def logout():
    """Sign out, here and on every other device of this account, and go back to the start page."""
    accounts.end_sessions(current_user, current_user)
    end_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"), 303)


@bp.route("/password", methods=("GET", "POST"))
@signed_in
def change_password():
    """Let the signed-in user replace their password (after an admin's reset, before anything
    else: web/session.py sends every other page here)."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        elif form.new.data == form.current.data:
            form.new.errors.append(_("Choose a password different from the current one."))
        else:
            user = current_user._get_current_object()
            accounts.change_own_password(user, form.new.data)
            start_session(user)  # this browser stays signed in; every other session ends
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
