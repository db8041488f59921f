"""Bad input never answers 500, proved systematically: every route of `app.url_map`, with every
method, as every role, gets hypothesis-generated hostile values in its path variables, its query
string and every form field any form of the app has (numbers beyond 64 bits or in other scripts'
digits, dates of year 1 and 9999, NUL and other control characters, CR/LF, LIKE wildcards,
formulas, very long text). A bounded number of examples per route keeps it fast; it runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL.

And the cases the issue named, one by one: numbers in paths and query strings, dates, NUL, CR/LF in
`next`, punctuation-only searches, and the error page with the database down."""

import inspect
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from app import create_app
from domain import Status
from extensions import db
from models import Report
from tests import factories
from tests.test_permissions import ROLE_OF
from web.access import ANYONE
from web.access import rule_for
from web.forms import BaseForm
from web.person_form import PersonForm

ROLES = [None, "desa", "petugas", "admin"]
EXAMPLES_PER_ROUTE = 6

HOSTILE = [
    "", " ", "0", "-1", "1", "2147483647", "2147483648", "9223372036854775808", "99999999999999999999999",
    "١٢", "１２", "²", "߁", "1e5", "0x10", "1_000", "+1", "NaN", "inf", "1e309",
    "0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "2026-13-01",
    "0001-01-01T00:00", "9999-12-31T23:59", "2026-01-01T25:00",
    "\x00", "a\x00b", "\x07\x1b[2J", "\r\nSet-Cookie: x=1", "/\r\nLocation: //evil.example", "//evil.example",
    "/\\evil.example", "%", "_", "%_%", "'", '"', "\\", "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
    "\u202e", "\ufeff", "\u2028", "😀", "a" * 5000, "KX7M-3QFA", "ZZZZZZZZ", "../../etc/passwd",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.integers(-(2**70), 2**70).map(str),
)
# Inputs read straight from the request by some view, besides the forms' fields.
PLAIN_NAMES = ["to", "version", "seen", "assignee", "lang", "next", "client_uuid", "kept_photo",
               "remove_photo", "remove_person", "add_person", "q", "page", "per_page", "village", "user",
               "report", "date_from", "date_to", "status", "category", "urgency", "source", "sort", "index",
               "log", "v", "code", "pin"]
PREFIXES = {"NoteForm": ["note-"], "InfoRequestForm": ["info-"],
            "CloseForm": ["close-"], "PersonForm": ["persons-0-"]}


def form_classes():
    found, todo = set(), [BaseForm, PersonForm]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def field_names():
    """Every field name of every form of the app, with the prefixes its views give it."""
    names = set(PLAIN_NAMES)
    for cls in form_classes():
        for name, member in inspect.getmembers(cls):
            if isinstance(member, UnboundField):
                names.update(prefix + name for prefix in PREFIXES.get(cls.__name__, [""]))
    return sorted(names)


VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def url_for_rule(rule, values):
    return VARIABLE.sub(lambda match: quote(values[match[1]], safe=""), rule.rule)


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.fixture
def world(app):
    """Something behind the ids: a report in each state, one of them a tip."""
    with app.app_context():
        for status in Status:
            factories.make_report(status=status)
        factories.make_report(reporter=None)
        db.session.commit()
        assert db.session.scalar(select(Report.id).order_by(Report.id).limit(1)) == 1
    return app


def driver(client, auth, role, rule, method, names):
    """A hypothesis test of one route: raises AssertionError with the smallest failing request."""
    variables = st.fixed_dictionaries({name: VALUES for name in rule.arguments})
    query = st.dictionaries(st.sampled_from(PLAIN_NAMES), VALUES, max_size=4)
    form = st.dictionaries(st.sampled_from(names), VALUES, max_size=12)

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(variables=variables, query=query, form=form, htmx=st.booleans())
    def drive(variables, query, form, htmx):
        if role:
            auth.sign_in_as(role)  # again each time: logout and "end sessions" sign out
        url = url_for_rule(rule, variables)
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            response = client.open(url, method=method, query_string=query,
                                   data=form if method != "GET" else None, headers=headers)
            status = response.status_code
        except Exception as error:  # noqa: BLE001 - the test client re-raises what a 500 hides
            status = f"{type(error).__name__}: {error}"[:300]
        assert isinstance(status, int) and status < 500, (
            f"{role} {method} {url} query={query!r} form={form!r}: {status}")

    return drive


