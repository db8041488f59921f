"""The recap's figures, without the database: the previous period of the same length, working
days between two moments, percentiles, and figure blocks that set each count beside the
previous period's. services/recap.py fills them from a fixed number of queries; the web layer
labels them for the page, the CSV and the XLSX, so all three carry the same cells."""

import math
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import time
from datetime import timedelta
from fractions import Fraction

from domain.calendar import OFFICE_ZONE
from domain.calendar import as_utc

DAY = timedelta(days=1)


def previous_period(date_from, date_to):
    """The period of the same number of days that ends the day before `date_from`."""
    length = date_to - date_from
    previous_to = date_from - timedelta(days=1)
    return previous_to - length, previous_to


def working_days_between(start, end):
    """How many office working days (Monday to Friday, in the office's time zone) passed from
    `start` to `end`, as an exact Fraction: a report reviewed three working hours after it came
    in waited 1/8 day, one sent on Friday evening and read on Monday morning a few hours. Exact,
    so that a median falling on a half is rounded the same way every time."""
    start = as_utc(start).astimezone(OFFICE_ZONE)
    end = as_utc(end).astimezone(OFFICE_ZONE)
    worked = timedelta(0)
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            day_start = datetime.combine(day, time.min, tzinfo=OFFICE_ZONE)
            day_stop = datetime.combine(day + timedelta(days=1), time.min, tzinfo=OFFICE_ZONE)
            worked += max(min(end, day_stop) - max(start, day_start), timedelta(0))
        day += timedelta(days=1)
    return Fraction(worked // timedelta(microseconds=1), DAY // timedelta(microseconds=1))


def percentile(values, fraction):
    """The `fraction` (0..1, best a Fraction) quantile of `values` by linear interpolation between
    the closest ranks (numpy's default, statistics.quantiles' 'inclusive' method); None for no
    values. Exact when the values and `fraction` are."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def rounded_days(value):
    """Days as the recap shows them: one decimal (half to even); None stays None."""
    return None if value is None else float(round(Fraction(value), 1))


@dataclass
class FigureRow:
    """One figure: what it counts (one key per label column) this period and the previous one."""

    keys: tuple
    current: float | None
    previous: float | None


@dataclass
class FigureBlock:
    """A table of figures. `label_kinds` say how each key is named (web/recap_tables.py);
    `total` adds a row summing the counts; `chart` draws the block as bars."""

    name: str
    label_kinds: tuple
    rows: list = field(default_factory=list)
    total: bool = False
    chart: bool = True

    def totals(self):
        """(this period, previous period) summed over the rows."""
        return (sum(row.current or 0 for row in self.rows), sum(row.previous or 0 for row in self.rows))


def compare_counts(current, previous, order=None, keep_zeros=False):
    """FigureRows from two Counters keyed by tuples, in `order` (the keys to list, in turn) or,
    without it, most this period first, then most the previous period, then by key. Keys counted
    in neither period are left out unless `keep_zeros` (with an `order`)."""
    if order is None:
        keys = set(current) | set(previous)
        order = sorted(keys, key=lambda key: (-current[key], -previous[key], key))
    return [FigureRow(key, current[key], previous[key]) for key in order
            if keep_zeros or current[key] or previous[key]]
