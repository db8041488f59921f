"""Person records: every person seen in a report (Person) is linked to the record of one
foreigner (PersonRecord), so an officer sees where and when they were seen before.

A new report's persons are matched when it is saved, in its transaction (domain/matching.py
decides; here are the look-ups, a fixed number of statements however many persons): a strong
match links the person by itself, weaker ones become suggestions the officer links or rejects.
Officers may also unlink a person (who gets a record of their own), merge two records and undo a
merge. Each change writes an office-only Event on every report whose person moved, saying from
which record to which, so it can be read in the report's history and in the audit log, and
reversed: a link by an unlink, an unlink by a merge, a merge by its undo (RecordMerge keeps
which persons it moved).

Passport numbers are compared in SQL only through their blind index (services/passports.py),
and years of birth only in Python on loaded rows: both columns are sealed."""

import json
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import not_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm import joinedload

from domain import EventKind
from domain import matching
from extensions import db
from models import Event
from models import Person
from models import PersonRecord
from models import RecordMerge
from models import RecordSuggestion
from models import Report
from services.passports import passport_equals
from services.reports import in_villages_by_key
from services.reports import persons_report
from services.reports import persons_report_in_villages
from services.reports import village_scope
from services.reports import visible_by_key

# How many persons seen before each kind of look-up brings back for one new report.
MAX_CANDIDATES = 200
# How many first letters of a name's word find the names that may be the same written otherwise.
PREFIX = 2


def sighting_of(person, seen_on):
    """What matching needs of a loaded person seen on `seen_on` (the report's observed date)."""
    return matching.sighting(person.name, person.nationality, person.passport_no,
                             person.birth_date, person.age, seen_on)


def _candidates(sightings):
    """(record id, Sighting) of persons already linked who may be one of `sightings`: the same
    passport number or name key; or, of the same nationality, a name key (its words in
    alphabetical order) that starts with the first letters of one of the name's words, which
    finds a typo or a missing word elsewhere in the name. Each look-up keeps its own LIMIT, so
    a common name cannot crowd out an exact match; one statement however many persons."""
    exact = [passport_equals(s.passport) for s in sightings if s.passport]
    keys = {s.name_key for s in sightings if s.name_key}
    if keys:
        exact.append(Person.name_key.in_(keys))
    lookups = [or_(*exact)] if exact else []
    starts = {(s.nationality, word[:PREFIX]) for s in sightings if s.nationality
              for word in s.name_key.split() if len(word) >= PREFIX}
    lookups += [and_(Person.nationality == nationality, Person.name_key.startswith(start, autoescape=True))
                for nationality, start in sorted(starts)]
    if not lookups:
        return []

    def lookup(condition):
        return (select(Person.id).where(Person.record_id.is_not(None), condition)
                .limit(MAX_CANDIDATES).subquery())

    ids = union_all(*[select(lookup(condition).c.id) for condition in lookups]).subquery()
    rows = db.session.execute(
        select(Person, Report.observed_at).join(Report, Report.id == Person.report_id)
        .where(Person.id.in_(select(ids.c.id)))
    ).all()
    return [(person.record_id, sighting_of(person, observed_at)) for person, observed_at in rows]


def link_new_persons(report):
    """Link each person of a report being saved (flushed, so its persons have ids) to a record:
    the one a strong match finds, else a new one; weaker matches become suggestions. The
    caller's commit writes it all."""
    persons = report.persons
    if not persons:
        return
    sightings = [sighting_of(person, report.observed_at) for person in persons]
    seen_before = _candidates(sightings)
    taken = set()
    for person, new in zip(persons, sightings, strict=True):
        chosen, suggested = matching.choose_record(new, seen_before, frozenset(taken))
        if chosen is None:
            person.record = PersonRecord(display_name=person.name, nationality=person.nationality,
                                         created_at=report.created_at)
        else:
            person.record_id = chosen
            taken.add(chosen)
        db.session.add_all(RecordSuggestion(person_id=person.id, record_id=record_id)
                           for record_id in suggested)


# Reading -------------------------------------------------------------------------------------


@dataclass
class ReportPersons:
    """What the report page shows of its persons' records: how often each person's record was
    seen in reports sent before this one (every village), and the suggested records the viewer
    may open, as {person id: [(RecordSuggestion, visible sightings)]}."""

    seen_before: dict = field(default_factory=dict)
    suggestions: dict = field(default_factory=dict)


