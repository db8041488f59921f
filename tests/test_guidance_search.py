"""Searching the guidance in the current language: plain form and htmx, body words, ranking."""

import re

import pytest

from tests.test_guidance import LANGUAGES
from tests.test_guidance import Page
from tests.test_guidance import get
from tests.test_guidance import library

# Acceptance 4: search in the current language, with htmx and without.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_each_article_by_a_word_of_its_body(app, lang):
    articles = library(app).articles(lang)
    for article in articles:
        heading_words = set(re.findall(r"\w+", (article.title + " " + article.summary).casefold()))
        body_words = set(re.findall(r"\w{5,}", article.search_text)) - heading_words
        word = min(sorted(body_words), key=lambda w: sum(w in a.search_text for a in articles))
        assert article in library(app).search(lang, word), (article.slug, word)


def results_of(page):
    """The search results region of a whole page."""
    return page.split('id="search-results"')[1].split("</div>")[0]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    ("word", "slug"), [("Nunukan", "signs-of-violations"), ("homestay", "lodging-report-duty")]
)
def test_search_page_without_javascript_lists_results(client, lang, word, slug):
    response = get(client, f"/guidance/search?q={word}", lang)
    page = response.data.decode()
    assert response.status_code == 200
    assert "<html" in page and f'value="{word}"' in page
    assert f'href="/guidance/{slug}"' in results_of(page)


def test_search_is_in_the_current_language(client):
    indonesian = get(client, "/guidance/search?q=kewajiban", "id").data.decode()
    english = get(client, "/guidance/search?q=kewajiban", "en").data.decode()
    assert 'href="/guidance/foreigners-obligations"' in results_of(indonesian)
    assert "No article contains" in results_of(english)
    assert 'href="/guidance/foreigners-obligations"' in results_of(
        get(client, "/guidance/search?q=foreigners+must+do", "en").data.decode()
    )


def test_search_ranks_title_matches_first(app):
    assert library(app).search("en", "TIMPORA")[0].slug == "timpora"
    assert library(app).search("id", "perkawinan campuran")[0].slug == "mixed-marriage-family"


def test_htmx_search_returns_only_the_results(client):
    response = get(client, "/guidance/search?q=APOA", "en", **{"HX-Request": "true"})
    fragment = response.data.decode()
    assert response.status_code == 200
    assert "<html" not in fragment and "<form" not in fragment
    assert 'href="/guidance/lodging-report-duty"' in fragment
    assert "HX-Request" in response.headers["Vary"]
    restoring = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    restore = get(client, "/guidance/search?q=APOA", "en", **restoring)
    assert "<html" in restore.data.decode()


def test_search_box_updates_as_one_types_and_submits_without_javascript(client):
    page = Page(get(client, "/guidance/").data.decode())
    form = next(attrs for tag, attrs in page.elements if tag == "form" and attrs.get("role") == "search")
    assert form["method"] == "get" and form["action"] == "/guidance/search"
    box = next(attrs for tag, attrs in page.elements if tag == "input" and attrs.get("name") == "q")
    assert box["hx-get"] == "/guidance/search"
    assert box["hx-trigger"] == "input changed delay:300ms, search"
    assert box["hx-target"] == "#search-results" and box["hx-push-url"] == "true"
    assert any(tag == "label" and attrs.get("for") == box["id"] for tag, attrs in page.elements)


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "<script>alert(1)</script>", "%%%", "ä ö 日本"])
def test_odd_searches_never_fail(client, query):
    response = client.get("/guidance/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.data.decode()
