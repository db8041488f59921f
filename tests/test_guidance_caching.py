"""Guidance pages are public and light: conditional requests get 304, compressed pages are small."""

import gzip

import pytest

from tests.test_guidance import LANGUAGES
from tests.test_guidance import get
from tests.test_guidance import library

MAX_COMPRESSED_BYTES = 20 * 1024


# Acceptance 6: public, conditional, light.

@pytest.mark.parametrize("url", ["/guidance/", "/guidance/search?q=paspor", "/guidance/penalties"])
def test_anonymous_pages_answer_conditional_requests_with_304(client, url):
    first = get(client, url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert {"Cookie", "Accept-Language"} <= set(first.headers["Vary"].replace(" ", "").split(","))
    again = get(client, url, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    english = get(client, url, "en", **{"If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag
    fragment = get(client, url, **{"If-None-Match": etag, "HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.headers["ETag"] != etag


def test_signed_in_pages_are_private_and_revalidated_per_user(auth, client):
    anonymous = get(client, "/guidance/penalties").headers["ETag"]
    auth.sign_in_as("desa")
    response = get(client, "/guidance/penalties")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["ETag"] != anonymous
    revalidated = get(client, "/guidance/penalties", **{"If-None-Match": response.headers["ETag"]})
    assert revalidated.status_code == 304
    auth.sign_in_as("petugas")
    other_user = get(client, "/guidance/penalties", **{"If-None-Match": response.headers["ETag"]})
    assert other_user.status_code == 200


def test_304_survives_response_compression(client):
    gzip_ok = {"Accept-Encoding": "gzip"}
    first = get(client, "/guidance/faq", **gzip_ok)
    assert first.headers["Content-Encoding"] == "gzip"
    again = get(client, "/guidance/faq", **gzip_ok, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_page_showing_a_flashed_message_is_not_answered_from_cache(app, client):
    etag = get(client, "/guidance/faq").headers["ETag"]
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Saved.")]
    response = get(client, "/guidance/faq", **{"If-None-Match": etag})
    assert response.status_code == 200 and "Saved." in response.data.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_article_page_is_under_20_kb_compressed(app, client, lang):
    sizes = {}
    for article in library(app).articles(lang):
        body = get(client, f"/guidance/{article.slug}", lang).data
        sizes[article.slug] = len(gzip.compress(body, compresslevel=6))
    largest = max(sizes, key=sizes.get)
    print(f"largest {lang} article page: {largest}, {sizes[largest]} bytes gzipped")
    assert sizes[largest] < MAX_COMPRESSED_BYTES
