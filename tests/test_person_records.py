"""Person records: matching a new person to those seen before (passport, else name in any order
and with or without accents, nationality and year of birth), linking on save, the officer's
link / not-the-same / unlink / merge / undo with their events, and the person page's need to know."""

import json
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from domain import EventKind
from domain import matching
from extensions import db
from models import Event
from models import Person
from models import PersonRecord
from models import RecordMerge
from models import RecordSuggestion
from models import Report
from models import Village
from services.person_records import link_new_persons
from tests import factories
from tests.factories import person_seen as seen
from tests.report_helpers import page_of
from tests.report_helpers import post_form
from tests.report_helpers import report_data


def sighting(name, nationality="VN", passport="", birth=None, age=None):
    return matching.sighting(name, nationality, passport, birth, age, date(2026, 6, 1))


# Matching rules (domain) -------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [
    ("Nguyen Van An", "An Văn Nguyễn"),
    ("NGUYỄN, Văn An", "nguyen van an"),
    ("Đặng Thị Hoa", "Hoa Dang Thi"),
    ("José Álvarez", "ALVAREZ Jose"),
])
def test_names_in_other_orders_and_with_accents_have_one_key(first, second):
    assert matching.name_key(first) == matching.name_key(second)


def test_the_same_name_nationality_and_year_of_birth_is_a_strong_match():
    new = sighting("An Văn Nguyễn", birth=date(1990, 3, 1))
    assert matching.match_strength(new, sighting("Nguyen Van An", birth=date(1990, 11, 5))) == matching.STRONG
    # an age given at the sighting allows its two years of birth
    assert matching.match_strength(new, sighting("Nguyen Van An", age=36)) == matching.STRONG


@pytest.mark.parametrize(("old", "strength"), [
    (sighting("Nguyen Van An"), matching.LIKELY),  # no year of birth to compare
    (sighting("Nguyen Van Anh", birth=date(1990, 1, 1)), matching.LIKELY),  # a letter more
    (sighting("Nguyen Van", birth=date(1990, 1, 1)), matching.LIKELY),  # a word less
    (sighting("Nguyen Van An", nationality="", birth=date(1990, 1, 1)), matching.LIKELY),
    (sighting("Nguyen Van An", birth=date(1975, 1, 1)), 0),  # born another year
    (sighting("Nguyen Van An", nationality="MY", birth=date(1990, 1, 1)), 0),
    (sighting("Tran Thi Mai", birth=date(1990, 1, 1)), 0),
    (sighting("Other Name", passport="C-1234 567"), matching.SAME_PASSPORT),
    (sighting("Nguyen Van An", passport="C7654321", birth=date(1990, 1, 1)), 0),  # two documents
])
def test_weaker_and_no_matches(old, strength):
    new = sighting("An Văn Nguyễn", passport="c1234567", birth=date(1990, 3, 1))
    assert matching.match_strength(new, old) == strength


def test_the_strongest_record_is_chosen_and_the_others_suggested():
    new = sighting("Nguyen Van An", passport="C1234567", birth=date(1990, 3, 1))
    seen = [(1, sighting("Nguyen Van An")), (2, sighting("x", passport="C1234567")),
            (3, sighting("An Nguyen Van", birth=date(1990, 1, 1))), (4, sighting("Tan Wei Ming"))]
    assert matching.choose_record(new, seen) == (2, [3, 1])
    # a record another person of the same report took is only suggested
    assert matching.choose_record(new, seen, frozenset({2})) == (3, [2, 1])
    assert matching.choose_record(sighting("", nationality=""), seen) == (None, [])


# Linking when a report is saved --------------------------------------------------------------


