"""Nil check-ins and silent villages: saving an official's monthly "no foreigners observed",
each village's standing month by month (domain.checkins), and the e-mail to the officers of a
village silent for two months in a row.

A month counts as reported when a report for the village was received (created) in it, in the
office's calendar: the same clock as the recap."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_date
from sqlalchemy import case
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from domain import checkins
from domain.calendar import midnight_utc
from extensions import db
from models import NilCheckin
from models import Report
from models import SilentVillageNotice
from models import Village
from services.notify import officer_message
from services.notify import public_link
from services.notify import send_messages
from web.i18n import gettext as _


@dataclass
class VillageStanding:
    """One village's standing in each month of a grid."""

    village_id: int
    name: str
    by_month: dict

    def cells(self, months):
        return [self.by_month[month] for month in months]


@dataclass
class StandingGrid:
    """Villages (active ones, by name) × months (oldest first)."""

    months: list
    villages: list

    def as_dict(self):
        return {row.village_id: row.by_month for row in self.villages}


def standing_grid(village_ids, first_month, last_month, today):
    """The standing of each active village of `village_ids` (None: all) in each month from
    `first_month` to `last_month`, seen on `today`. Three statements whatever the number of
    villages and months: the villages, the (village, month) pairs with a report, the check-ins."""
    months = checkins.months(first_month, last_month)
    villages_query = select(Village.id, Village.name).where(Village.active).order_by(Village.name)
    if village_ids is not None:
        villages_query = villages_query.where(Village.id.in_(village_ids))
    villages = db.session.execute(villages_query).all()
    ids = [village_id for village_id, _name in villages]
    if not ids:
        return StandingGrid(months, [])

    bounds = [midnight_utc(month) for month in months] + [midnight_utc(checkins.next_month(months[-1]))]
    # Which month a report falls in, as the month's index: one pass over the period's reports.
    month_index = case(*[(Report.created_at < bounds[index + 1], index) for index in range(len(months))])
    reported = {
        (village_id, months[index])
        for village_id, index in db.session.execute(
            select(Report.village_id, month_index).distinct()
            .where(Report.village_id.in_(ids), Report.created_at >= bounds[0],
                   Report.created_at < bounds[-1]))
    }
    checked_in = {
        (village_id, month)
        for village_id, month in db.session.execute(
            select(NilCheckin.village_id, NilCheckin.month)
            .where(NilCheckin.village_id.in_(ids), NilCheckin.month >= months[0],
                   NilCheckin.month <= months[-1]))
    }
    rows = [
        VillageStanding(village_id, name, {
            month: checkins.standing(month, today, (village_id, month) in reported,
                                     (village_id, month) in checked_in)
            for month in months})
        for village_id, name in villages
    ]
    return StandingGrid(months, rows)


def monthly_standing(village_ids, first_month, last_month, today):
    """{village_id: {month: Standing}} for the active villages of `village_ids` (None: all)."""
    return standing_grid(village_ids, first_month, last_month, today).as_dict()


def this_month_standing(village_id, today):
    """The village's standing in today's month: reported, nil (checked in) or open."""
    month = checkins.month_of(today)
    return monthly_standing([village_id], month, month, today).get(village_id, {}).get(month)


def silent_villages(village_ids, today):
    """The active villages of `village_ids` (None: all) silent in each of the last completed
    months domain.checkins.flag_months names, as VillageStanding rows by name."""
    flagged = checkins.flag_months(today)
    grid = standing_grid(village_ids, flagged[0], flagged[-1], today)
    return [row for row in grid.villages if checkins.flagged_silent(row.by_month, today)]


def check_in(user, month, today):
    """Record that `user`'s village saw no foreigners in `month`. A second check-in for the same
    village and month, from anyone, changes nothing. Returns (the check-in, whether it is new);
    ValueError when the month is not one a check-in may be made for."""
    if not checkins.may_check_in_for(month, today):
        raise ValueError(month)
    existing = _checkin_of(user.village_id, month)
    if existing is not None:
        return existing, False
    checkin = NilCheckin(village_id=user.village_id, month=month, user_id=user.id)
    db.session.add(checkin)
    try:
        db.session.commit()
    except IntegrityError:  # the same tap arriving twice at once: the other one was saved
        db.session.rollback()
        return _checkin_of(user.village_id, month), False
    return checkin, True


def _checkin_of(village_id, month):
    return db.session.scalar(
        select(NilCheckin).where(NilCheckin.village_id == village_id, NilCheckin.month == month))


def notify_silent_villages(today):
    """E-mail the active officers (with an address) of every village flagged silent on `today`,
    once per village and month: each village mailed is recorded for the last completed month,
    and a village already recorded is skipped. Returns (villages mailed, messages sent); None
    when MAIL_SERVER is not set. SMTP errors propagate, and then nothing is recorded, so the
    next run tries again."""
    app = current_app._get_current_object()
    if not app.config["MAIL_SERVER"]:
        return None
    month = checkins.previous_month(checkins.month_of(today))
    flagged = {row.village_id for row in silent_villages(None, today)}
    if not flagged:
        return 0, 0
    already = set(db.session.scalars(
        select(SilentVillageNotice.village_id)
        .where(SilentVillageNotice.month == month, SilentVillageNotice.village_id.in_(flagged))))
    villages = db.session.scalars(
        select(Village).where(Village.id.in_(flagged - already))
        .options(selectinload(Village.officers)).order_by(Village.name)).all()
    link = public_link(app, "checkins.overview")
    messages, mailed = [], []
    for village in villages:
        recipients = [officer for officer in village.officers if officer.active and officer.email]
        messages += [_silence_message(app, village, officer, today, link)
                     for officer in recipients]
        if recipients:
            mailed.append(village.id)
    if messages:
        send_messages(app, messages)
    db.session.add_all(SilentVillageNotice(village_id=village_id, month=month) for village_id in mailed)
    db.session.commit()
    return len(mailed), len(messages)


def _silence_message(app, village, officer, today, link):
    """The notice: which village, which months, where to look."""
    def write():
        months = ", ".join(format_date(month, "MMMM yyyy") for month in checkins.flag_months(today))
        lines = [
            _("No report and no nil check-in came from %(village)s in %(months)s.",
              village=village.name, months=months),
            _("Please contact the village official: are they still able to use the app?"),
        ]
        if link:
            lines.append(_("The villages month by month: %(link)s", link=link))
        return _("%(village)s has been silent for %(count)s months", village=village.name,
                 count=checkins.SILENT_MONTHS_FLAGGED), lines

    return officer_message(app, officer, write)
