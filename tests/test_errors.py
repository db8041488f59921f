"""Bad input of every kind gets its translated page and status, never a 500."""

import pytest
from flask import abort

from web.access import public


@pytest.fixture
def failing_routes(app):
    """Routes that fail on purpose, to see every error page."""

    @public
    def fail(code):
        abort(code)

    @public
    def crash():
        raise RuntimeError("boom")

    app.add_url_rule("/test/fail/<int:code>", "fail", fail)
    app.add_url_rule("/test/crash", "crash", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (400, "tidak dapat dipahami"),
        (403, "tidak berhak"),
        (404, "tidak ada"),
        (405, "tidak bisa dilakukan"),
        (413, "terlalu besar"),
        (429, "Terlalu banyak"),
        (500, "kesalahan di sistem kami"),
    ],
)
def test_error_pages_are_translated(failing_routes, client, code, words):
    response = client.get(f"/test/fail/{code}")
    assert response.status_code == code
    page = response.data.decode()
    assert words.lower() in page.lower()
    assert '<html lang="id">' in page


def test_error_pages_in_english(failing_routes, client):
    response = client.get("/test/fail/404", headers={"Accept-Language": "en"})
    assert "This page does not exist" in response.data.decode()


def test_htmx_errors_get_a_fragment(failing_routes, client):
    response = client.get("/test/fail/404", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.data.decode()


def test_unexpected_exception_is_a_translated_500(failing_routes, client):
    response = client.get("/test/crash")
    assert response.status_code == 500
    assert "kesalahan di sistem kami" in response.data.decode()
    assert "boom" not in response.data.decode()


def test_unknown_route(client):
    assert client.get("/no/such/page").status_code == 404


def test_wrong_method_says_what_is_allowed(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_overlong_field(client):
    response = client.post("/auth/login", data={"username": "u" * 5000, "password": "x"})
    assert response.status_code == 422


def test_oversized_body(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/auth/login", data={"username": "u" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "terlalu besar" in response.data.decode().lower()


@pytest.mark.parametrize("cookie", ["garbage", "eyJfdXNlcl9pZCI6IjEifQ.forged.sig", "a" * 4000])
def test_broken_session_cookie_is_ignored(client, cookie):
    client.set_cookie("session", cookie)
    response = client.get("/auth/password")
    assert response.status_code == 302


def test_broken_language_cookie_falls_back(client):
    client.set_cookie("lang", "../../etc")
    assert '<html lang="id">' in client.get("/").data.decode()


def test_bad_accept_language_header(client):
    response = client.get("/", headers={"Accept-Language": ";;;q=abc,,"})
    assert response.status_code == 200


def test_non_numeric_session_user_id(client):
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-number"
    assert client.get("/auth/password").status_code == 302