def test_a_report_s_persons_are_linked_when_it_is_saved(app, client, official):
    first = report_data(**{"persons-0-name": "Nguyen Van An", "persons-0-nationality": "VN",
                           "persons-0-age": "", "persons-0-birth_date": "1990-03-01",
                           "persons-0-passport_no": "C1234567"})
    same_passport = report_data(**{"persons-0-name": "Someone Else", "persons-0-passport_no": "c 1234567"})
    other_order = report_data(**{"persons-0-name": "An Văn Nguyễn", "persons-0-nationality": "VN",
                                 "persons-0-age": "", "persons-0-birth_date": "1990-08-09",
                                 "persons-0-passport_no": ""})
    weaker = report_data(**{"persons-0-name": "Nguyen Van Anh", "persons-0-nationality": "VN",
                            "persons-0-age": "", "persons-0-passport_no": ""})
    for data in (first, same_passport, other_order, weaker):
        assert post_form(client, "/reports/new", data).status_code == 303
    with app.app_context():
        persons = db.session.scalars(select(Person).order_by(Person.id)).all()
        assert all(person.record_id for person in persons)
        assert persons[0].record_id == persons[1].record_id == persons[2].record_id
        assert persons[3].record_id != persons[0].record_id
        assert [s.record_id for s in persons[3].suggestions] == [persons[0].record_id]
        assert persons[0].record.display_name == "Nguyen Van An"


def test_matching_a_report_s_persons_reads_the_database_once(app):
    with app.app_context():
        for number in range(6):
            seen("Pemping", f"Person Number{number}", passport=f"P{number}", birth=date(1990, 1, 1))
        queries = []

        def count(_conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("SELECT"):
                queries.append(statement)

        for persons in (1, 6):
            report = factories.make_report("Kasu", persons=0, commit=False)
            report.persons = [Person(name=f"Number{n} Person", nationality="VN", passport_no=f"P{n}")
                              for n in range(persons)]
            db.session.flush()
            queries.clear()
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                link_new_persons(report)
                db.session.flush()
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            assert len(queries) == 1, queries
            db.session.commit()
            assert [p.record.persons[0].name for p in report.persons] == [
                f"Person Number{n}" for n in range(persons)]


# The officer's changes -----------------------------------------------------------------------


def events_of(kind):
    return db.session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)).all()


def test_the_report_page_links_each_person_and_counts_the_sightings_before(app, client, officer):
    with app.app_context():
        first_id = seen("Tanjung Sari", "Nguyen Van An", passport="C1234567").report_id
        seen("Kasu", "Nguyen Van An", passport="C1234567")
        person = seen("Pemping", "An Nguyen Van", passport="C1234567")
        report_id, record_id = person.report_id, person.record_id
    first = page_of(client.get(f"/review/{first_id}"))
    assert first.select_one("a.person-record")["href"] == f"/persons/{record_id}"
    assert first.select_one(".seen-before").text == "belum pernah terlihat sebelumnya"
    page = page_of(client.get(f"/review/{report_id}"))
    link = page.select_one("a.person-record")
    assert link["href"] == f"/persons/{record_id}"
    assert "2" in page.select_one(".seen-before").text  # Kasu's sighting counts, unseen


def test_an_officer_links_a_suggested_record_or_says_it_is_not_the_same(app, client, officer):
    with app.app_context():
        earlier = seen("Tanjung Sari", "Nguyen Van An", birth=date(1990, 1, 1))
        first = seen("Pemping", "Nguyen Van Anh")
        second = seen("Pemping", "Nguyen Van Anh")
        ids = {"record": earlier.record_id, "first": first.id, "second": second.id,
               "report": first.report_id}
        suggestions = [next(s.id for s in person.suggestions if s.record_id == earlier.record_id)
                       for person in (first, second)]
    page = page_of(client.get(f"/review/{ids['report']}"))
    assert page.select_one(f"form[action='/persons/suggestions/{suggestions[0]}/link']")
    response = client.post(f"/persons/suggestions/{suggestions[0]}/link",
                           data={"next": f"/review/{ids['report']}"})
    assert response.status_code == 303 and response.headers["Location"] == f"/review/{ids['report']}"
    assert client.post(f"/persons/suggestions/{suggestions[1]}/reject").status_code == 303
    # a decided suggestion is gone: deciding again is a 404, not a second event
    assert client.post(f"/persons/suggestions/{suggestions[0]}/link").status_code == 404
    with app.app_context():
        assert db.session.get(Person, ids["first"]).record_id == ids["record"]
        assert db.session.get(Person, ids["second"]).record_id != ids["record"]
        decided = select(RecordSuggestion).where(RecordSuggestion.id.in_(suggestions))
        assert db.session.scalars(decided).all() == []
        linked, = events_of(EventKind.PERSON_LINKED)
        rejected, = events_of(EventKind.NOT_SAME)
        assert linked.report_id == ids["report"] and linked.text.endswith(f"→ #{ids['record']}")
        assert rejected.text == f"Nguyen Van Anh ≠ #{ids['record']}"
        assert not linked.visible_to_reporter and linked.actor.username == "petugas"


