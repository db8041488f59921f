"""The recap's pure figures: the previous period, working days between two moments, percentiles."""

import statistics
from collections import Counter
from datetime import UTC
from datetime import date
from datetime import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import OFFICE_ZONE
from domain.recap_figures import FigureRow
from domain.recap_figures import compare_counts
from domain.recap_figures import percentile
from domain.recap_figures import previous_period
from domain.recap_figures import rounded_days
from domain.recap_figures import working_days_between


def wib(*args):
    """A moment given in office time (UTC+7)."""
    return datetime(*args, tzinfo=OFFICE_ZONE)


def test_the_previous_period_is_as_long_and_ends_the_day_before():
    assert previous_period(date(2026, 1, 1), date(2026, 1, 31)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29), date(2026, 2, 28))
    assert previous_period(date(2026, 5, 5), date(2026, 5, 5)) == (date(2026, 5, 4), date(2026, 5, 4))


def test_working_days_count_monday_to_friday_in_office_time():
    # Friday 2026-01-09 20:00 WIB to Monday 2026-01-12 08:00 WIB: 4 h on Friday, 8 h on Monday.
    assert working_days_between(wib(2026, 1, 9, 20), wib(2026, 1, 12, 8)) == Fraction(12, 24)
    # Three working hours on a Tuesday.
    assert working_days_between(wib(2026, 1, 13, 9), wib(2026, 1, 13, 12)) == Fraction(1, 8)
    # A whole week, Monday to Monday: five days.
    assert working_days_between(wib(2026, 1, 12, 0), wib(2026, 1, 19, 0)) == 5
    # Saturday to Sunday: nothing. Sent on Saturday 23:00 UTC is Sunday 06:00 in the office.
    assert working_days_between(wib(2026, 1, 10, 9), wib(2026, 1, 11, 17)) == 0
    assert working_days_between(datetime(2026, 1, 10, 23, tzinfo=UTC), wib(2026, 1, 12, 0)) == 0
    # SQLite's naive datetimes are UTC; an end before the start is no time at all.
    assert working_days_between(datetime(2026, 1, 12, 0), datetime(2026, 1, 12, 6)) == Fraction(6, 24)
    assert working_days_between(wib(2026, 1, 13, 12), wib(2026, 1, 13, 9)) == 0


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=40))
def test_percentiles_agree_with_the_statistics_module(values):
    assert percentile(values, Fraction(1, 2)) == statistics.median(values)
    assert percentile(values, Fraction(9, 10)) == statistics.quantiles(
        [Fraction(value) for value in values], n=10, method="inclusive")[8]


def test_percentiles_of_one_value_or_none():
    assert percentile([], Fraction(1, 2)) is None
    assert percentile([Fraction(3, 2)], Fraction(9, 10)) == Fraction(3, 2)
    assert rounded_days(None) is None
    assert rounded_days(Fraction(1, 4)) == 0.2 and rounded_days(Fraction(3, 4)) == 0.8  # half to even


def test_compare_counts_sets_each_count_beside_the_previous_one():
    current, previous = Counter({("a",): 2, ("b",): 1}), Counter({("b",): 3, ("c",): 1})
    assert compare_counts(current, previous) == [
        FigureRow(("a",), 2, 0), FigureRow(("b",), 1, 3), FigureRow(("c",), 0, 1)]
    assert compare_counts(current, previous, [("z",), ("a",)], keep_zeros=True) == [
        FigureRow(("z",), 0, 0), FigureRow(("a",), 2, 0)]
