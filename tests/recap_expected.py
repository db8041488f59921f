"""The recap's figures computed again, independently of services/recap.py: plain Python over
every report loaded with its persons and events, counting quarter hours for working days and
using the statistics module for the median and the 90th percentile. Tests compare every cell of
the page, the CSV and the XLSX with these (tests/test_recap.py, tests/browser/)."""

import random
import statistics
from collections import Counter
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import Category
from domain import EventKind
from domain import Outcome
from domain import Status
from extensions import db
from models import Event
from models import NilCheckin
from models import Person
from models import Report
from models import Village
from tests import factories

WIB = ZoneInfo("Asia/Jakarta")
QUARTER = timedelta(minutes=15)
SEED_VILLAGES = ("Tanjung Sari", "Sekanak Raya", "Pemping", "Kasu")
NATIONALITIES = ("SG", "MY", "CN", "IN", "PH", "")


def seed_period_reports(count=60, first=date(2025, 11, 20), days=80, seed=14, villages=SEED_VILLAGES):
    """`count` reports received on quarter hours from `first` over `days` days, in four
    villages, of every category, status and urgency, some assigned, reviewed and closed (one
    closed twice), with persons of several nationalities. Call inside an app context."""
    pick = random.Random(seed)
    officers = [factories.user("petugas"), factories.user("admin"), None]
    for index in range(count):
        created = (datetime.combine(first, datetime.min.time(), tzinfo=UTC)
                   + pick.randrange(days * 96) * QUARTER)
        status = pick.choice(list(Status))
        report = factories.make_report(
            pick.choice(villages), reporter=pick.choice(["desa", None]), persons=0, commit=False,
            category=pick.choice(list(Category)), urgency=pick.choice(["normal", "urgent"]),
            status=status, created_at=created, updated_at=created,
            assignee=pick.choice(officers),
            outcome=pick.choice(list(Outcome)) if status == Status.CLOSED else None)
        for _person in range(pick.randrange(3)):
            report.persons.append(Person(name=f"Orang {index}", nationality=pick.choice(NATIONALITIES),
                                         passport_no=f"P{index:06d}", sex="male"))
        if status != Status.NEW and pick.random() < 0.9:
            report.first_reviewed_at = created + pick.randrange(1, 12 * 96) * QUARTER
        if status == Status.CLOSED:
            closings = 2 if index % 7 == 0 else 1
            for closing in range(closings):
                report.events.append(Event(
                    kind=EventKind.STATUS, from_status=Status.IN_REVIEW, to_status=Status.CLOSED,
                    created_at=created + pick.randrange(1, 20 * 96) * QUARTER + closing * QUARTER))
        if status == Status.FORWARDED:
            report.events.append(Event(kind=EventKind.STATUS, from_status=Status.FIELD_CHECK,
                                       to_status=Status.FORWARDED, created_at=created + QUARTER))
    # Right on the edges of January in the office's time: 1 January 00:00 and 31 January 23:45 WIB
    # are in it, the quarter hours just outside are not.
    for moment in (datetime(2025, 12, 31, 17, tzinfo=UTC), datetime(2026, 1, 31, 16, 45, tzinfo=UTC),
                   datetime(2025, 12, 31, 16, 45, tzinfo=UTC), datetime(2026, 1, 31, 17, tzinfo=UTC)):
        factories.make_report(villages[-1], persons=1, commit=False, created_at=moment, urgency="urgent")
    # Nil check-ins (once, however often this seeds): Pecong, with no reports, confirms two
    # months; Kasu one month it also reported in.
    if not db.session.scalar(select(NilCheckin.id).limit(1)):
        for name, month in (("Pecong", date(2025, 12, 1)), ("Pecong", date(2026, 1, 1)),
                            ("Kasu", date(2025, 12, 1))):
            village_id = db.session.scalar(select(Village.id).where(Village.name == name))
            db.session.add(NilCheckin(village_id=village_id, month=month))
    db.session.commit()


def utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def quarter_working_days(start, end):
    """Working days from start to end counted quarter hour by quarter hour (both on quarters)."""
    quarters, moment = 0, utc(start)
    while moment < utc(end):
        quarters += moment.astimezone(WIB).weekday() < 5
        moment += QUARTER
    return Fraction(quarters, 96)


def quantile(values, which):
    if not values:
        return None
    if which == "median":
        value = statistics.median(values)
    else:
        value = values[0] if len(values) == 1 else statistics.quantiles(values, n=10, method="inclusive")[8]
    return float(round(Fraction(value), 1))


def _received_in(report, first, last):
    return first <= utc(report.created_at).astimezone(WIB).date() <= last