def test_merging_two_records_and_undoing_it_are_audited(app, client, officer):
    with app.app_context():
        kept = seen("Tanjung Sari", "Tan Wei Ming", nationality="MY", passport="A111")
        merged = [seen(village, "Wei Ming", nationality="MY", passport="B222")
                  for village in ("Pemping", "Sekanak Raya")]
        kept_id, merged_id = kept.record_id, merged[0].record_id
        moved = sorted(person.id for person in merged)
    assert client.post(f"/persons/{kept_id}/merge", data={"other": f"#{merged_id}"}).status_code == 303
    with app.app_context():
        done = db.session.scalar(select(RecordMerge))
        assert (done.kept_id, done.merged_id) == (kept_id, merged_id)
        assert sorted(json.loads(done.person_ids)) == moved
        assert {p.record_id for p in db.session.scalars(select(Person))} == {kept_id}
        assert len(events_of(EventKind.RECORDS_MERGED)) == 2
        merge_id = done.id
    page = page_of(client.get(f"/persons/{kept_id}"))
    assert len(page.select("li.sighting")) == 3
    assert client.post(f"/persons/merges/{merge_id}/undo").status_code == 303
    assert client.post(f"/persons/merges/{merge_id}/undo").status_code == 409
    with app.app_context():
        assert {p.id: p.record_id for p in db.session.scalars(select(Person))} == {
            kept.id: kept_id, moved[0]: merged_id, moved[1]: merged_id}
        assert db.session.get(RecordMerge, merge_id).undone_by_id == factories.user("petugas").id
        assert len(events_of(EventKind.MERGE_UNDONE)) == 2


def test_unlinking_gives_the_person_a_record_of_their_own(app, client, officer):
    with app.app_context():
        first = seen("Tanjung Sari", "Tan Wei Ming", nationality="MY", passport="A111")
        second = seen("Pemping", "Tan Wei Ming", nationality="MY", passport="A111")
        record_id, person_id, report_id = first.record_id, second.id, second.report_id
    assert second.record_id == record_id
    response = client.post(f"/persons/sightings/{person_id}/unlink")
    assert response.status_code == 303 and response.headers["Location"] == f"/review/{report_id}"
    # alone in the new record now: nothing to take them out of
    assert client.post(f"/persons/sightings/{person_id}/unlink").status_code == 409
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person.record_id not in (None, record_id)
        event, = events_of(EventKind.PERSON_UNLINKED)
        assert event.text == f"Tan Wei Ming: #{record_id} → #{person.record_id}"
        new_id = person.record_id
    # reversed by merging the new record back
    assert client.post(f"/persons/{record_id}/merge", data={"other": str(new_id)}).status_code == 303
    with app.app_context():
        assert db.session.get(Person, person_id).record_id == record_id


@pytest.mark.parametrize("other", ["", "abc", "١٢", "99999999999"])
def test_a_bad_record_number_is_refused_with_a_message(app, client, officer, other):
    with app.app_context():
        record_id = seen("Tanjung Sari", "Tan Wei Ming", nationality="MY").record_id
    response = client.post(f"/persons/{record_id}/merge", data={"other": other})
    assert response.status_code == 422
    assert page_of(response).select_one("p.flash-error[role=alert]")


# Need to know ----------------------------------------------------------------------------------