# The report page's two statements, built once (building one costs more than running it).
REPORT_SUGGESTIONS = (
    select(RecordSuggestion)
    .where(RecordSuggestion.person_id.in_(bindparam("person_ids", expanding=True)))
    .options(joinedload(RecordSuggestion.record))
    .order_by(RecordSuggestion.id)
)


@lru_cache(maxsize=256)
def _sightings_statement(village_ids):
    """Per record: its sightings in reports sent before the report (every village), and its
    sightings in these villages. Each sighting's report is read by its key: a record's
    sightings are few."""
    created = Report.__table__.c.created_at
    earlier = and_(persons_report(Report.created_at) < bindparam("created_at", type_=created.type),
                   Person.report_id != bindparam("report_id"))
    visible = persons_report_in_villages(village_ids)
    return (select(Person.record_id, func.sum(case((earlier, 1), else_=0)),
                   func.sum(case((visible, 1), else_=0)))
            .where(Person.record_id.in_(bindparam("record_ids", expanding=True)))
            .group_by(Person.record_id))


def report_persons(report, user):
    """The records of a report's persons, in two statements however many persons."""
    persons = report.persons
    result = ReportPersons()
    if not persons:
        return result
    suggestions = list(db.session.scalars(
        REPORT_SUGGESTIONS, {"person_ids": [person.id for person in persons]}))
    record_ids = {person.record_id for person in persons if person.record_id is not None}
    record_ids |= {suggestion.record_id for suggestion in suggestions}
    if not record_ids:
        return result
    statement = _sightings_statement(village_scope(user))
    counts = {
        record_id: (before, seen)
        for record_id, before, seen in db.session.execute(statement, {
            "created_at": report.created_at, "report_id": report.id,
            "record_ids": sorted(record_ids)})
    }
    for person in persons:
        if person.record_id is not None:
            result.seen_before[person.id] = int(counts.get(person.record_id, (0, 0))[0] or 0)
    for suggestion in suggestions:
        visible = int(counts.get(suggestion.record_id, (0, 0))[1] or 0)
        if visible:  # a record seen only in villages the viewer does not follow stays unknown
            result.suggestions.setdefault(suggestion.person_id, []).append((suggestion, visible))
    return result


@dataclass
class RecordPage:
    """A person's record as one viewer may see it: the sightings in their villages, newest
    first (with report, village and photos), how many others there are, and the merges."""

    record: PersonRecord
    sightings: list
    hidden: int
    merges: list


def record_page(record_id, user):
    """The record page, or None when the viewer may see no sighting of it (need to know).
    A fixed number of statements however many sightings: the record and its visible sightings
    with the count of the others, their photos, and the merges."""
    values = {"record_id": record_id}
    rows = db.session.execute(_sightings_of_record(village_scope(user)), values).unique().all()
    if not rows:  # no such record, or none of its sightings is the viewer's to see
        return None
    sightings = [person for person, _hidden in rows]
    merges = list(db.session.scalars(RECORD_MERGES, values))
    return RecordPage(sightings[0].record, sightings, rows[0].hidden or 0, merges)


@lru_cache(maxsize=256)
def _sightings_of_record(village_ids):
    """A record's sightings in these villages (None: all), newest first, with the record, their
    reports, villages and photos, each beside the number of the record's sightings elsewhere.
    Built once per villages."""
    visible = in_villages_by_key(village_ids)
    of_record = Person.record_id == bindparam("record_id")
    hidden = (select(func.count(Person.id)).join(Report, Report.id == Person.report_id)
              .where(of_record, not_(visible)).correlate(None).scalar_subquery().label("hidden"))
    return (
        select(Person, hidden).join(Report, Report.id == Person.report_id)
        .where(of_record, visible)
        .options(joinedload(Person.record),
                 contains_eager(Person.report).joinedload(Report.village),
                 contains_eager(Person.report).selectinload(Report.photos))
        .order_by(Report.observed_at.desc(), Person.id.desc())
    )


RECORD_MERGES = (
    select(RecordMerge).where(RecordMerge.kept_id == bindparam("record_id"))
    .options(joinedload(RecordMerge.actor)).order_by(RecordMerge.id.desc())
)


