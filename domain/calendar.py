"""The office's calendar: its time zone, where its days begin and end, working days, and the
review deadline. Every page and query that speaks of a day or a deadline asks here."""

import re
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

OFFICE_ZONE_NAME = "Asia/Jakarta"  # WIB: Kepulauan Riau and the offices this app is made for
OFFICE_ZONE = ZoneInfo(OFFICE_ZONE_NAME)


def as_utc(moment):
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def office_today(now=None):
    """Today's date at the office."""
    return (now or datetime.now(UTC)).astimezone(OFFICE_ZONE).date()


def midnight_utc(day):
    """The first moment of a calendar day at the office, in UTC."""
    return datetime.combine(day, time.min, tzinfo=OFFICE_ZONE).astimezone(UTC)


def day_end(day):
    """The first moment after a calendar day at the office, in UTC."""
    return midnight_utc(day + timedelta(days=1))


def day_bounds(first, last):
    """UTC bounds [start, end) of the office's whole days from `first` to `last` included."""
    return midnight_utc(first), day_end(last)


# Days a filter or a period may name: wide enough for any record, narrow enough that the day
# after the last one, in UTC, is still a date.
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def parse_day(text):
    """A date written as YYYY-MM-DD between FIRST_DAY and LAST_DAY; ValueError otherwise."""
    text = text.strip()
    if not ISO_DAY.fullmatch(text):  # fromisoformat also takes 20261128 and week dates
        raise ValueError(text)
    day = date.fromisoformat(text)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(text)
    return day


def review_due(created_at, working_days):
    """When the first review is due: `working_days` office working days (Monday to Friday, in
    the office's time zone) after the report arrived. Returned in the office's time zone."""
    due = as_utc(created_at).astimezone(OFFICE_ZONE)
    remaining = working_days
    while remaining > 0:
        due += timedelta(days=1)
        if due.weekday() < 5:
            remaining -= 1
    return due


def waited(created_at, now):
    """How long a report has waited, as a timedelta (never negative)."""
    return max(now - as_utc(created_at), timedelta(0))


# The recap's ready-made periods, in the order the page offers them.
PERIOD_PRESETS = ("this_month", "last_month", "this_quarter")


def preset_period(preset, today):
    """(first day, last day) of a named period that contains or precedes `today`; the current
    month and quarter end today, since the rest has not happened yet."""
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_quarter":
        first_month = (today.month - 1) // 3 * 3 + 1
        return date(today.year, first_month, 1), today
    raise ValueError(preset)


def default_preset(today):
    """The period a recap opens with: this month, or last month in a month's first week, when
    this month holds almost nothing yet."""
    return "last_month" if today.day <= 7 else "this_month"
