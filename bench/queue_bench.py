"""How fast is the review queue at 100,000 reports? Builds a SQLite database in a temporary
folder (migrations, then bench/queue_seed.py), serves the app and a bare Flask 'hello' app with
gunicorn on loopback ports, signs in as the demo officer, and drives each page with 16
concurrent clients for a fixed number of requests. Prints median, p99, requests per second and
the share of the bare app's throughput, then checks the targets of issue 4.

    .venv/bin/python bench/queue_bench.py                 # the full run (about 3 minutes)
    .venv/bin/python bench/queue_bench.py --reports 5000 --requests 300   # a quick try
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench_keys import BENCH_KEYS

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
BARE_APP = '''from flask import Flask
app = Flask(__name__)

@app.route("/")
def hello():
    return "Hello"
'''
TARGETS = {"median_ms": 20, "p99_ms": 100, "share_of_bare": 0.15}


def build_database(url, reports):
    """Schema through the migrations (so the indexes are the migrations'), then the reports;
    returns the seeder's facts. No ANALYZE: plans must not need statistics a fresh
    installation does not have."""
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    os.chdir(ROOT)
    from flask_migrate import upgrade
    from queue_seed import seed_reports

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV_NAME": "development", **BENCH_KEYS})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        facts = seed_reports(reports)
        from extensions import db

        db.engine.dispose()  # no connection left open: PostgreSQL renames the finished database
    return facts


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(target, port, cwd, env, args):
    """gunicorn on 127.0.0.1:port; waits until it answers (at most 30 s)."""
    command = [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
               "--worker-class", args.worker_class, "--threads", str(args.threads),
               "--log-level", "warning", target]
    server = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: {' '.join(command)}")


def log_in(port, username, password="demo12345"):
    """The session cookie, through the real login form (CSRF token included)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/auth/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    body = urlencode({"csrf_token": token.group(1), "username": username, "password": password})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/auth/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    if response.status != 303:
        raise SystemExit(f"login as {username} failed: {response.status}")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    # Like a browser, follow the redirect and keep the cookie it sets: the first page after
    # logging in adds the CSRF token to the session. Replaying the login's cookie instead would
    # make every request of the run mint a new token and re-sign the session.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", response.getheader("Location"), headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    renewed = response.getheader("Set-Cookie")
    return renewed.split(";")[0] if renewed else cookie


def _client(port, paths, count, headers, pause, out):
    """One client: `count` requests over `paths` in turn, `pause` seconds apart; (latency,
    status) pairs into `out`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for number in range(count):
        if number and pause:
            time.sleep(pause)
        started = time.perf_counter()
        try:
            connection.request("GET", paths[number % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        out.append((time.perf_counter() - started, status))


def _process(job):
    """A load-generating process running a few client threads (processes dodge the GIL)."""
    port, paths, counts, headers, pause = job
    results = []
    threads = [threading.Thread(target=_client, args=(port, paths, n, headers, pause, results))
               for n in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def drive(pool, port, paths, requests, clients, processes, cookie="", pause=0):
    """`requests` requests from `clients` concurrent clients, each waiting `pause` seconds
    between its requests (0: always busy); the figures of the run."""
    headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
    per_client = [requests // clients + (n < requests % clients) for n in range(clients)]
    jobs = [(port, paths, per_client[n::processes], headers, pause) for n in range(processes)]
    started = time.perf_counter()
    results = [pair for chunk in pool.map(_process, jobs) for pair in chunk]
    elapsed = time.perf_counter() - started
    latencies = sorted(latency for latency, _status in results)
    failures = sum(1 for _latency, status in results if status != 200)
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
        "rps": len(results) / elapsed,
        "failures": failures,
    }


def sample_paths(db_path):
    """The pages to drive: the officer's queue, filtered, searched, and reports to open."""
    connection = sqlite3.connect(db_path)
    village = connection.execute(
        "SELECT officer_villages.village_id FROM officer_villages JOIN users ON users.id = user_id"
        " WHERE username = 'petugas' ORDER BY officer_villages.village_id LIMIT 1").fetchone()[0]
    open_ids = [row[0] for row in connection.execute(
        "SELECT reports.id FROM reports JOIN officer_villages USING (village_id) "
        "JOIN users ON users.id = officer_villages.user_id WHERE username = 'petugas' "
        "AND status != 'closed' ORDER BY reports.id DESC LIMIT 50")]
    surname = connection.execute(
        "SELECT substr(name, instr(name, ' ') + 1) FROM persons ORDER BY id LIMIT 1").fetchone()[0]
    counts = connection.execute("SELECT count(*), sum(status != 'closed') FROM reports").fetchone()
    connection.close()
    pages = {
        "queue, default view": ["/review/"],
        "queue, filtered": [f"/review/?village={village}&category=lodging&assignee=anyone"],
        "queue, text search": [f"/review/?q={surname}"],
        "report detail page": [f"/review/{report_id}" for report_id in open_ids],
        "(extra) search, all statuses": [f"/review/?status=all&q={surname}"],
        "(extra) badge fragment": ["/review/badge"],
    }
    return pages, counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="per page, after warm-up")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, default=4, help="load-generating processes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds each client waits between pages in the paced run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--database", type=Path, help="reuse a database a --keep run built")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    try:
        run(args, folder)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder)