def period_figures(reports, first, last):
    """Every figure of one period, keyed as expected_figures lists them."""
    mine = [report for report in reports if _received_in(report, first, last)]
    figures = {
        "summary": Counter({("reports",): len(mine),
                            ("urgent",): sum(report.urgency == "urgent" for report in mine)}),
        "village_category": Counter((report.village.name, report.category) for report in mine),
        "status": Counter((report.status,) for report in mine),
        "outcome": Counter((report.outcome,) for report in mine if report.outcome),
        "nationality": Counter((person.nationality,) for report in mine for person in report.persons
                               if person.nationality),
        "officer": Counter((report.assignee.full_name if report.assignee else 0,) for report in mine),
    }
    reviews = [quarter_working_days(report.created_at, report.first_reviewed_at)
               for report in mine if report.first_reviewed_at]
    closings = [quarter_working_days(report.created_at, max(
        utc(event.created_at) for event in report.events
        if event.kind == EventKind.STATUS and event.to_status == Status.CLOSED))
        for report in mine if report.status == Status.CLOSED]
    figures["waits"] = {(f"{wait}_{which}",): quantile(values, which)
                        for wait, values in (("first_review", reviews), ("closing", closings))
                        for which in ("median", "p90")}
    return figures


def _month(day):
    return day.replace(day=1)


def village_months(reports, villages, checkins, first, last):
    """Counter of (standing,) over each active village x each calendar month from `first`'s to
    `last`'s: reported when a report arrived in that month, nil when checked in, else open for
    this month and silent for a month that is over."""
    this_month = _month(datetime.now(WIB).date())
    months = sorted({_month(first + timedelta(days=offset)) for offset in range((last - first).days + 1)})
    arrived = {(report.village_id, _month(utc(report.created_at).astimezone(WIB).date()))
               for report in reports}
    standings = Counter()
    for village in villages:
        for month in months:
            if (village.id, month) in arrived:
                standings[("reported",)] += 1
            elif (village.id, month) in checkins:
                standings[("nil",)] += 1
            else:
                standings[("open",) if month >= this_month else ("silent",)] += 1
    return standings


def expected_figures(village_names, first, last):
    """{block: {keys: (this period, previous period)}} for reports of the named villages (None:
    all), the previous period being as long and ending the day before `first`."""
    reports = db.session.scalars(select(Report).options(
        selectinload(Report.persons), selectinload(Report.events), selectinload(Report.village),
        selectinload(Report.assignee))).all()
    villages = db.session.scalars(select(Village).where(Village.active)).all()
    if village_names is not None:
        reports = [report for report in reports if report.village.name in village_names]
        villages = [village for village in villages if village.name in village_names]
    checkins = set(db.session.execute(select(NilCheckin.village_id, NilCheckin.month)).all())
    length = (last - first).days + 1
    previous_last = first - timedelta(days=1)
    previous_first = previous_last - timedelta(days=length - 1)
    current = period_figures(reports, first, last)
    previous = period_figures(reports, previous_first, previous_last)
    current["checkins"] = village_months(reports, villages, checkins, first, last)
    previous["checkins"] = village_months(reports, villages, checkins, previous_first, previous_last)
    for counts in (current, previous):  # every status, outcome and standing is listed
        counts["status"].update({(status,): 0 for status in Status})
        counts["outcome"].update({(outcome,): 0 for outcome in Outcome})
        counts["checkins"].update({(standing,): 0 for standing in ("reported", "nil", "silent", "open")})
    expected = {}
    for block in current:
        keys = set(current[block]) | set(previous[block])
        expected[block] = {key: (current[block].get(key, 0 if block != "waits" else None),
                                 previous[block].get(key, 0 if block != "waits" else None))
                           for key in keys}
    return expected


# Comparing what the page, the CSV and the XLSX show with expected_figures.

BLOCKS = {  # block: the label kinds of its keys, in the order the recap lists the blocks
    "summary": ("measure",), "village_category": ("village", "category"), "status": ("status",),
    "outcome": ("outcome",), "nationality": ("nationality",), "waits": ("measure",),
    "officer": ("officer",), "checkins": ("standing",),
}
WITH_TOTALS = {"village_category", "status", "outcome", "nationality", "officer", "checkins"}


def expected_cells(app, village_names, first, last):
    """{block: {label cells: (this period, previous period)}} in Indonesian."""
    from web.recap_tables import key_label  # the labels only; every figure is computed here

    with app.app_context():
        figures = expected_figures(village_names, first, last)
    with app.test_request_context():
        return {block: {tuple(key_label(kind, key) for kind, key in zip(BLOCKS[block], keys, strict=True)):
                        values for keys, values in rows.items()} for block, rows in figures.items()}


def number(text):
    """A figure as the page, the CSV or the XLSX gives it, as a number (None for none)."""
    if text in (None, "", "—"):
        return None
    if isinstance(text, int | float):
        return text
    return float(text.replace(",", ".")) if ("," in text or "." in text) else int(text)


def as_figures(block, rows, label_columns):
    """Rows of label cells and two figures (a totals row last for the blocks that have one)
    as ({labels: (this, previous)}, totals or None); duplicated labels fail."""
    totals = None
    if block in WITH_TOTALS:
        *rows, last = rows
        assert last[0] == "Jumlah"
        totals = (number(last[label_columns]), number(last[label_columns + 1]))
    figures = {tuple(row[:label_columns]): (number(row[label_columns]), number(row[label_columns + 1]))
               for row in rows}
    assert len(figures) == len(rows), block
    return figures, totals


def assert_matches(expected, block, figures, totals):
    assert figures == expected[block], block
    if block in WITH_TOTALS:
        assert totals == tuple(sum(values[index] for values in expected[block].values())
                               for index in (0, 1)), block
