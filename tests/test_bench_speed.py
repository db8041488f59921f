"""bench/speed.py's machinery, not its figures: the URL sets it builds, and its wrk script (paths
taken in turn from the listing, the pause between requests, the figures line it prints) run by
real wrk against a throwaway local server. No timing is asserted: speed is measured in bench/."""

import http.server
import shutil
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import speed  # noqa: E402


def test_the_url_sets_quote_the_searches_and_fill_the_patterns():
    pages = speed.build_pages([7, 9], ["Wei Tan", "José Ng"], ["A1234567"], [3],
                              search_url="/review/?status=all&q={q}", person_url="/people/{id}",
                              rare_names=["Soo-ah Pham"])
    assert pages == {
        "queue default view": ["/review/"],
        "report detail": ["/review/7", "/review/9"],
        "name search": ["/review/?status=all&q=Wei+Tan", "/review/?status=all&q=Jos%C3%A9+Ng"],
        "rare name search": ["/review/?status=all&q=Soo-ah+Pham"],
        "passport search": ["/review/?status=all&q=A1234567"],
        "person page": ["/people/3"],
    }


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.server.seen.append((self.path, self.headers.get("Cookie")))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.parametrize("pause_ms", [0, 250])
def test_the_wrk_script_takes_every_path_in_turn_and_prints_its_figures(tmp_path, pause_ms):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        figures = speed.wrk(server.server_address[1], ["/a", "/b?q=x+y", "/c"], tmp_path,
                            connections=2, seconds=1, cookie="session=abc", pause_ms=pause_ms)
    finally:
        server.shutdown()
    assert {path for path, _cookie in server.seen} == {"/a", "/b?q=x+y", "/c"}
    assert {cookie for _path, cookie in server.seen} == {"session=abc"}
    assert figures["requests"] >= 3 and figures["bad_status"] == 0, figures
    assert set(figures) >= {"rps", "p50_ms", "p99_ms", "errors"}
    if pause_ms:  # 2 connections pausing 250 ms: a handful of requests in a second, not thousands
        assert figures["requests"] <= 2 * (1000 / pause_ms + 2), figures
