"""Kept pieces of pages (web.fragments) are made from their arguments alone: they cannot reach
the request, the session or the user, and each role, page and language gets its own."""

import pytest
from jinja2 import ChoiceLoader
from jinja2 import DictLoader
from jinja2 import UndefinedError

from web.fragments import REQUEST_BOUND
from web.fragments import kept


@pytest.mark.parametrize("name", sorted(REQUEST_BOUND))
def test_a_kept_piece_cannot_reach_the_request(app, name):
    probe = DictLoader({"_probe.html": f"{{{{ {name} }}}}"})
    app.jinja_env.loader = ChoiceLoader([probe, app.jinja_env.loader])
    with app.test_request_context("/"):
        with pytest.raises(UndefinedError):
            kept("_probe.html")


def test_the_arguments_language_and_mount_point_are_the_key(app):
    with app.test_request_context("/"):
        officer = kept("_nav.html", role="officer", endpoint="main.index", blueprint="main")
        assert kept("_nav.html", role="officer", endpoint="main.index", blueprint="main") is officer
        assert "Antrean" in officer or "Review queue" in officer
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert kept("_nav.html", role="officer", endpoint="main.index", blueprint="main") != officer
    with app.test_request_context("/", base_url="http://localhost/desa/"):
        mounted = kept("_nav.html", role="officer", endpoint="main.index", blueprint="main")
        assert 'href="/desa/review/"' in mounted


def test_each_role_sees_its_own_menu(client, auth):
    anonymous = client.get("/").data.decode()
    auth.sign_in_as("petugas")
    officer = client.get("/").data.decode()
    assert 'href="/review/"' in officer and 'href="/review/"' not in anonymous
    assert 'href="/admin/"' not in officer
    auth.sign_in_as("admin")
    assert 'href="/admin/"' in client.get("/").data.decode()
