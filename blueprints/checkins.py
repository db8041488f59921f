"""Nil check-ins: an official's monthly "no foreigners observed" (one tap on the start page, or
later from the phone's outbox), and the villages' standing month by month for their officers."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_login import current_user

from domain import Role
from domain import checkins
from domain.calendar import office_today
from services.checkins import check_in
from services.checkins import standing_grid
from services.checkins import this_month_standing
from web.access import roles
from web.htmx import is_partial
from web.i18n import gettext as _

bp = Blueprint("checkins", __name__, url_prefix="/checkins")

# The overview's months: half a year, enough to see a village fall silent and come back.
OVERVIEW_MONTHS = 6


@bp.route("/nil", methods=("POST",))
@roles(Role.OFFICIAL)
def confirm():
    """The official confirms that their own village saw no foreigners in the month on the form
    (this month, or the last one when the tap waited in the outbox over the turn of a month)."""
    if not current_user.village_id:
        abort(403)
    today = office_today()
    try:
        month = checkins.parse_month(request.form.get("month", ""))
        _checkin, created = check_in(current_user, month, today)
    except ValueError:
        message = _("This month can no longer be confirmed. Open the start page again to confirm "
                    "the current month.")
        if is_partial():
            return render_template("main/_checkin.html", standing=None, month=checkins.month_of(today),
                                   error=message), 400
        return render_template("errors/error.html", code=400, title=_("Not confirmed"),
                               message=message), 400
    if is_partial():
        # The card as it now stands for the current month (a stale page may have confirmed the last).
        return render_template("main/_checkin.html", month=checkins.month_of(today), error=None,
                               standing=this_month_standing(current_user.village_id, today))
    if created:
        flash(_("Thank you: the office now knows that no foreigners were observed in %(village)s in "
                "%(month)s.", village=current_user.village.name,
                month=format_date(month, "MMMM yyyy")), "success")
    return redirect(url_for("main.index"), 303)


@bp.route("/")
@roles(Role.OFFICER, Role.ADMIN)
def overview():
    """Each village of the user's (all for admins) as reported, nil or silent in each of the
    last months, the current one still open."""
    today = office_today()
    months = checkins.last_months(today, OVERVIEW_MONTHS)
    grid = standing_grid(current_user.visible_village_ids(), months[0], months[-1], today)
    return render_template("checkins/overview.html", grid=grid)
