"""The reports' search index: a real full-text index of the persons' names and the description,
kept in step with every write in the same transaction.

Each report's row holds its words (names and description) and the typo keys of the names' words
(domain.searchtext.typo_keys: a symmetric deletion index, so one letter wrong, missing, extra or
two swapped is still an exact look-up). SQLite: an FTS5 table `report_search` (rowid = report
id) with both as columns, and both again with each word tagged with the report's village
(searchtext.in_village). PostgreSQL: a table `report_search` with both as `tsvector`s and the
names, each one's words sorted, for pg_trgm's names merely alike, under one GIN index led by the
report's village (btree_gin). Either way an officer's search reads the matches in their own
villages only, not the many more in villages they may not see.
Both get text normalised in Python (no case, accents or punctuation), so they index alike.
Reference codes and passport numbers are not in the index: a code is found through the reports'
unique index, a passport number through `passport_reports`, the one place a number is looked up.

The index follows the database session (init_app): whenever a flush inserts, edits or deletes a
report's description or a person (new reports, edits, merges, anonymising, purges), the changed
reports' rows are rewritten inside that flush, so they commit or roll back with the write. An
ORM bulk statement on reports or persons (session.execute(update(Person)...), delete(Report)
... as a purge may issue: deleting a report through the session is refused, its events being
the audit trail) has the reports it touches rewritten right after it runs. On PostgreSQL a
report deleted any way at all takes its row along (a foreign key). `flask reindex` rebuilds
everything."""

from sqlalchemy import bindparam
from sqlalchemy import column
from sqlalchemy import delete
from sqlalchemy import event
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import table
from sqlalchemy import text
from sqlalchemy import union_all

from domain import matching
from domain import refcodes
from domain import searchtext
from extensions import db
from models import Person
from models import Report
from services.passports import passport_equals

TABLE = "report_search"
REFRESH_BATCH = 500  # reports rewritten per statement
# Words are looked up village by village for at most this many villages; beyond, one look-up
# across every village costs less (at 1,000,000 reports, "Ahmad Muller" in 10 of 30 villages:
# 484 ms against 558 ms for all of them on PostgreSQL, 24 ms against 31 ms on SQLite; in 20:
# 1,050 ms on PostgreSQL). The caller keeps only the user's villages either way.
MAX_VILLAGES_LOOKED_UP_APART = 10

SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "words, typos, village_words, village_typos,"
    " tokenize = 'unicode61 remove_diacritics 2', detail = 'column')",
)
POSTGRES_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    " report_id integer PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,"
    " village_id integer NOT NULL,"
    " names text NOT NULL DEFAULT '',"
    " document tsvector NOT NULL,"
    " typos tsvector NOT NULL)",
)
# One GIN index for the three look-ups, led by the village (btree_gin): each look-up's index
# condition then holds its village too. With an index per look-up, each led by the village,
# PostgreSQL with no statistics read a village's every row through another look-up's index.
# Without fastupdate a GIN index takes each write at once: with it, writes wait in a list that
# every search reads through until a VACUUM, and a search for a rare word took milliseconds
# more per thousand reports written since.
POSTGRES_LOOKUP_NAME = f"ix_{TABLE}_lookup"
POSTGRES_LOOKUP = (
    f"CREATE INDEX IF NOT EXISTS {POSTGRES_LOOKUP_NAME} ON {TABLE} "
    "USING gin (village_id, document, typos, names gin_trgm_ops) WITH (fastupdate = off)")

_sqlite_index = table(TABLE, column("rowid"), column("words"), column("typos"),
                      column("village_words"), column("village_typos"))
_postgres_index = table(TABLE, column("report_id"), column("village_id"), column("names"),
                        column("document"), column("typos"))
SIMPLE = literal_column("'simple'")  # the text search configuration: no stemming, no stop words
_reports = table("reports", column("id"), column("village_id"), column("description"))
_persons = table("persons", column("id"), column("report_id"), column("name"))