def test_the_person_page_shows_only_the_viewer_s_villages_and_counts_the_rest(app, client, auth):
    with app.app_context():
        mine = seen("Tanjung Sari", "Nguyen Van An", passport="C1234567", photos=2)
        hidden = [seen("Kasu", "Nguyen Van An", passport="C1234567") for _ in range(2)]
        only_hidden = seen("Pecong", "Somebody Else", nationality="AU", passport="P999")
        record_id, hidden_codes = mine.record_id, [p.report.code for p in hidden]
        mine_code, mine_photo = mine.report.code, mine.report.photos[0].id
        only_hidden_id = only_hidden.record_id
        db.session.get(Report, mine.report_id).outcome = "no_violation"
        db.session.commit()
    auth.sign_in_as("petugas")
    response = client.get(f"/persons/{record_id}")
    page = page_of(response)
    text = page.text
    assert [li.select_one("a.code").text for li in page.select("li.sighting")] == [mine_code]
    sighting_ = page.select_one("li.sighting")
    assert "Tanjung Sari" in sighting_.text and sighting_.select_one("time")
    assert sighting_.select_one(f"img[src='/photos/{mine_photo}/thumb']")
    assert "2" in page.select_one(".hidden-sightings").text
    assert "Kasu" not in text and not any(code in text for code in hidden_codes)
    assert client.get(f"/persons/{only_hidden_id}").status_code == 404
    assert client.get("/persons/999999").status_code == 404
    # the merge of a record seen in villages the officer does not follow is refused
    response = client.post(f"/persons/{record_id}/merge", data={"other": str(only_hidden_id)})
    assert response.status_code == 422
    auth.sign_in_as("admin")
    page = page_of(client.get(f"/persons/{record_id}"))
    assert len(page.select("li.sighting")) == 3 and not page.select(".hidden-sightings")
    assert client.get(f"/persons/{only_hidden_id}").status_code == 200
    auth.sign_in_as("desa")
    assert client.get(f"/persons/{record_id}").status_code == 403


def test_an_officer_may_not_move_persons_seen_in_villages_they_do_not_follow(app, client, officer):
    with app.app_context():
        kept = seen("Tanjung Sari", "Tan Wei Ming", nationality="MY", passport="A111")
        wider = seen("Pemping", "Wei Ming", nationality="MY", passport="B222")
        seen("Kasu", "Wei Ming", nationality="MY", passport="B222")
        kept_id, wider_id = kept.record_id, wider.record_id
    response = client.post(f"/persons/{kept_id}/merge", data={"other": str(wider_id)})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(RecordMerge)) is None
        assert events_of(EventKind.RECORDS_MERGED) == []


# The migration links the persons already saved ------------------------------------------------


def test_the_migration_links_existing_persons(empty_database):
    persons = [  # (name, nationality, passport, birth date)
        ("Nguyen Van An", "VN", "C1234567", None),
        ("Somebody", "", "c-123 4567", None),  # the same passport, written otherwise
        ("An Văn Nguyễn", "VN", "", datetime(1990, 3, 1)),
        ("Nguyen Van An", "VN", "", datetime(1990, 9, 9)),  # the same name, nationality and year
        ("Nguyen Van An", "VN", "", datetime(1971, 1, 1)),  # born another year: someone else
        ("Đặng Thị Hoa", "VN", "", None),  # no year of birth: a record of her own
        ("", "", "", None),
    ]
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with empty_database.app_context():
        upgrade(revision="5dd4562becc5")
        village_id = db.session.execute(Village.__table__.insert().values(
            name="Kasu", kecamatan="k", kabupaten="k", province="p", active=True)).inserted_primary_key[0]
        for number, (name, nationality, passport, birth) in enumerate(persons):
            report_id = db.session.execute(Report.__table__.insert().values(
                code=f"CODE{number}", client_uuid=f"uuid-{number}", village_id=village_id,
                source="official", reporter_name="", reporter_phone="", anonymous=False,
                category="lodging", urgency="normal", observed_at=now, address="", rt_rw="",
                description="d", status="new", version=1, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            # Plain SQL: the rows as this revision held them, in clear (the model seals them).
            db.session.execute(text(
                "INSERT INTO persons (report_id, name, name_key, sex, nationality, passport_no, "
                "birth_date, permit_type) VALUES (:report, :name, 'stale', 'unknown', "
                ":nationality, :passport, :born, '')"),
                {"report": report_id, "name": name, "nationality": nationality,
                 "passport": passport, "born": birth})
        db.session.commit()
        upgrade()
        rows = db.session.execute(select(Person.id, Person.record_id, Person.name_key)
                                  .order_by(Person.id)).all()
        records = [record_id for _id, record_id, _key in rows]
        assert records[0] == records[1]
        assert records[2] == records[3] != records[0]
        assert len(set(records)) == 5 and None not in records
        assert rows[5].name_key == "dang hoa thi"  # name keys follow the new rule
        assert db.session.scalar(select(func.count(PersonRecord.id))) == 5
        # new records are numbered after the ones the migration made (PostgreSQL's sequence)
        person = factories.person_seen("Kasu", "Someone New")
        assert person.record_id > max(records)
