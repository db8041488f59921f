"""The official's report form: fields, hints and guidance, validation, persons, confirmation."""

import re

import pytest
from sqlalchemy import select

from domain import CATEGORY_GUIDANCE
from domain import Category
from domain import EventKind
from domain import Source
from domain import Status
from domain import countries
from domain import refcodes
from domain.calendar import OFFICE_ZONE
from extensions import db
from models import Report
from tests.factories import user
from tests.factories import village
from tests.report_helpers import counts
from tests.report_helpers import page_of
from tests.report_helpers import post_form
from tests.report_helpers import report_data


def test_form_has_every_field_in_one_column(client, official):
    response = client.get("/reports/new")
    assert response.status_code == 200
    page = page_of(response)
    form = page.select_one("form[data-report-form]")
    assert form["enctype"] == "multipart/form-data"
    names = {element.get("name") for element in form.select("input, select, textarea")}
    for name in ("client_uuid", "category", "urgency", "observed_at", "address", "rt_rw", "latitude",
                 "longitude", "accuracy_m", "description", "persons-0-name", "persons-0-sex",
                 "persons-0-nationality", "persons-0-age", "persons-0-birth_date",
                 "persons-0-passport_no", "persons-0-permit_type", "photos", "reporter_phone"):
        assert name in names, name
    assert "village" not in names  # the official's own village, shown, not chosen
    assert "Tanjung Sari" in page.select_one("main").get_text()
    assert page.select_one("#reporter_phone")["value"] == "0812 0000 1111"
    assert {radio["value"] for radio in form.select("input[name=urgency]")} == {"normal", "urgent"}
    assert form.select_one("input[name=urgency][checked]")["value"] == "normal"
    assert page.select_one("#photos").has_attr("multiple")
    assert page.select_one("#persons-0-nationality")["list"] == "countries"
    # No JavaScript needed: the location button only appears with it, the rest is plain HTML.
    assert page.select_one("[data-locate]").has_attr("hidden")


def test_when_defaults_to_now_in_jakarta(client, official):
    from datetime import datetime

    value = page_of(client.get("/reports/new")).select_one("#observed_at")["value"]
    shown = datetime.strptime(value, "%Y-%m-%dT%H:%M").replace(tzinfo=OFFICE_ZONE)
    assert abs((datetime.now(OFFICE_ZONE) - shown).total_seconds()) < 120


def test_form_fields_fit_a_phone_and_need_no_inline_style(client, official):
    html = client.get("/reports/new").data.decode()
    assert " style=" not in html and "<script>" not in html and "<style" not in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "js/report-form.js" in html


def test_report_is_saved_with_every_fact(app, client, official):
    data = report_data(
        **{
            "persons-1-name": "",
            "persons-1-sex": "female",
            "persons-1-nationality": "Malaysia",
            "persons-1-age": "",
            "persons-1-birth_date": "1990-04-01",
            "persons-1-passport_no": "",
            "persons-1-permit_type": "",
            "urgency": "urgent",
        }
    )
    response = post_form(client, "/reports/new", data)
    assert response.status_code == 303
    with app.app_context():
        report = db.session.scalar(select(Report))
        assert response.headers["Location"] == f"/reports/{report.id}/sent"
        assert report.village.name == "Tanjung Sari"
        assert report.reporter.username == "desa"
        assert report.source == Source.OFFICIAL
        assert report.status == Status.NEW
        assert (report.category, report.urgency) == ("lodging", "urgent")
        assert (report.latitude, report.longitude, report.accuracy_m) == (1.1412, 103.8967, 12)
        assert report.rt_rw == "003/005"
        assert report.reporter_phone == "0812 3456 7890"
        first, second = report.persons
        assert (first.name, first.sex, first.nationality, first.age) == ("John Tan", "male", "SG", 35)
        assert first.passport_no == "K1234567"
        assert first.permit_type == "Visa kunjungan"
        born = second.birth_date.date().isoformat()
        assert (second.sex, second.nationality, born) == ("female", "MY", "1990-04-01")
        # The form's local time (Asia/Jakarta) is stored in UTC: seven hours earlier.
        local = data["observed_at"].replace("T", " ")
        assert report.observed_at.strftime("%Y-%m-%d %H:%M") != local
        [event] = report.events
        assert (event.kind, event.to_status, event.actor.username) == (EventKind.CREATED, Status.NEW, "desa")


def test_the_village_is_always_the_officials_own(app, client, official):
    with app.app_context():
        other = village("Kasu").id
    post_form(client, "/reports/new", report_data(village=str(other), village_id=str(other)))
    with app.app_context():
        assert db.session.scalar(select(Report)).village.name == "Tanjung Sari"