def init_app(_app):
    """Keep the index in step with the app's database session, and make and drop it with the
    schema (db.create_all and drop_all, as the tests do). The listeners belong to objects every
    app of the process shares, so they are added once."""
    for target, name, listener in ((db.session, "after_flush", _reindex_changed_reports),
                                   (db.session, "do_orm_execute", _follow_bulk_writes),
                                   (db.metadata, "after_create", _create_with_schema),
                                   (db.metadata, "before_drop", _drop_with_schema)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def create_index(connection, fill=False):
    """Make the index's tables (none of the models': an FTS5 table is no ordinary table); with
    `fill`, index the reports already there."""
    sqlite = connection.dialect.name == "sqlite"
    for statement in SQLITE_INDEX if sqlite else (*POSTGRES_INDEX, POSTGRES_LOOKUP):
        connection.execute(text(statement))
    if fill:
        rebuild(connection)


def drop_index(connection):
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def is_index_table(name):
    """Whether a table is the index or one of the tables FTS5 keeps for it (report_search_data,
    ...): not in the models, so schema comparisons leave them out."""
    return name == TABLE or name.startswith(f"{TABLE}_")


def _create_with_schema(_metadata, connection, **_kw):
    create_index(connection)


def _drop_with_schema(_metadata, connection, **_kw):
    drop_index(connection)


def _changed_report_ids(session):
    """The reports whose indexed text this flush may have changed."""
    changed = set()
    for instance in session.new:
        if isinstance(instance, Report):
            changed.add(instance.id)
        elif isinstance(instance, Person):
            changed.add(instance.report_id)
    for instance in session.deleted:
        if isinstance(instance, Report | Person):
            changed.add(instance.id if isinstance(instance, Report) else instance.report_id)
    for instance in session.dirty:
        state = inspect(instance)
        if isinstance(instance, Report) and (state.attrs.description.history.has_changes()
                                             or state.attrs.village_id.history.has_changes()):
            changed.add(instance.id)
        elif isinstance(instance, Person):
            moved = state.attrs.report_id.history
            if moved.has_changes() or state.attrs.name.history.has_changes():
                changed.update([instance.report_id, *moved.deleted])
    changed.discard(None)
    return changed


def _reindex_changed_reports(session, _flush_context):
    report_ids = _changed_report_ids(session)
    if report_ids:
        refresh(session.connection(), report_ids)


def _follow_bulk_writes(execute_state):
    """Run an ORM bulk UPDATE or DELETE of reports or persons, then rewrite the index rows of
    the reports it touched (found first with the statement's own WHERE)."""
    if not (execute_state.is_update or execute_state.is_delete):
        return None
    mapper = execute_state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if entity not in (Report, Person):
        return None
    touched = select(Report.id if entity is Report else Person.report_id)
    if execute_state.statement.whereclause is not None:
        touched = touched.where(execute_state.statement.whereclause)
    report_ids = set(execute_state.session.execute(touched).scalars())
    result = execute_state.invoke_statement()
    if report_ids:
        refresh(execute_state.session.connection(), report_ids)
    return result


def refresh(connection, report_ids):
    """Rewrite the index rows of these reports from what the database holds now, in the
    connection's transaction; a report that no longer exists loses its row."""
    report_ids = sorted(report_ids)
    for start in range(0, len(report_ids), REFRESH_BATCH):
        _refresh_batch(connection, report_ids[start:start + REFRESH_BATCH])


def _refresh_batch(connection, report_ids):
    reports = connection.execute(select(_reports.c.id, _reports.c.village_id, _reports.c.description)
                                 .where(_reports.c.id.in_(report_ids))).all()
    descriptions = {report_id: text_ for report_id, _village_id, text_ in reports}
    villages = {report_id: village_id for report_id, village_id, _text in reports}
    names = {report_id: [] for report_id in descriptions}
    for report_id, name in connection.execute(
            select(_persons.c.report_id, _persons.c.name)
            .where(_persons.c.report_id.in_(report_ids)).order_by(_persons.c.id)):
        names[report_id].append(name or "")
    if connection.dialect.name == "sqlite":
        connection.execute(delete(_sqlite_index).where(_sqlite_index.c.rowid.in_(report_ids)))
        rows = []
        for report_id, text_ in descriptions.items():
            words = searchtext.document_text(names[report_id], text_)
            typos = searchtext.typo_text(names[report_id])
            rows.append({"rowid": report_id, "words": words, "typos": typos,
                         "village_words": searchtext.in_village(villages[report_id], words),
                         "village_typos": searchtext.in_village(villages[report_id], typos)})
        if rows:
            connection.execute(_sqlite_index.insert(), rows)
        return
    connection.execute(delete(_postgres_index).where(_postgres_index.c.report_id.in_(report_ids)))
    rows = [{"report_id": report_id, "village_id": villages[report_id],
             "names": searchtext.names_text(names[report_id]),
             "words": searchtext.document_text(names[report_id], text_),
             "typo_keys": searchtext.typo_text(names[report_id])}
            for report_id, text_ in descriptions.items()]
    if rows:
        connection.execute(
            _postgres_index.insert().values(
                document=func.to_tsvector(SIMPLE, bindparam("words")),
                typos=func.to_tsvector(SIMPLE, bindparam("typo_keys"))),
            rows)


def rebuild(connection):
    """Index every report anew (`flask reindex`, and the migration that makes the index);
    returns how many reports were indexed. PostgreSQL's look-up index is built again after the
    rows are written: quicker than writing into it row by row."""
    postgres = connection.dialect.name != "sqlite"
    if postgres:
        connection.execute(text(f"DROP INDEX IF EXISTS {POSTGRES_LOOKUP_NAME}"))
    connection.execute(delete(_postgres_index if postgres else _sqlite_index))
    report_ids = connection.execute(select(_reports.c.id)).scalars().all()
    refresh(connection, report_ids)
    if postgres:
        connection.execute(text(POSTGRES_LOOKUP))
    return len(report_ids)


def passport_reports(typed):
    """The ids of reports with a person whose passport number is what was typed (exact, after
    normalising), or None when nothing typed could be one. The one place the search looks a
    passport number up."""
    if not matching.passport_key(typed):
        return None
    return select(Person.report_id).where(passport_equals(typed))


def _typo_query(words, quote, either, both):
    """Every word, or one of its typo keys: `quote` writes a key, `either` and `both` join."""
    return both.join("(" + either.join(quote(key) for key in sorted(searchtext.typo_keys(word)))
                     + ")" for word in words)


def _text_matches(words, dialect, village_ids):
    """Selects of the ids of reports whose names and description hold every word, or whose
    names hold every word give or take a typo (the same typo keys in both databases; on
    PostgreSQL also a name like the typed one by pg_trgm's word similarity), in the villages of
    `village_ids` only (None: every village)."""
    if village_ids is not None and not village_ids:
        return []
    if dialect == "sqlite":
        # Each village's words are tagged with it: the look-up asks for each village's tags.
        tags = [""] if village_ids is None else [searchtext.village_tag(v) for v in village_ids]
        prefix = "" if village_ids is None else "village_"
        every_word = " OR ".join("(" + " AND ".join(f'"{tag}{word}"' for word in words) + ")"
                                 for tag in tags)
        typos = " OR ".join(
            "(" + _typo_query(words, lambda key, tag=tag: f'"{tag}{key}"', " OR ", " AND ") + ")"
            for tag in tags)
        expression = f"{prefix}words : ({every_word}) OR {prefix}typos : ({typos})"
        return [select(_sqlite_index.c.rowid).where(literal_column(TABLE).match(expression))]
    # Three look-ups, each its own scan of the GIN index: as one OR, the planner would rather
    # read the whole table when it expects many matches.
    index = _postgres_index.c
    typos = _typo_query(words, lambda key: f"'{key}'", " | ", " & ")
    lookups = (
        index.document.op("@@")(func.plainto_tsquery(SIMPLE, " ".join(words))),
        index.typos.op("@@")(func.to_tsquery(SIMPLE, typos)),
        # the typed name against the best matching stretch of the names, by trigrams (pg_trgm's
        # threshold, 0.6); the words sorted as each name's are.
        index.names.op("%>")(" ".join(sorted(words))),
    )
    if village_ids is None:
        return [select(index.report_id).where(lookup) for lookup in lookups]
    # One village per look-up, so the village is part of the index condition: GIN cannot search
    # an IN list, and a look-up across villages would read every village's matches.
    return [select(index.report_id).where(index.village_id == village_id, lookup)
            for lookup in lookups for village_id in village_ids]


def matching_reports(typed, dialect, village_ids=None):
    """The ids of the reports a search finds, in every status: its reference code, a passport
    number, or its words in the names and description. `dialect` is the database's ("sqlite" or
    "postgresql"). Words are looked up in the villages of `village_ids` only (None: every
    village), so the index never reads the matches of other villages, up to
    MAX_VILLAGES_LOOKED_UP_APART villages; codes and passport numbers are found in every
    village. The caller scopes the reports to the user's villages."""
    if village_ids is not None and len(village_ids) > MAX_VILLAGES_LOOKED_UP_APART:
        village_ids = None
    parts = []
    code = refcodes.normalize(typed)
    if code:
        parts.append(select(Report.id).where(Report.code == code))
    passports = passport_reports(typed)
    if passports is not None:
        parts.append(passports)
    words = searchtext.query_words(typed)
    if words:
        parts.extend(_text_matches(words, dialect, village_ids))
    return union_all(*parts) if parts else None
