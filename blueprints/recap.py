"""The TIMPORA recap: a printable summary of a period, and the same as CSV (every cell safe to
open in a spreadsheet program: domain/spreadsheet.py)."""

import io

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from wtforms import DateField

from domain import Role
from domain import spreadsheet
from domain.calendar import PERIOD_PRESETS
from domain.calendar import default_preset
from domain.calendar import office_today
from domain.calendar import preset_period
from services.recap import VILLAGE_COLUMNS
from services.recap import build_recap
from web.access import roles
from web.forms import BaseForm
from web.forms import optional
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import label

bp = Blueprint("recap", __name__, url_prefix="/recap")


class PeriodForm(BaseForm):
    date_from = DateField(_l("From"), validators=[optional()])
    date_to = DateField(_l("To"), validators=[optional()])


def _period():
    """The period asked for in the address bar: a preset (`period=last_month`), or dates of one's
    own; calendar.default_preset when neither is given. Returns (form, preset or None, from, to)."""
    form = PeriodForm(request.args, meta={"csrf": False})
    today = office_today()
    preset = request.args.get("period")
    own_dates = request.args.get("date_from") or request.args.get("date_to")
    custom = preset not in PERIOD_PRESETS and bool(own_dates)
    if preset not in PERIOD_PRESETS and not custom:
        preset = default_preset(today)
    if not custom:
        date_from, date_to = preset_period(preset, today)
        form.date_from.data, form.date_to.data = date_from, date_to
        return form, preset, date_from, date_to
    valid = form.validate()
    date_from = (valid and form.date_from.data) or today.replace(day=1)
    date_to = (valid and form.date_to.data) or today
    if date_from > date_to:
        form.date_to.errors = [_("The end date is before the start date.")]
        date_from, date_to = date_to, date_from
    form.date_from.data, form.date_to.data = date_from, date_to
    return form, None, date_from, date_to


def _presets(chosen):
    """The preset links: (key, title, URL, chosen)."""
    titles = {"this_month": _("This month"), "last_month": _("Last month"),
              "this_quarter": _("This quarter")}
    return [(key, titles[key], url_for("recap.index", period=key), key == chosen)
            for key in PERIOD_PRESETS]


@bp.route("/")
@roles(Role.OFFICER, Role.ADMIN)
def index():
    """The recap page, laid out to print for the TIMPORA meeting."""
    form, preset, date_from, date_to = _period()
    recap = build_recap(current_user.visible_village_ids(), date_from, date_to)
    return render_template("recap/index.html", form=form, recap=recap, preset=preset,
                           presets=_presets(preset), village_columns=VILLAGE_COLUMNS)


@bp.route("/recap.csv")
@roles(Role.OFFICER, Role.ADMIN)
def export():
    """The same recap as CSV, one row per village, then the forwarded reports."""
    _form, _preset, date_from, date_to = _period()
    recap = build_recap(current_user.visible_village_ids(), date_from, date_to)
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    rows = [[label("recap column", column) for column in VILLAGE_COLUMNS]]
    rows += [row.cells() for row in recap.villages]
    rows.append([_("Total"), *recap.totals()])
    rows.append([])
    rows.append([_("Reference"), _("Village"), _("Category"), _("Received"), _("Status"), _("Outcome")])
    rows += [[report.code, report.name, label("category", report.category),
              report.created_at.date().isoformat(), label("status", report.status),
              label("outcome", report.outcome)] for report in recap.forwarded]
    for row in rows:
        writer.writerow(spreadsheet.safe_row(row))
    filename = f"rekap-timpora-{date_from.isoformat()}-{date_to.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