def test_only_officials_file_reports(client, auth):
    auth.login("petugas")
    assert client.get("/reports/new").status_code == 403


# -- persons: one or more, added and removed in place (htmx) or by sending the form (no JS) --


def test_htmx_adds_one_person_row_with_the_next_index(client):
    response = client.get("/reports/person-row?index=3", headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = page_of(response)
    row = page.select_one("fieldset.person")
    assert row["id"] == "person-3"
    assert row.select_one("#persons-3-name").has_attr("autofocus")
    assert row.select_one("#persons-3-nationality")["list"] == "countries"
    button = page.select_one("#add-person")
    assert button["hx-swap-oob"] == "true"
    assert button["hx-get"] == "/reports/person-row?index=4"
    assert button["hx-target"] == "#persons" and button["hx-swap"] == "beforeend"
    assert "<html" not in response.data.decode()


@pytest.mark.parametrize("index", ["", "-1", "abc", "5000"])
def test_person_row_refuses_a_bad_index(client, index):
    assert client.get(f"/reports/person-row?index={index}").status_code == 400


def test_without_javascript_add_person_grows_the_form_and_keeps_everything(app, client, official):
    data = report_data(add_person="1", description="Typed so far, not finished")
    response = post_form(client, "/reports/new", data)
    assert response.status_code == 200
    page = page_of(response)
    assert [row["id"] for row in page.select("fieldset.person")] == ["person-0", "person-1"]
    assert page.select_one("#persons-0-name")["value"] == "John Tan"
    assert page.select_one("#persons-0-nationality")["value"] == "Singapura"
    assert page.select_one("#description").get_text().strip() == "Typed so far, not finished"
    assert page.select_one("#client_uuid")["value"] == data["client_uuid"]
    assert not page.select(".field-error")  # growing the form is not sending it
    with app.app_context():
        assert counts()["reports"] == 0


def test_without_javascript_remove_person_drops_that_row(client, official):
    data = report_data(**{"persons-1-name": "Second", "persons-1-sex": "female", "remove_person": "0"})
    page = page_of(post_form(client, "/reports/new", data))
    rows = page.select("fieldset.person")
    assert len(rows) == 1
    assert rows[0].select_one("input[name$=-name]")["value"] == "Second"


def test_the_last_person_row_stays(client, official):
    page = page_of(post_form(client, "/reports/new", report_data(remove_person="0")))
    assert len(page.select("fieldset.person")) == 1


def test_persons_beyond_the_limit_are_refused(client, official):
    extra = {f"persons-{i}-name": f"P{i}" for i in range(1, 21)}
    response = post_form(client, "/reports/new", report_data(**extra))
    assert response.status_code == 422
    assert "Paling banyak 20 orang" in response.data.decode()


# -- nationality: a searchable list of countries named in the UI language --


def nationality_list(client, language):
    page = page_of(client.get("/reports/new", headers={"Accept-Language": language}))
    return [option["value"] for option in page.select("datalist#countries option")]


def test_nationalities_are_named_in_the_ui_language_and_sorted(app, client, official):
    indonesian = nationality_list(client, "id")
    assert {"Singapura", "Malaysia", "Indonesia", "Tiongkok", "Kosovo"} <= set(indonesian)
    assert "Tanpa kewarganegaraan" in indonesian
    assert "Uni Eropa" not in indonesian and "Perserikatan Bangsa-Bangsa" not in indonesian
    countries_only = indonesian[1:]
    assert countries_only == sorted(countries_only, key=countries.fold)
    assert len(countries_only) == 250  # ISO 3166's 249 plus Kosovo
    with app.app_context():
        user("desa").locale = "en"
        db.session.commit()
    english = nationality_list(client, "en")
    assert "Singapore" in english and "Stateless" in english and "Singapura" not in english


def test_a_nationality_is_stored_as_its_iso_code_whatever_the_language(app, client, official):
    typed_and_stored = [("singapore", "SG"), ("Tanpa kewarganegaraan", "XX"), ("", "")]
    for typed, _code in typed_and_stored:
        post_form(client, "/reports/new", report_data(**{"persons-0-nationality": typed}))
    with app.app_context():
        reports = db.session.scalars(select(Report).order_by(Report.id))
        stored = [report.persons[0].nationality for report in reports]
    assert stored == [code for _typed, code in typed_and_stored]


def test_an_unknown_nationality_is_an_error_beside_the_field(client, official):
    response = post_form(client, "/reports/new", report_data(**{"persons-0-nationality": "Atlantis"}))
    assert response.status_code == 422
    page = page_of(response)
    assert page.select_one("#persons-0-nationality")["value"] == "Atlantis"
    assert "Pilih negara dari daftar" in page.select_one("#persons-0-nationality-error").get_text()


# -- categories: a hint and the guidance behind each; observable facts only --


def test_each_category_has_a_hint_and_links_its_guidance(client, official):
    page = page_of(client.get("/reports/new"))
    for index, category in enumerate(Category):
        radio = page.select_one(f"#category-{index}")
        assert radio["value"] == category.value
        hint = page.select_one(f"#{radio['aria-describedby']}")
        assert hint.get_text().strip()
        link = hint.select_one("a")
        assert link["href"] == f"/guidance/{CATEGORY_GUIDANCE[category]}"
    lodging_hint = page.select_one("#category-0-hint").get_text()
    assert "lapor" in lodging_hint.lower()


def test_the_form_asks_observable_facts_and_reminds_to_stay_humane(client, official):
    page = page_of(client.get("/reports/new"))
    reminder = page.select_one(".reminder").get_text()
    assert "konfrontasi" in reminder.lower() or "menegur" in reminder.lower()
    assert "manusiawi" in reminder.lower()
    names = " ".join(element.get("name", "") for element in page.select("input, select, textarea"))
    for word in ("ethnic", "religion", "race", "suku", "agama"):
        assert word not in names


# -- validation: translated, beside the field, announced, nothing lost --


def test_errors_are_translated_beside_their_fields_and_announced(app, client, official):
    data = report_data(category=None, address="", description="short", latitude="1.2", longitude="",
                       **{"persons-0-age": "old"})
    response = post_form(client, "/reports/new", data)
    assert response.status_code == 422
    page = page_of(response)
    expected = {
        "category": "Pilih salah satu",
        "address": "Harap isi kolom ini",
        "description": "Antara 20 dan 5000 karakter",
        "longitude": "lintang dan bujur",
        "persons-0-age": "bilangan bulat",
    }
    for field_id, words in expected.items():
        error = page.select_one(f"#{field_id}-error")
        assert error is not None, field_id
        assert words.lower() in error.get_text().lower(), field_id
        assert error["role"] == "alert"
        described = page.select_one(f"#{field_id}")
        assert f"{field_id}-error" in described["aria-describedby"]
    assert page.select_one("#address")["aria-invalid"] == "true"
    summary = page.select_one("#error-summary")
    assert summary["role"] == "alert"
    assert {a["href"] for a in summary.select("a")} >= {f"#{field_id}" for field_id in expected}
    assert page.title.get_text().startswith("Kesalahan")
    # What was typed is still there.
    assert page.select_one("#description").get_text().strip() == "short"
    assert page.select_one("#persons-0-name")["value"] == "John Tan"
    assert page.select_one("#rt_rw")["value"] == "003/005"
    with app.app_context():
        assert counts() == {"reports": 0, "persons": 0, "events": 0, "photos": 0}


def test_english_errors_in_english(client, official, app):
    with app.app_context():
        user("desa").locale = "en"
        db.session.commit()
    response = post_form(client, "/reports/new", report_data(address=""))
    assert "Please fill in this field." in page_of(response).select_one("#address-error").get_text()


def test_a_time_in_the_future_is_refused(client, official):
    response = post_form(client, "/reports/new", report_data(observed_at="2999-01-01T10:00"))
    assert response.status_code == 422
    assert "masa depan" in page_of(response).select_one("#observed_at-error").get_text()


def test_wtforms_never_speaks_english_in_indonesian(client, official):
    response = post_form(client, "/reports/new", report_data(category="spaceship", urgency="x",
                                                             observed_at="yesterday"))
    html = response.data.decode()
    assert response.status_code == 422
    assert "Not a valid" not in html and "Invalid" not in html


# -- reference code and confirmation --


def test_reference_code_is_unambiguous_and_the_confirmation_says_what_next(app, client, official):
    response = post_form(client, "/reports/new", report_data())
    with app.app_context():
        report = db.session.scalar(select(Report))
        code = report.code
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY2345679]{4}-[ACDEFGHJKMNPQRTUVWXY2345679]{4}", code)
    assert not set(code) & set("0O1IL8BSZ")
    assert refcodes.normalize(code.lower().replace("-", " ")) == code
    page = client.get(response.headers["Location"])
    text = page_of(page).select_one("main").get_text(" ")
    assert code in text
    assert "3 hari kerja" in text
    assert "Perlu info tambahan" in text


def test_reference_codes_are_unique(app):
    codes = {refcodes.new_code() for _ in range(5000)}
    assert len(codes) == 5000
