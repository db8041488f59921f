"""CSRF, headers, cookies, and refusing to run without a secret key."""

import pytest

from app import MissingSecretKey
from app import create_app


@pytest.fixture
def csrf_on(app_config):
    app_config["WTF_CSRF_ENABLED"] = True


def state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield rule, method


def test_every_state_change_needs_a_csrf_token(csrf_on, app, client, auth):
    auth.sign_in_as("admin")
    from tests.test_permissions import sample_url

    routes = list(state_changing_routes(app))
    assert routes
    for rule, method in routes:
        response = client.open(sample_url(app, rule), method=method, data={})
        assert response.status_code == 400, rule.rule
        assert "kedaluwarsa" in response.data.decode()


def test_csrf_token_in_the_htmx_header_is_accepted(csrf_on, client):
    page = client.get("/").data.decode()
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    response = client.post("/language", data={"lang": "en"}, headers={"X-CSRFToken": token})
    assert response.status_code == 303
    wrong = client.post("/language", data={"lang": "en"}, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400


def test_htmx_csrf_failure_gets_a_fragment(csrf_on, client):
    response = client.post("/language", data={"lang": "en"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#messages"
    assert "<html" not in response.data.decode()


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_or_style(client):
    page = client.get("/auth/login").data.decode()
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert "onclick" not in page


def test_session_cookie_flags(client):
    cookie = client.get("/").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_behind_https(tmp_path):
    from tests.conftest import PRODUCTION_KEYS
    from tests.conftest import database_uri

    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "k" * 32,
                      "SQLALCHEMY_DATABASE_URI": database_uri(tmp_path), **PRODUCTION_KEYS})
    response = app.test_client().get("/", base_url="https://example.org")
    assert "Secure" in response.headers["Set-Cookie"]


def test_refuses_to_start_without_secret_key_outside_development():
    with pytest.raises(MissingSecretKey, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None})
    assert create_app({"ENV_NAME": "development"}).config["SECRET_KEY"]


def test_logged_in_pages_are_private(auth, client):
    auth.login()
    response = client.get("/auth/password")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_versioned_assets_are_immutable(client):
    page = client.get("/").data.decode()
    css = page.split('rel="stylesheet" href="')[1].split('"')[0]
    response = client.get(css)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_htmx_is_self_hosted_and_pinned(client):
    page = client.get("/").data.decode()
    assert "/static/vendor/htmx-2.0.11.min.js" in page
    assert "https://" not in page.split("<body")[0]
