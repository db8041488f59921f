"""The TIMPORA recap: a printable summary of a period and scope with charts, each figure beside
the previous period's, and the same figures as CSV and XLSX (every cell safe to open in a
spreadsheet program: domain/spreadsheet.py). Admins may also export the period's reports with
names, passport numbers and phones; every download is written to the audit log."""

import io
from dataclasses import dataclass

from flask import Blueprint
from flask import Response
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from wtforms import DateField
from wtforms import SelectField

from domain import AuditKind
from domain import Role
from domain import spreadsheet
from domain.calendar import PERIOD_PRESETS
from domain.calendar import default_preset
from domain.calendar import office_today
from domain.calendar import preset_period
from services import recap as recap_service
from web.access import may_use
from web.access import roles
from web.forms import BaseForm
from web.forms import optional
from web.i18n import gettext as _
from web.i18n import lazy_gettext as _l
from web.labels import label
from web.person_form import nationality_name
from web.recap_tables import figure_text
from web.recap_tables import recap_tables
from web.recap_tables import sheet_rows

bp = Blueprint("recap", __name__, url_prefix="/recap")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = "all"


class PeriodForm(BaseForm):
    date_from = DateField(_l("From"), validators=[optional()])
    date_to = DateField(_l("To"), validators=[optional()])
    scope = SelectField(_l("Villages"), validate_choice=False)


@dataclass(frozen=True)
class Scope:
    """Villages a recap may cover: `value` in the address bar, `title` for the reader, the
    village ids (None: all), and the village or officer chosen, for the audit log."""

    value: str
    title: str
    village_ids: list | None
    village_id: int | None = None
    officer_id: int | None = None


def _scope_choices():
    """Each Scope the user may choose: everything they see, each officer's villages (admins),
    each village."""
    visible = current_user.visible_village_ids()
    choices = [Scope(ALL, _("All villages") if visible is None else _("All my villages"), visible)]
    if current_user.role == Role.ADMIN:
        choices += [Scope(f"officer-{officer_id}", _("Villages of %(name)s", name=name), village_ids,
                          officer_id=officer_id)
                    for officer_id, name, village_ids in recap_service.scope_officers()]
    choices += [Scope(f"village-{village_id}", name, [village_id], village_id=village_id)
                for village_id, name in recap_service.scope_villages(visible)]
    return choices


def _period():
    """The period and scope asked for in the address bar: a preset (`period=last_month`) or dates
    of one's own (calendar.default_preset when neither is given), and `scope`. Returns (form,
    preset or None, from, to, scope) where scope is one of _scope_choices()."""
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
        return form, preset, date_from, date_to, _scope(form)
    valid = form.validate()
    date_from = (valid and form.date_from.data) or today.replace(day=1)
    date_to = (valid and form.date_to.data) or today
    if date_from > date_to:
        form.date_to.errors = [_("The end date is before the start date.")]
        date_from, date_to = date_to, date_from
    form.date_from.data, form.date_to.data = date_from, date_to
    return form, None, date_from, date_to, _scope(form)


def _scope(form):
    """The scope chosen in the form, among those the user may choose; everything they see,
    with a message, when the choice is not one of them."""
    choices = _scope_choices()
    form.scope.choices = [(choice.value, choice.title) for choice in choices]
    scope = next((choice for choice in choices if choice.value == form.scope.data), None)
    if scope is None:
        if request.args.get("scope"):
            form.scope.errors = [_("Choose villages from the list.")]
        scope = choices[0]
    form.scope.data = scope.value
    return scope


def _presets(chosen, scope):
    """The preset links: (key, title, URL, chosen)."""
    titles = {"this_month": _("This month"), "last_month": _("Last month"),
              "this_quarter": _("This quarter")}
    scope_arg = {} if scope.value == ALL else {"scope": scope.value}
    return [(key, titles[key], url_for("recap.index", period=key, **scope_arg), key == chosen)
            for key in PERIOD_PRESETS]


def _download_args(date_from, date_to, scope):
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "scope": scope.value}


