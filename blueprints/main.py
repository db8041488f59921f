"""The start page, the language switch and the health check."""

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from domain import Role
from domain import checkins
from domain.calendar import office_today
from extensions import db
from services.checkins import silent_villages
from services.checkins import this_month_standing
from web.access import public
from web.navigation import safe_next

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@public
def index():
    """The start page: what each kind of user can do from here; an official's monthly nil
    check-in, and for officers and admins the villages that have gone silent."""
    context = {"checkin": None, "silent": [], "silent_months": []}
    if current_user.is_authenticated:
        today = office_today()
        if current_user.role == Role.OFFICIAL and current_user.village_id:
            context["checkin"] = {"month": checkins.month_of(today), "error": None,
                                  "standing": this_month_standing(current_user.village_id, today)}
        elif current_user.role in (Role.OFFICER, Role.ADMIN):
            context["silent"] = silent_villages(current_user.visible_village_ids(), today)
            context["silent_months"] = checkins.flag_months(today)
    return render_template("main/index.html", **context)


@bp.route("/language", methods=("POST",))
@public
def set_language():
    """Switch the language, remember it, and go back to the same page."""
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = redirect(safe_next(request.form.get("next"), url_for("main.index")), 303)
    response.set_cookie(
        "lang",
        lang,
        max_age=ONE_YEAR,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/healthz")
@public
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "down"}, 503
    return {"status": "ok", "database": "up"}
