"""Nil check-ins (issue 14, point 1): the month rules, each village's standing month by month in
a fixed number of statements, the official's one tap (idempotent, own village only), the officers'
flag and its e-mail sent once, the overview and the recap's section. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL."""

from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from domain import checkins
from domain.calendar import midnight_utc
from domain.calendar import office_today
from domain.checkins import Standing
from extensions import db
from models import NilCheckin
from models import SilentVillageNotice
from services import checkins as service
from tests import factories
from tests.review_support import make_officer
from tests.smtp_sink import SmtpSink
from tests.test_review_statements import counted

TODAY = date(2026, 11, 15)
SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


@pytest.fixture(autouse=True)
def english(request):
    """Pages in English, so the tests read the words they check."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").set_cookie("lang", "en")


# --- the month rules (domain) ---

def test_months_and_their_neighbours():
    assert checkins.month_of(date(2026, 2, 28)) == date(2026, 2, 1)
    assert checkins.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert checkins.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert checkins.months(date(2026, 11, 20), date(2027, 2, 3)) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert checkins.last_months(date(2026, 3, 31), 3) == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_a_report_outweighs_a_check_in_and_the_current_month_stays_open():
    assert checkins.standing(OCT, TODAY, reported=True, checked_in=True) == Standing.REPORTED
    assert checkins.standing(OCT, TODAY, reported=True, checked_in=False) == Standing.REPORTED
    assert checkins.standing(OCT, TODAY, reported=False, checked_in=True) == Standing.NIL
    assert checkins.standing(OCT, TODAY, reported=False, checked_in=False) == Standing.SILENT
    assert checkins.standing(NOV, TODAY, reported=False, checked_in=False) == Standing.OPEN
    assert checkins.standing(NOV, TODAY, reported=False, checked_in=True) == Standing.NIL


def test_flagged_only_when_silent_in_both_last_completed_months():
    assert checkins.flag_months(TODAY) == [SEP, OCT]
    assert checkins.flag_months(date(2027, 1, 1)) == [date(2026, 11, 1), date(2026, 12, 1)]
    silent = {SEP: Standing.SILENT, OCT: Standing.SILENT, NOV: Standing.OPEN}
    assert checkins.flagged_silent(silent, TODAY)
    assert not checkins.flagged_silent({**silent, SEP: Standing.NIL}, TODAY)
    assert not checkins.flagged_silent({**silent, OCT: Standing.REPORTED}, TODAY)
    assert not checkins.flagged_silent({OCT: Standing.SILENT}, TODAY)  # one month is not two


def test_months_a_check_in_may_name():
    assert checkins.parse_month(" 2026-11 ") == NOV
    for bad in ("2026-13", "2026-1", "202611", "2026-11-01", "", "abcd-ef", "２０２６-１１", "0000-01"):
        with pytest.raises(ValueError):
            checkins.parse_month(bad)
    assert checkins.may_check_in_for(NOV, TODAY)
    assert checkins.may_check_in_for(OCT, TODAY)  # a tap that waited in the outbox overnight
    assert not checkins.may_check_in_for(SEP, TODAY)
    assert not checkins.may_check_in_for(date(2026, 12, 1), TODAY)


# --- standings from the database (services) ---

def _report_on(village_name, moment):
    factories.make_report(village_name, created_at=moment, updated_at=moment, observed_at=moment)


def _check_in(village_name, month, username="desa"):
    db.session.add(NilCheckin(village_id=factories.village(village_name).id, month=month,
                              user_id=factories.user(username).id))
    db.session.commit()


def test_monthly_standing_reads_reports_and_check_ins_by_office_month(app):
    with app.app_context():
        # 23:30 WIB on 31 October is still October at the office, though UTC says 16:30.
        _report_on("Tanjung Sari", midnight_utc(NOV) - timedelta(minutes=30))
        _check_in("Tanjung Sari", SEP)
        _report_on("Pemping", midnight_utc(NOV))  # first moment of November
        _check_in("Pemping", OCT)
        _check_in("Kasu", NOV)
        # Outside the months asked for: counts nowhere.
        _report_on("Kasu", midnight_utc(SEP) - timedelta(seconds=1))
        ids = [factories.village(name).id for name in ("Tanjung Sari", "Pemping", "Kasu", "Pecong")]
        standing = service.monthly_standing(ids, SEP, NOV, TODAY)
    sari, pemping, kasu, pecong = ids
    assert standing == {
        sari: {SEP: Standing.NIL, OCT: Standing.REPORTED, NOV: Standing.OPEN},
        pemping: {SEP: Standing.SILENT, OCT: Standing.NIL, NOV: Standing.REPORTED},
        kasu: {SEP: Standing.SILENT, OCT: Standing.SILENT, NOV: Standing.NIL},
        pecong: {SEP: Standing.SILENT, OCT: Standing.SILENT, NOV: Standing.OPEN},
    }


def test_a_resident_tip_counts_as_reporting_and_inactive_villages_are_left_out(app):
    with app.app_context():
        factories.make_report("Kasu", reporter=None, created_at=midnight_utc(OCT),
                              updated_at=midnight_utc(OCT))
        factories.village("Pecong").active = False
        db.session.commit()
        grid = service.standing_grid(None, OCT, OCT, TODAY)
    names = {row.name: row.by_month[OCT] for row in grid.villages}
    assert names["Kasu"] == Standing.REPORTED
    assert "Pecong" not in names and len(names) == 5


def test_standing_takes_the_same_statements_for_one_village_or_all_and_many_months(app):
    with app.app_context():
        for index in range(30):
            village_name = ("Tanjung Sari", "Kasu", "Pemping")[index % 3]
            _report_on(village_name, midnight_utc(SEP) + timedelta(days=index * 2))
        _check_in("Pecong", OCT)
        one = factories.village("Kasu").id
    with app.app_context(), counted(app) as few:
        service.monthly_standing([one], OCT, OCT, TODAY)
    with app.app_context(), counted(app) as many:
        service.monthly_standing(None, date(2025, 12, 1), NOV, TODAY)
    assert len(few) == len(many) == 3


def test_silent_villages_are_those_silent_in_both_last_months(app):
    with app.app_context():
        _report_on("Tanjung Sari", midnight_utc(OCT) + timedelta(days=3))
        _check_in("Pemping", SEP)
        _report_on("Kasu", midnight_utc(NOV))  # this month does not lift last months' silence
        officer_ids = [village.id for village in factories.user("petugas").villages]
        mine = [row.name for row in service.silent_villages(officer_ids, TODAY)]
        everyone = [row.name for row in service.silent_villages(None, TODAY)]
    assert mine == ["Sekanak Raya"]
    assert everyone == ["Kasu", "Pecong", "Pulau Terong", "Sekanak Raya"]


# --- the official's tap (HTTP) ---

def _checkins_of(app):
    with app.app_context():
        return db.session.execute(select(NilCheckin.village_id, NilCheckin.month, NilCheckin.user_id)).all()


def this_month():
    return checkins.month_of(office_today())


def test_the_official_confirms_in_one_tap_from_the_start_page(app, client, official):
    page = client.get("/").get_data(as_text=True)
    assert "No foreigners observed this month" in page
    assert f'name="month" value="{this_month():%Y-%m}"' in page
    response = client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    with app.app_context():
        desa = factories.user("desa")
        assert _checkins_of(app) == [(desa.village_id, this_month(), desa.id)]
    page = client.get("/").get_data(as_text=True)
    assert "Confirmed: no foreigners observed this month." in page
    assert 'action="/checkins/nil"' not in page


def test_a_second_tap_adds_nothing_and_raises_nothing(app, client, official):
    for _tap in range(2):
        assert client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}"}).status_code == 303
    htmx = client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}"},
                       headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert 'id="nil-checkin"' in htmx.get_data(as_text=True)
    assert "Confirmed: no foreigners observed this month." in htmx.get_data(as_text=True)
    assert len(_checkins_of(app)) == 1


def test_the_check_in_is_for_the_officials_own_village_only(app, client, official):
    with app.app_context():
        kasu = factories.village("Kasu").id
    client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}", "village_id": kasu})
    with app.app_context():
        assert [row.village_id for row in _checkins_of(app)] == [factories.village("Tanjung Sari").id]


@pytest.mark.parametrize("identity", ["petugas", "admin"])
def test_officers_and_admins_cannot_check_in(app, client, auth, identity):
    auth.sign_in_as(identity)
    assert client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}"}).status_code == 403
    assert _checkins_of(app) == []


def test_anonymous_check_in_goes_to_the_login(app, client):
    response = client.post("/checkins/nil", data={"month": f"{this_month():%Y-%m}"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert _checkins_of(app) == []


@pytest.mark.parametrize("month", ["", "2026-13", "1999-01", "next month", "9999-12"])
def test_a_month_that_cannot_be_confirmed_is_refused_clearly(app, client, official, month):
    response = client.post("/checkins/nil", data={"month": month})
    assert response.status_code == 400
    assert "This month can no longer be confirmed." in response.get_data(as_text=True)
    htmx = client.post("/checkins/nil", data={"month": month}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and 'role="alert"' in htmx.get_data(as_text=True)
    assert _checkins_of(app) == []


def test_last_month_is_still_accepted_from_the_outbox(app, client, official):
    last = checkins.previous_month(this_month())
    assert client.post("/checkins/nil", data={"month": f"{last:%Y-%m}"}).status_code == 303
    assert [row.month for row in _checkins_of(app)] == [last]


def test_a_report_this_month_replaces_the_button(app, client, official):
    with app.app_context():
        factories.make_report()
    page = client.get("/").get_data(as_text=True)
    assert "Your village has sent a report this month" in page
    assert 'action="/checkins/nil"' not in page


# --- what officers and admins see ---

def test_officers_home_page_flags_their_silent_villages(app, client, auth):
    last = checkins.previous_month(this_month())
    with app.app_context():
        _report_on("Tanjung Sari", midnight_utc(last))
        _check_in("Sekanak Raya", checkins.previous_month(last))
    auth.sign_in_as("petugas")
    page = client.get("/").get_data(as_text=True)
    assert "Silent villages" in page
    flagged = page.split('id="silent-heading"')[1].split("</section>")[0]
    assert "<li>Pemping</li>" in flagged
    assert "Tanjung Sari" not in flagged and "Sekanak Raya" not in flagged and "Kasu" not in flagged
    auth.sign_in_as("admin")
    flagged = client.get("/").get_data(as_text=True).split('id="silent-heading"')[1].split("</section>")[0]
    assert "<li>Kasu</li>" in flagged and "<li>Pemping</li>" in flagged


def test_no_flag_when_every_village_reported(app, client, auth):
    last = checkins.previous_month(this_month())
    with app.app_context():
        for name in ("Tanjung Sari", "Sekanak Raya", "Pemping"):
            _check_in(name, last)
    auth.sign_in_as("petugas")
    assert "Silent villages" not in client.get("/").get_data(as_text=True)


def _grid_rows(page):
    """{village: [cell words]} from the check-in grid of a page."""
    table = page.split('class="checkin-grid"')[1].split("</table>")[0]
    rows = {}
    for row in table.split("<tbody>")[1].split("</tr>")[:-1]:
        name = row.split('<th scope="row">')[1].split("</th>")[0]
        rows[name] = [cell.split(">", 1)[1].split("</td>")[0] for cell in row.split("<td")[1:]]
    return rows


def test_the_overview_shows_each_village_month_by_month(app, client, auth):
    last = checkins.previous_month(this_month())
    with app.app_context():
        _report_on("Tanjung Sari", midnight_utc(last) + timedelta(hours=1))
        _check_in("Pemping", last)
    auth.sign_in_as("petugas")
    rows = _grid_rows(client.get("/checkins/").get_data(as_text=True))
    assert sorted(rows) == ["Pemping", "Sekanak Raya", "Tanjung Sari"]
    assert rows["Tanjung Sari"][:2] == ["Open", "Reported"]  # the latest month first
    assert rows["Pemping"][:2] == ["Open", "Nil"]
    assert rows["Sekanak Raya"] == ["Open"] + ["Silent"] * 5
    auth.sign_in_as("admin")
    assert len(_grid_rows(client.get("/checkins/").get_data(as_text=True))) == 6


def test_the_recap_shows_the_standing_for_its_period(app, client, auth):
    with app.app_context():
        _check_in("Kasu", OCT)
        _report_on("Pemping", midnight_utc(SEP) + timedelta(days=1))
    auth.sign_in_as("admin")
    page = client.get("/recap/?date_from=2026-09-01&date_to=2026-10-31").get_data(as_text=True)
    assert "Reports and nil check-ins by month" in page
    rows = _grid_rows(page)
    assert rows["Kasu"] == ["Nil", "Silent"]  # October, September
    assert rows["Pemping"] == ["Silent", "Reported"]
    auth.sign_in_as("petugas")
    assert "Kasu" not in _grid_rows(client.get("/recap/?date_from=2026-09-01&date_to=2026-10-31")
                                    .get_data(as_text=True))


# --- the e-mail to the officers of silent villages ---

@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


@pytest.fixture
def mail_app(app, sink):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SENDER="office@example.test",
                      PUBLIC_URL="https://desa.example.go.id")
    with app.app_context():
        make_officer("sari", ["Tanjung Sari", "Kasu"], email="sari@example.test")
        make_officer("budi", ["Kasu"], email="budi@example.test").locale = "en"
        make_officer("noemail", ["Kasu"])
        make_officer("gone", ["Kasu"], email="gone@example.test").active = False
        db.session.commit()
        # Only Kasu is silent in September and October; the others reported or checked in.
        for name in ("Tanjung Sari", "Sekanak Raya", "Pemping", "Pecong", "Pulau Terong"):
            _check_in(name, OCT)
    return app


def test_silent_villages_are_mailed_to_their_officers_once(mail_app, sink):
    with mail_app.app_context():
        assert service.notify_silent_villages(TODAY) == (1, 2)
    messages = sink.wait_for(2)
    by_recipient = {recipients[0]: message for recipients, message in messages}
    assert sorted(by_recipient) == ["budi@example.test", "sari@example.test"]
    english = by_recipient["budi@example.test"]
    assert english["Subject"] == "Kasu has been silent for 2 months"
    body = english.get_content()
    assert "September 2026, October 2026" in body
    assert "https://desa.example.go.id/checkins/" in body
    assert "Kasu" in by_recipient["sari@example.test"]["Subject"]
    with mail_app.app_context():
        assert service.notify_silent_villages(TODAY) == (0, 0)  # a second run sends nothing
        assert service.notify_silent_villages(TODAY + timedelta(days=10)) == (0, 0)
        notices = db.session.execute(select(SilentVillageNotice.village_id, SilentVillageNotice.month)).all()
        assert notices == [(factories.village("Kasu").id, OCT)]
    assert len(sink.messages) == 2


def test_the_command_mails_once_and_says_so(mail_app, sink, runner):
    with mail_app.app_context():
        # The command uses the real date: make Kasu silent in the two months before this one.
        db.session.execute(NilCheckin.__table__.delete())
        db.session.commit()
        for name in ("Tanjung Sari", "Sekanak Raya", "Pemping", "Pecong", "Pulau Terong"):
            _check_in(name, checkins.previous_month(this_month()))
    first = runner.invoke(args=["notify-silent"])
    assert first.exit_code == 0, first.output
    assert "silent villages: 1 announced in 2 e-mails" in first.output
    second = runner.invoke(args=["notify-silent"])
    assert "silent villages: 0 announced in 0 e-mails" in second.output
    assert len(sink.wait_for(2)) == 2


def test_without_mail_nothing_is_sent_or_recorded(app, runner):
    result = runner.invoke(args=["notify-silent"])
    assert result.exit_code == 0 and "MAIL_SERVER is not set" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(SilentVillageNotice.id))) == 0


def test_a_mail_server_that_is_down_records_nothing(app, runner):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    with app.app_context():
        make_officer("sari", ["Kasu"], email="sari@example.test")
    result = runner.invoke(args=["notify-silent"])
    assert result.exit_code == 1 and "nothing was recorded" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(SilentVillageNotice.id))) == 0


def test_a_long_recap_period_shows_its_last_two_years(app, client, auth):
    auth.sign_in_as("admin")
    page = client.get("/recap/?date_from=1900-01-01&date_to=2026-10-31").get_data(as_text=True)
    assert "The last 24 months of the period." in page
    assert all(len(cells) == 24 for cells in _grid_rows(page).values())