# Sent everywhere at once (every path variable, query parameter and form field), route by route.
FLOOD = ["2147483648", "99999999999999999999999", "-1", "١٢", "²", "0001-01-01", "9999-12-31",
         "0001-01-01T00:00", "a\x00b", "\r\nX-Injected: 1", "%", "_", "😀", "a" * 5000, "1e309", ""]


def first_allowed_role(app, rule):
    with app.test_request_context():
        declared = rule_for(rule.endpoint)
    if declared == ANYONE:
        return None
    return next(name for name in ("admin", "petugas", "desa") if ROLE_OF[name] in declared)


def test_every_route_survives_a_flood_of_each_hostile_value(world, auth):
    """Deterministic: each value of FLOOD in every input of every route at once, as a role the
    route lets in (so the values reach the view)."""
    names, client, failures = field_names(), auth.client, []
    for rule, method in routes(world):
        role = first_allowed_role(world, rule)
        for value in FLOOD:
            # Twice: the value in the path alone, then in every input behind a real record's id.
            in_path = url_for_rule(rule, dict.fromkeys(rule.arguments, value))
            real_ids = {name: "1" if isinstance(converter, IntegerConverter) else value
                        for name, converter in rule._converters.items()}
            for url, inputs in ((in_path, {}), (url_for_rule(rule, real_ids), dict.fromkeys(names, value))):
                if url == in_path and not rule.arguments and inputs == {}:
                    continue
                if role:
                    auth.sign_in_as(role)
                try:
                    status = client.open(url, method=method, data=inputs if method != "GET" else None,
                                         query_string=dict.fromkeys(PLAIN_NAMES, value) if inputs else {},
                                         ).status_code
                except Exception as error:  # noqa: BLE001 - the test client re-raises what a 500 hides
                    status = f"{type(error).__name__}: {error}"[:300]
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{role} {method} {url} value={value[:40]!r}: {status}")
    assert failures == []


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_hostile_input(world, auth, role):
    names = field_names()
    failures = []
    for rule, method in routes(world):
        try:
            driver(auth.client, auth, role, rule, method, names)()
        except AssertionError as error:  # go on, to list every failing route at once
            failures.append(str(error).splitlines()[0])
    assert failures == []