@bp.route("/")
@roles(Role.OFFICER, Role.ADMIN)
def index():
    """The recap page, laid out to print on A4 for the TIMPORA meeting."""
    form, preset, date_from, date_to, scope = _period()
    recap = recap_service.build_recap(scope.village_ids, date_from, date_to)
    return render_template("recap/index.html", form=form, recap=recap, tables=recap_tables(recap),
                           preset=preset, presets=_presets(preset, scope), scope_title=scope.title,
                           download_args=_download_args(date_from, date_to, scope),
                           figure_text=figure_text,
                           personal_export=may_use("recap.personal_export", current_user))


def _audit_download(kind, file_format, date_from, date_to, scope, rows):
    recap_service.record_download(kind, current_user, file_format, date_from, date_to, scope.title,
                                  rows, village_id=scope.village_id, officer_id=scope.officer_id)


def _recap_sheets(recap, scope):
    """The recap as spreadsheet sheets: what it covers, then one sheet per figure block, then
    the forwarded reports."""
    about = [[_("TIMPORA recap")], [_("Villages"), scope.title],
             [_("This period"), recap.date_from.isoformat(), recap.date_to.isoformat()],
             [_("Previous period"), recap.previous_from.isoformat(), recap.previous_to.isoformat()]]
    sheets = [(_("Recap"), about)]
    sheets += [(table.title, sheet_rows(table)) for table in recap_tables(recap)]
    forwarded = [[_("Reference"), _("Village"), _("Category"), _("Received"), _("Status"), _("Outcome")]]
    forwarded += [[report.code, report.name, label("category", report.category),
                   report.created_at.date().isoformat(), label("status", report.status),
                   label("outcome", report.outcome)] for report in recap.forwarded]
    sheets.append((_("Forwarded to Inteldakim/TIMPORA"), forwarded))
    return sheets


def _csv(sheets):
    """Sheets one after the other in one CSV, each under its title, a blank line between."""
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    for index, (title, rows) in enumerate(sheets):
        if index:
            writer.writerow([])
            writer.writerow(spreadsheet.safe_row([title]))
        for row in rows:
            writer.writerow(spreadsheet.safe_row(row))
    return out.getvalue()


def _download(sheets, file_format, filename):
    if file_format == "xlsx":
        body, mimetype = spreadsheet.xlsx_bytes(sheets), XLSX_MIMETYPE
    else:
        body, mimetype = _csv(sheets), "text/csv"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{file_format}"'})


@bp.route("/recap.<any(csv, xlsx):file_format>")
@roles(Role.OFFICER, Role.ADMIN)
def export(file_format):
    """The recap's figures as CSV or XLSX, the same cells as the page."""
    _form, _preset, date_from, date_to, scope = _period()
    recap = recap_service.build_recap(scope.village_ids, date_from, date_to)
    sheets = _recap_sheets(recap, scope)
    _audit_download(AuditKind.RECAP_DOWNLOADED, file_format, date_from, date_to, scope, recap.reports)
    return _download(sheets, file_format, f"rekap-timpora-{date_from.isoformat()}-{date_to.isoformat()}")


@bp.route("/personal.<any(csv, xlsx):file_format>")
@roles(Role.ADMIN)
def personal_export(file_format):
    """The period's reports with reporters' names and phones and persons' names, nationalities
    and passport numbers: for the office only, each download in the audit log."""
    _form, _preset, date_from, date_to, scope = _period()
    rows = [[_("Reference"), _("Village"), _("Received"), _("Category"), _("Status"), _("Outcome"),
             _("Reporter"), _("Reporter's phone"), _("Name"), _("Nationality"), _("Passport number")]]
    for report, person in recap_service.personal_rows(scope.village_ids, date_from, date_to):
        rows.append([report.code, report.village.name, report.created_at.date().isoformat(),
                     label("category", report.category), label("status", report.status),
                     label("outcome", report.outcome), *recap_service.reporter_identity(report),
                     person.name if person else "",
                     nationality_name(person.nationality) if person else "",
                     recap_service.passport_number(person) if person else ""])
    _audit_download(AuditKind.PERSONAL_DATA_EXPORTED, file_format, date_from, date_to, scope,
                    len(rows) - 1)
    return _download([(_("Reports and persons"), rows)], file_format,
                     f"laporan-data-pribadi-{date_from.isoformat()}-{date_to.isoformat()}")
