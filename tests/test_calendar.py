"""The office's calendar: deadlines count working days in the office's time zone, and the
pages that promise a deadline and the queue that enforces it agree."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from babel.dates import format_date

from domain import Status
from domain import calendar
from domain import workflow
from extensions import db
from tests import factories

WIB = calendar.OFFICE_ZONE


@pytest.mark.parametrize(
    ("created", "due"),
    [
        (datetime(2026, 11, 23, 10, tzinfo=WIB), datetime(2026, 11, 26, 10, tzinfo=WIB)),  # Mon -> Thu
        (datetime(2026, 11, 26, 10, tzinfo=WIB), datetime(2026, 12, 1, 10, tzinfo=WIB)),  # Thu -> Tue
        (datetime(2026, 11, 28, 10, tzinfo=WIB), datetime(2026, 12, 2, 10, tzinfo=WIB)),  # Sat -> Wed
    ],
)
def test_review_due_skips_weekends(created, due):
    assert calendar.review_due(created, 3) == due


def test_the_weekend_is_the_office_s_weekend_not_utc_s():
    """Friday 20:00 UTC is Saturday 03:00 in Batam: three working days later is Wednesday."""
    sent = datetime(2026, 11, 27, 20, tzinfo=UTC)
    due = calendar.review_due(sent, 3)
    assert due.tzinfo is WIB and (due.weekday(), due.date()) == (2, date(2026, 12, 2))
    # SQLite gives back naive UTC datetimes: the same moment, the same deadline.
    assert calendar.review_due(sent.replace(tzinfo=None), 3) == due


def test_overdue_only_while_new():
    created = datetime(2026, 11, 23, 3, tzinfo=UTC)
    late = datetime(2026, 11, 27, 3, tzinfo=UTC)
    assert workflow.is_overdue(Status.NEW, created, late, 3)
    assert not workflow.is_overdue(Status.IN_REVIEW, created, late, 3)
    assert not workflow.is_overdue(Status.NEW, created, datetime(2026, 11, 25, tzinfo=UTC), 3)


def test_office_days_begin_at_midnight_in_batam():
    assert calendar.midnight_utc(date(2026, 12, 1)) == datetime(2026, 11, 30, 17, tzinfo=UTC)
    assert calendar.day_bounds(date(2026, 12, 1), date(2026, 12, 1)) == (
        datetime(2026, 11, 30, 17, tzinfo=UTC), datetime(2026, 12, 1, 17, tzinfo=UTC))


@pytest.mark.parametrize("text", ["2026-11-28", " 2026-11-28 "])
def test_days_are_read_as_iso_dates(text):
    assert calendar.parse_day(text) == date(2026, 11, 28)


@pytest.mark.parametrize("text", ["20261128", "2026-W48-6", "0001-01-01", "9999-12-31",
                                  "2026-02-30", "２０２６-11-28", ""])
def test_other_dates_are_refused(text):
    with pytest.raises(ValueError):
        calendar.parse_day(text)


def _last_friday_evening_utc(weeks_back=3):
    """A Friday 20:00 UTC (Saturday 03:00 WIB) some weeks ago: its review is long overdue."""
    today = datetime.now(UTC).date() - timedelta(weeks=weeks_back)
    friday = today - timedelta(days=(today.weekday() - 4) % 7)
    return datetime(friday.year, friday.month, friday.day, 20, tzinfo=UTC)


def test_confirmation_and_queue_agree_on_the_deadline(app, auth, client):
    """The official is promised the day the officer's queue marks the report overdue after."""
    sent = _last_friday_evening_utc()
    wednesday = (sent + timedelta(days=5)).date()  # Sat 03:00 WIB + Mon, Tue, Wed
    with app.app_context():
        report = factories.make_report(created_at=sent, updated_at=sent)
        report_id, code = report.id, report.code
        db.session.remove()
    client.set_cookie("lang", "en")
    auth.login("desa")
    promised = client.get(f"/reports/{report_id}/sent").get_data(as_text=True)
    assert format_date(wednesday, "full", locale="en") in promised
    auth.logout()
    auth.login("petugas")
    queue = client.get(f"/review/?q={code}").get_data(as_text=True)
    assert f"first review was due {format_date(wednesday, 'medium', locale='en')}" in queue
