"""Every route declares who may use it, and the whole matrix behaves as declared."""

import pytest
from werkzeug.routing import IntegerConverter

from domain import Role
from web.access import ANYONE
from web.access import rule_for

IDENTITIES = [None, "desa", "petugas", "admin"]
ROLE_OF = {"desa": Role.OFFICIAL, "petugas": Role.OFFICER, "admin": Role.ADMIN}
# Values for URL variables, so each route can be requested; blueprints add theirs here.
SAMPLE_ARGS = {
    "filename": "css/app.css", "slug": "faq", "code": "ABCD2345", "lang": "en",
    "token": "not-a-signed-token",  # photos.pending: a forged token is a 404
    "file_format": "csv",  # recap downloads
}


def sample_url(app, rule):
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if isinstance(converter, IntegerConverter) else SAMPLE_ARGS.get(name, "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def all_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule_for(rule.endpoint) is None:
                undeclared.append(rule.endpoint)
    assert undeclared == []


def test_an_undeclared_route_is_refused(app, client):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert client.get("/undeclared").status_code == 403


@pytest.mark.parametrize("identity", IDENTITIES)
def test_permission_matrix(app, client, auth, identity):
    failures = []
    for rule, method in all_routes(app):
        if identity:
            auth.sign_in_as(identity)  # again each time: one of the routes logs out
        with app.test_request_context():
            declared = rule_for(rule.endpoint)
        url = sample_url(app, rule)
        response = client.open(url, method=method)
        allowed = declared == ANYONE or (identity is not None and ROLE_OF[identity] in declared)
        status = response.status_code
        location = response.headers.get("Location", "")
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif allowed and (status in (401, 403) or location.startswith("/auth/login")):
            failures.append(f"{method} {url}: allowed but got {status} {location}")
        elif not allowed and identity is None and not location.startswith("/auth/login"):
            failures.append(f"{method} {url}: anonymous not sent to login ({status})")
        elif not allowed and identity is not None and status != 403:
            failures.append(f"{method} {url}: forbidden role got {status}")
    assert failures == []


def test_htmx_request_without_login_gets_a_redirect_header(client):
    response = client.get("/auth/password", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/auth/login?next=/auth/password")
