"""The TIMPORA recap: a printable summary of a period, and the same as CSV (every cell safe to
open in a spreadsheet program: domain/spreadsheet.py)."""

import io

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask_login import current_user
from wtforms import DateField

from domain import Role
from domain import spreadsheet
from domain.calendar import office_today
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
    """The period asked for in the address bar; this month so far by default."""
    form = PeriodForm(request.args, meta={"csrf": False})
    today = office_today()
    valid = form.validate()
    date_from = (valid and form.date_from.data) or today.replace(day=1)
    date_to = (valid and form.date_to.data) or today
    if date_from > date_to:
        form.date_to.errors = [_("The end date is before the start date.")]
        date_from, date_to = date_to, date_from
    form.date_from.data, form.date_to.data = date_from, date_to
    return form, date_from, date_to


@bp.route("/")
@roles(Role.OFFICER, Role.ADMIN)
def index():
    """The recap page, laid out to print for the TIMPORA meeting."""
    form, date_from, date_to = _period()
    recap = build_recap(current_user.visible_village_ids(), date_from, date_to)
    return render_template("recap/index.html", form=form, recap=recap,
                           village_columns=VILLAGE_COLUMNS)


@bp.route("/recap.csv")
@roles(Role.OFFICER, Role.ADMIN)
def export():
    """The same recap as CSV, one row per village, then the forwarded reports."""
    _form, date_from, date_to = _period()
    recap = build_recap(current_user.visible_village_ids(), date_from, date_to)
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    rows = [[label("recap column", column) for column in VILLAGE_COLUMNS]]
    rows += [row.cells() for row in recap.villages]
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