def run(args, folder):
    """Build or reuse the database, serve both apps, drive them, print the table."""
    (folder / "bare.py").write_text(BARE_APP)
    db_path = args.database or folder / "bench.db"
    if not args.database:
        started = time.perf_counter()
        builder = multiprocessing.get_context("spawn").Process(
            target=build_database, args=(f"sqlite:///{db_path}", args.reports))
        builder.start()
        builder.join()
        if builder.exitcode:
            raise SystemExit("building the database failed")
        print(f"database: {args.reports:,} reports built in {time.perf_counter() - started:.0f} s"
              f" ({db_path.stat().st_size // 2**20} MB, SQLite {sqlite3.sqlite_version})")
    pages, (total, still_open) = sample_paths(db_path)

    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(16),
           "DATABASE_URL": f"sqlite:///{db_path}", "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", "MAIL_SERVER": "", **BENCH_KEYS}
    app_port, bare_port = free_port(), free_port()
    servers = [start_server("app:create_app()", app_port, ROOT, env, args),
               start_server("bare:app", bare_port, folder, env, args)]
    try:
        cookie = log_in(app_port, "petugas")
        pool = multiprocessing.get_context("fork").Pool(args.processes)
        load_before = os.getloadavg()[0]
        warm = max(100, args.requests // 10)
        drive(pool, bare_port, ["/"], warm, args.clients, args.processes)
        rows = {"bare Flask 'hello'": drive(pool, bare_port, ["/"], args.requests, args.clients,
                                            args.processes)}
        for name, paths in pages.items():
            drive(pool, app_port, paths, warm, args.clients, args.processes, cookie)
            rows[name] = drive(pool, app_port, paths, args.requests, args.clients,
                               args.processes, cookie)
        # What an officer waits for when the others are working too, not flat out: each client
        # pauses between pages, so the server is busy part of the time.
        rows[f"(extra) default view, {args.pause:g} s pauses"] = {**drive(
            pool, app_port, pages["queue, default view"], args.clients * 20, args.clients,
            args.processes, cookie, pause=args.pause), "paced": True}
        load_after = os.getloadavg()[0]
        pool.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    report(rows, args, total, still_open, load_before, load_after)


def report(rows, args, total, still_open, load_before, load_after):
    """The table, and the targets checked for the default view."""
    bare = rows["bare Flask 'hello'"]["rps"]
    print(f"\n{total:,} reports ({still_open:,} open); gunicorn {args.workers} {args.worker_class}"
          f" workers x {args.threads} threads; {args.clients} clients in {args.processes} "
          f"processes; {args.requests} requests per page; {os.cpu_count()} CPUs; "
          f"load average {load_before:.1f} before, {load_after:.1f} after")
    print(f"{'page':32} {'median ms':>9} {'p99 ms':>8} {'req/s':>8} {'vs bare':>8} {'errors':>7}")
    for name, row in rows.items():
        share = "-" if row.get("paced") else f"{row['rps'] / bare:.1%}"
        print(f"{name:32} {row['median_ms']:9.1f} {row['p99_ms']:8.1f} {row['rps']:8.0f} "
              f"{share:>8} {row['failures']:7d}")
    default = rows["queue, default view"]
    checks = [
        ("median under 20 ms", default["median_ms"] < TARGETS["median_ms"]),
        ("p99 under 100 ms", default["p99_ms"] < TARGETS["p99_ms"]),
        ("throughput at least 15% of bare", default["rps"] / bare >= TARGETS["share_of_bare"]),
        ("no errors", not any(row["failures"] for row in rows.values())),
    ]
    print("\ndefault view: " + "; ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in checks))


if __name__ == "__main__":
    main()