def visible_person(person_id, user):
    """A person seen in a report the viewer may see, with the report; None otherwise."""
    return db.session.scalar(
        select(Person).join(Report, Report.id == Person.report_id)
        .where(Person.id == person_id, visible_by_key(user))
        .options(contains_eager(Person.report))
    )


def visible_suggestion(suggestion_id, user):
    """A suggestion for a person the viewer may see, of a record they may see a sighting of."""
    suggestion = db.session.scalar(
        select(RecordSuggestion).join(Person, Person.id == RecordSuggestion.person_id)
        .join(Report, Report.id == Person.report_id)
        .where(RecordSuggestion.id == suggestion_id, visible_by_key(user))
        .options(contains_eager(RecordSuggestion.person))
    )
    if suggestion is None or not record_visible(suggestion.record_id, user):
        return None
    return suggestion


def record_visible(record_id, user):
    """Whether the viewer may see at least one sighting of the record."""
    return db.session.scalar(
        select(Person.id).join(Report, Report.id == Person.report_id)
        .where(Person.record_id == record_id, visible_by_key(user)).limit(1)
    ) is not None


def all_visible(person_ids, user):
    """Whether every one of these persons was seen in a report the viewer may see."""
    if not person_ids:
        return True
    hidden = db.session.scalar(
        select(func.count(Person.id)).join(Report, Report.id == Person.report_id)
        .where(Person.id.in_(person_ids), not_(visible_by_key(user)))
    )
    return not hidden


# Changing ------------------------------------------------------------------------------------


def _record_event(person, actor, now, kind, text):
    """The office-only event on the person's report that says what changed."""
    db.session.add(Event(report_id=person.report_id, actor=actor, created_at=now, kind=kind,
                         text=text, visible_to_reporter=False))


def _who(person):
    return person.name or f"#{person.id}"


def link(suggestion, actor, now):
    """The officer agrees: the suggested record is this person's. Returns the person."""
    person = suggestion.person
    before = person.record_id
    db.session.delete(suggestion)
    if before == suggestion.record_id:  # a merge linked them meanwhile: nothing else to do
        return person
    person.record_id = suggestion.record_id
    _record_event(person, actor, now, EventKind.PERSON_LINKED,
                  f"{_who(person)}: #{before} → #{suggestion.record_id}")
    return person


def reject(suggestion, actor, now):
    """The officer says the suggested record is someone else."""
    person = suggestion.person
    db.session.delete(suggestion)
    _record_event(person, actor, now, EventKind.NOT_SAME,
                  f"{_who(person)} ≠ #{suggestion.record_id}")
    return person


def unlink(person, actor, now):
    """Take the person out of their record into a record of their own (a merge puts them back)."""
    before = person.record_id
    person.record = PersonRecord(display_name=person.name, nationality=person.nationality,
                                 created_at=now)
    db.session.flush()
    _record_event(person, actor, now, EventKind.PERSON_UNLINKED,
                  f"{_who(person)}: #{before} → #{person.record_id}")
    return person


def persons_of(record_id):
    return list(db.session.scalars(select(Person).where(Person.record_id == record_id)))


def merge(kept, merged, actor, now):
    """Move every person of `merged` to `kept`, keeping which ones moved so it can be undone."""
    moved = persons_of(merged.id)
    for person in moved:
        person.record_id = kept.id
        _record_event(person, actor, now, EventKind.RECORDS_MERGED,
                      f"{_who(person)}: #{merged.id} → #{kept.id}")
    done = RecordMerge(kept_id=kept.id, merged_id=merged.id, actor=actor, created_at=now,
                       person_ids=json.dumps([person.id for person in moved]))
    db.session.add(done)
    return done


def moved_by(merge_done):
    """The persons a merge moved that are still in the record it kept."""
    ids = json.loads(merge_done.person_ids)
    if not ids:
        return []
    return list(db.session.scalars(
        select(Person).where(Person.id.in_(ids), Person.record_id == merge_done.kept_id)
    ))


def undo_merge(merge_done, actor, now):
    """Put back in their record the persons a merge moved (those since linked elsewhere stay)."""
    for person in moved_by(merge_done):
        person.record_id = merge_done.merged_id
        _record_event(person, actor, now, EventKind.MERGE_UNDONE,
                      f"{_who(person)}: #{merge_done.kept_id} → #{merge_done.merged_id}")
    merge_done.undone_at = now
    merge_done.undone_by_id = actor.id