@pytest.mark.parametrize("path", [
    "/review/99999999999999999999", "/review/2147483648", "/review/%D9%A1%D9%A2", "/review/%EF%BC%91",
    "/reports/9223372036854775808/sent", "/admin/users/99999999999", "/admin/villages/%C2%B2",
    "/photos/99999999999999999999/thumb",
])
def test_numbers_beyond_the_database_or_in_other_digits_are_404_in_paths(client, auth, path):
    auth.sign_in_as("admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [
    "page=99999999999999999999", "page=%D9%A1", "per_page=%EF%BC%95%EF%BC%90", "village=99999999999999999999",
    "date_from=0001-01-01", "date_to=9999-12-31", "q=%00", "q=a%00b",
])
def test_bad_queue_filters_get_a_message_never_500(client, auth, query):
    auth.sign_in_as("admin")
    response = client.get(f"/review/?{query}")
    assert response.status_code in (200, 422)


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=%D9%A1", "page=-1"])
def test_the_officials_report_list_ignores_bad_pages(client, auth, query):
    auth.sign_in_as("desa")
    assert client.get(f"/reports/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["index=99999999999999999999", "index=%D9%A1", "index=-1"])
def test_person_rows_refuse_bad_indexes(client, query):
    assert client.get(f"/reports/person-row?{query}").status_code == 400


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_dates_outside_1900_to_2100_are_form_errors(client, auth, day):
    auth.sign_in_as("petugas")
    assert client.get(f"/recap/?date_from={day}").status_code == 200  # falls back, with a message
    response = client.get(f"/recap/?date_from={day}&date_to=2026-01-31")
    assert "1900" in response.data.decode() and "2100" in response.data.decode()
    auth.sign_in_as("admin")
    assert client.get(f"/audit/?date_from={day}").status_code == 422


@pytest.mark.parametrize(("field", "value"), [
    ("observed_at", "0001-01-01T00:00"), ("observed_at", "9999-12-31T23:59"),
    ("persons-0-birth_date", "1899-12-31")])
def test_dates_outside_1900_to_2100_in_a_report_are_form_errors(client, auth, field, value):
    from tests.report_helpers import post_form
    from tests.report_helpers import report_data

    auth.sign_in_as("desa")
    response = post_form(client, "/reports/new", report_data(**{field: value}))
    assert response.status_code == 422
    assert "antara tahun 1900 dan 2100" in response.data.decode()


def test_nul_and_control_characters_in_forms_are_errors_or_stripped(app, client, auth):
    from tests.report_helpers import post_form
    from tests.report_helpers import report_data

    auth.sign_in_as("desa")
    refused = post_form(client, "/reports/new", report_data(address="Jl. Laut\x00 1"))
    assert refused.status_code == 422 and "tanpa pindah baris" in refused.data.decode()
    saved = post_form(client, "/reports/new", report_data(description="Two men\x00 at the\r\njetty.\x07"))
    assert saved.status_code == 303
    with app.app_context():
        report = db.session.scalars(select(Report).order_by(Report.id.desc())).first()
        assert report.description == "Two men at the\njetty."


@pytest.mark.parametrize("target", ["/review/\r\nSet-Cookie: x=1", "/x\nLocation: //evil.example",
                                    "/\x00", "//evil.example", "/\\evil.example"])
def test_cr_lf_in_next_falls_back_to_a_safe_page(client, target):
    response = client.post(f"/auth/login?next={quote(target)}",
                           data={"username": "desa", "password": "demo12345"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    switched = client.post("/language", data={"lang": "en", "next": target})
    assert switched.status_code == 303 and switched.headers["Location"] == "/"


@pytest.mark.parametrize("word", ["%", "_", "%_", "--", "'", "*"])
def test_a_search_word_without_letters_or_digits_matches_nothing(world, client, auth, word):
    auth.sign_in_as("admin")
    page = client.get("/review/", query_string={"q": word, "status": "all"})
    assert page.status_code == 200 and "queue-row" not in page.data.decode()
    everything = client.get("/review/", query_string={"status": "all"}).data.decode()
    assert everything.count("queue-row") == len(Status) + 1


@pytest.mark.parametrize("database_uri", ["sqlite:///{tmp}/missing/dir/x.db",
                                          "postgresql+psycopg://postgres@127.0.0.1:1/unreachable"])
@pytest.mark.parametrize(("language", "title"), [("id", "Layanan tidak tersedia"),
                                                 ("en", "Service unavailable")])
def test_error_pages_render_with_the_database_down(tmp_path, database_uri, language, title):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri.format(tmp=tmp_path)})
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1.0"  # a signed-in officer's cookie: loading the account fails
    headers = {"Accept-Language": language}
    for path in ("/", "/review/", "/admin/users/1"):
        response = client.get(path, headers=headers)
        assert response.status_code == 503, path
        assert title in response.data.decode()
    fragment = client.get("/review/", headers={**headers, "HX-Request": "true"})
    assert fragment.status_code == 503 and title in fragment.data.decode()
    assert fragment.headers["HX-Retarget"] == "#messages"
