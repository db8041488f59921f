"""Nil check-ins: each month a village either reported (a report arrived from it), confirmed that
no foreigners were seen (a nil check-in), or stayed silent. Telling a quiet village from a silent
one is the zero-reporting rule of community surveillance. Months are the office's calendar months
(domain.calendar.OFFICE_ZONE) and are named by their first day."""

from datetime import date
from datetime import timedelta
from enum import StrEnum

# A village silent for this many completed months in a row is flagged to its officers.
SILENT_MONTHS_FLAGGED = 2


class Standing(StrEnum):
    REPORTED = "reported"  # at least one report arrived in the month, whatever a check-in says
    NIL = "nil"  # no report, but the official confirmed that no foreigners were seen
    SILENT = "silent"  # a month that is over with neither
    OPEN = "open"  # the current month, with neither yet: it may still come


def month_of(day):
    """The month a day belongs to, as its first day."""
    return day.replace(day=1)


def next_month(month):
    return month_of(month + timedelta(days=32))


def previous_month(month):
    return month_of(month - timedelta(days=1))


def months(first, last):
    """Every month from the one holding `first` to the one holding `last`, oldest first."""
    current, last = month_of(first), month_of(last)
    result = []
    while current <= last:
        result.append(current)
        current = next_month(current)
    return result


def last_months(today, count):
    """The `count` months up to and including today's, oldest first."""
    first = month_of(today)
    for _step in range(count - 1):
        first = previous_month(first)
    return months(first, today)


def standing(month, today, reported, checked_in):
    """A village's standing for one month, seen on `today` (office date)."""
    if reported:
        return Standing.REPORTED
    if checked_in:
        return Standing.NIL
    return Standing.OPEN if month >= month_of(today) else Standing.SILENT


def flag_months(today):
    """The completed months a silence flag looks at: the SILENT_MONTHS_FLAGGED before today's."""
    return last_months(previous_month(month_of(today)), SILENT_MONTHS_FLAGGED)


def flagged_silent(standings, today):
    """Whether a village's {month: Standing} shows it silent in every month of flag_months."""
    return all(standings.get(month) == Standing.SILENT for month in flag_months(today))


def parse_month(text):
    """A month written YYYY-MM as its first day; ValueError otherwise."""
    text = text.strip()
    digits = text[:4] + text[5:]
    if len(text) != 7 or text[4] != "-" or not (digits.isascii() and digits.isdigit()):
        raise ValueError(text)
    return date(int(text[:4]), int(text[5:]), 1)


def may_check_in_for(month, today):
    """Whether a check-in for `month` is accepted on `today`: this month, or the month before,
    since a tap kept in a phone's outbox on a month's last evening may arrive the next day."""
    current = month_of(today)
    return month in (current, previous_month(current))
