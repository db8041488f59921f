"""One rule for page or fragment (web.htmx.render): htmx gets `X/_view.html`, browsers the page,
and a view without a fragment answers htmx with its page."""

from contextlib import contextmanager

import pytest
from flask import template_rendered

from web.htmx import fragment_of

HX = {"HX-Request": "true"}


@contextmanager
def rendered(app):
    """The names of the templates rendered while inside, outermost first."""
    names = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def test_a_fragment_is_named_after_its_page():
    assert fragment_of("review/queue.html") == "review/_queue.html"
    assert fragment_of("errors/error.html") == "errors/_error.html"


@pytest.mark.parametrize(("path", "page", "fragment"), [
    ("/review/", "review/queue.html", "review/_queue.html"),
    ("/audit/", "audit/log.html", "audit/_log.html"),
    ("/guidance/search?q=izin", "guidance/index.html", "guidance/_index.html"),
])
def test_htmx_gets_the_fragment_and_a_browser_the_page(app, client, auth, path, page, fragment):
    auth.sign_in_as("admin")
    with rendered(app) as names:
        assert client.get(path).status_code == 200
    assert names[0] == page
    with rendered(app) as names:
        assert client.get(path, headers=HX).status_code == 200
    assert names[0] == fragment


def test_boosted_requests_and_history_restores_get_the_page(app, client, auth):
    auth.sign_in_as("admin")
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        with rendered(app) as names:
            client.get("/review/", headers={**HX, **extra})
        assert names[0] == "review/queue.html"


def test_a_page_without_a_fragment_answers_htmx_with_the_page(app, client):
    with rendered(app) as names:
        response = client.get("/guidance/faq", headers=HX)
    assert response.status_code == 200 and names[0] == "guidance/article.html"


def test_the_fragment_carries_the_shareable_address(client, auth):
    auth.sign_in_as("admin")
    response = client.get("/audit/?page=1&report=kx7m3qfa", headers=HX)
    assert response.headers["HX-Push-Url"] == "/audit/?report=KX7M-3QFA"
    assert "HX-Push-Url" not in client.get("/audit/?report=kx7m3qfa").headers
