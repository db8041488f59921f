"""The installable app over HTTP: manifest, service worker, offline pages, cache and compression headers."""

import gzip
import io
import json
import re
import shutil

import brotli
import pytest
from PIL import Image

from app import create_app
from tests.test_permissions import sample_url
from web.caching import offline_readable

GREEN = re.search(r"--green:\s*(#[0-9a-f]{6})", open("static/css/app.css").read()).group(1)


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["lang"] == "id"
    assert manifest["name"].startswith("Desa Binaan") and "laporan" in manifest["name"]
    assert manifest["short_name"] == "Desa Binaan"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == GREEN
    assert manifest["background_color"]
    assert "prefer_related_applications" not in manifest


def test_manifest_icons_are_real_pngs_of_the_declared_size(client):
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    purposes = {(icon["sizes"], icon.get("purpose", "any")) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        width, height = Image.open(io.BytesIO(response.data)).size
        assert f"{width}x{height}" == icon["sizes"]
        assert len(response.data) < 10_000  # small: a phone on 3G downloads them when installing


def test_maskable_icon_is_full_bleed(client):
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    src = next(icon["src"] for icon in icons if icon.get("purpose") == "maskable")
    image = Image.open(io.BytesIO(client.get(src).data)).convert("RGBA")
    # Corners (outside the safe zone) are painted: the launcher may crop any shape from it.
    assert image.getpixel((0, 0)) == image.getpixel((511, 511)) == (11, 93, 75, 255)


def test_every_page_links_manifest_icons_and_scripts(client):
    page = client.get("/").data.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page
    for script in ("js/outbox-store.js", "js/outbox.js", "js/pwa.js"):
        assert re.search(rf'<script src="/static/{script}\?v=\w+" defer></script>', page), script
    config = page_config(page)
    assert config["workerUrl"] == "/sw.js" and config["csrfUrl"] == "/csrf"
    assert config["user"] is None
    assert "{count}" in config["text"]["waitingMany"]
    assert 'id="outbox-badge"' in page


def page_config(page):
    return json.loads(page.split('id="pwa-config">')[1].split("</script>")[0])


def test_page_config_is_the_users_own_in_their_language(app, auth, client):
    auth.sign_in_as("petugas")
    assert page_config(client.get("/").data.decode())["user"] == "petugas"
    assert page_config(client.get("/").data.decode())["text"]["seeAnswers"] == "Lihat jawaban kantor"
    client.post("/language", data={"lang": "en", "next": "/"})
    assert page_config(client.get("/").data.decode())["text"]["seeAnswers"] == "See the office's answers"
    auth.sign_in_as("desa")
    assert page_config(client.get("/").data.decode())["user"] == "desa"


def test_service_worker_is_served_from_the_root_never_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.data.decode()
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)
    # It precaches the very asset URLs the pages use, and the offline page.
    css = re.search(r'href="(/static/css/app.css\?v=\w+)"', client.get("/").data.decode()).group(1)
    assert json.dumps(css) in body
    assert 'const OFFLINE_URL = "/offline";' in body
    assert 'const OFFLINE_PREFIXES = ["/guidance/"];' in body


def worker_version(app):
    body = app.test_client().get("/sw.js").data.decode()
    return re.search(r'const VERSION = "(\w+)";', body).group(1)


def test_worker_version_changes_with_each_release(app_config):
    first = worker_version(create_app({**app_config, "RELEASE": "2026.11.1"}))
    again = worker_version(create_app({**app_config, "RELEASE": "2026.11.1"}))
    second = worker_version(create_app({**app_config, "RELEASE": "2026.11.2"}))
    assert first == again != second


def test_worker_version_changes_with_static_files(app_config, tmp_path):
    app = create_app({**app_config, "RELEASE": "same"})
    before = worker_version(app)
    shutil.copytree(app.static_folder, tmp_path / "static")
    (tmp_path / "static" / "js" / "app.js").write_text("// changed\n")
    changed = create_app({**app_config, "RELEASE": "same"})
    changed.static_folder = str(tmp_path / "static")
    assert worker_version(changed) != before


def test_offline_page_says_what_still_works(client):
    response = client.get("/offline")
    assert response.status_code == 200
    page = response.data.decode()
    assert "Tidak ada koneksi" in page
    assert 'href="/outbox"' in page and 'href="/guidance/"' in page


def test_outbox_page_is_a_shell_that_explains_itself_without_javascript(client):
    page = client.get("/outbox").data.decode()
    assert 'id="outbox-list"' in page
    assert "<noscript>" in page and "JavaScript" in page
    strings = json.loads(page.split('id="outbox-text">')[1].split("</script>")[0])
    assert strings["sendNow"] == "Kirim sekarang"
    assert "outbox-page.js" in page


def test_csrf_endpoint_gives_a_usable_token(app_config, auth):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    client = app.test_client()
    response = client.get("/csrf")
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.get_json()
    assert data["user"] is None
    answer = client.post("/language", data={"lang": "en", "csrf_token": data["csrf_token"]})
    assert answer.status_code == 303


def test_csrf_endpoint_names_the_signed_in_user(client, auth):
    auth.login("desa")
    assert client.get("/csrf").get_json()["user"] == "desa"


def without_tokens(html):
    """The page with its CSRF tokens blanked: they carry a timestamp, so two requests may differ."""
    return re.sub(rb'(name="csrf-token" content="|name="csrf_token" value=")[^"]*', rb"\1", html)


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_text_responses_are_compressed(client, encoding, decompress):
    page = client.get("/")
    css_url = re.search(r'href="(/static/css/app.css\?v=\w+)"', page.data.decode()).group(1)
    for url in ("/", css_url, "/sw.js", "/guidance/"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": f"{encoding}, identity"})
        assert packed.headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in packed.headers["Vary"], url
        assert without_tokens(decompress(packed.data)) == without_tokens(plain.data), url
        assert len(packed.data) < len(plain.data) / 2, url


def test_small_and_binary_responses_are_not_compressed(client):
    icon = json.loads(client.get("/manifest.webmanifest").data)["icons"][0]["src"]
    response = client.get(icon, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    small = client.get("/csrf", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_pages_vary_on_language_htmx_and_cookie(client):
    vary = client.get("/guidance/").headers["Vary"]
    for header in ("Cookie", "Accept-Language", "HX-Request", "Accept-Encoding"):
        assert header in vary


def html_get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "pwa.service_worker"):
            yield rule


@pytest.mark.parametrize("username", ["desa", "petugas", "admin"])
def test_signed_in_pages_are_never_stored_except_those_kept_for_offline(app, client, auth, username):
    auth.sign_in_as(username)
    checked = []
    for rule in html_get_routes(app):
        response = client.get(sample_url(app, rule))
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        expected = "private, no-cache" if offline_readable(rule.endpoint) else "private, no-store"
        assert response.headers["Cache-Control"] == expected, rule.rule
        checked.append(rule.endpoint)
    assert "guidance.article" in checked and "auth.change_password" in checked or username != "desa"


def test_guidance_is_kept_offline_but_the_account_pages_are_not():
    assert offline_readable("guidance.index") and offline_readable("guidance.article")
    assert not offline_readable("auth.change_password")
    assert not offline_readable("review.queue") and not offline_readable(None)


def test_a_kept_page_showing_a_one_time_message_is_not_kept(client):
    response = client.post(
        "/auth/login?next=/guidance/",
        data={"username": "desa", "password": "demo12345"},
        follow_redirects=True,
    )
    assert 'class="flash' in response.data.decode()
    assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get("/guidance/").headers["Cache-Control"] == "private, no-cache"
