"""The speed targets of issue 15, measured with wrk: the queue's default view, a report's detail
page, a name search and a passport search over all statuses, and a person's page, at 100,000
and 1,000,000 reports, on SQLite and on PostgreSQL. The app and a bare Flask 'hello' run under
the same gunicorn settings (2 sync workers) in the same run; each page is driven at 2
connections that never pause (throughput, as a share of the bare app's), then paced: 16
connections each pausing 250 ms between requests (p50 and p99, what an office waits for).

    .venv/bin/python bench/speed.py                               # 100k, SQLite and PostgreSQL
    .venv/bin/python bench/speed.py --sizes 100000 1000000        # ... and the 1M/100k ratios
    .venv/bin/python bench/speed.py --engines sqlite --seconds 5  # a quicker try
    .venv/bin/python bench/speed.py --profile                     # ... and profiles of the misses
    .venv/bin/python bench/speed.py --person-url '/persons/{id}' \\
        --person-ids-sql 'SELECT person_id FROM persons WHERE report_id IN ({reports})'

Databases are built once through the migrations (`flask db upgrade`) and bench/queue_seed.py
(no ANALYZE), then kept: SQLite files in bench/results/seeded/, PostgreSQL databases named
bench_<reports>_<migration head>_<seeder hash>; a rerun with the same size, migration head and
seeder reuses them. Figures go to bench/results/speed-<engine>-<reports>.json.
"""

import argparse
import cProfile
import hashlib
import http.client
import io
import json
import os
import pstats
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_keys import BENCH_KEYS  # noqa: E402
from load import ensure_wrk  # noqa: E402
from load import in_process  # noqa: E402
from queue_bench import BARE_APP  # noqa: E402
from queue_bench import build_database  # noqa: E402
from queue_bench import free_port  # noqa: E402
from queue_bench import log_in  # noqa: E402
from queue_bench import start_server  # noqa: E402

LUA = ROOT / "bench" / "speed.lua"
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "seeded"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
SEARCH_URL = "/review/?status=all&q={q}"
PERSON_URL = "/persons/{id}"
PERSON_IDS_SQL = "SELECT record_id FROM persons WHERE report_id IN ({reports}) ORDER BY id"
# Share of the bare app's requests/s at 2 connections, per page.
SHARE_TARGETS = {"queue default view": 0.15, "report detail": 0.10, "name search": 0.10,
                 "rare name search": 0.10, "passport search": 0.10, "person page": 0.10}
PACED_TARGETS = {"p50_ms": 15, "p99_ms": 60}
GROWTH_LIMIT = 1.25  # a 1M figure may be at most 25 % worse than the 100k one
FAST_CONNECTIONS, PACED_CONNECTIONS, PAUSE_MS = 2, 16, 250
BARE = "bare Flask 'hello'"


# -- the databases --


def migration_heads():
    from alembic.script import ScriptDirectory

    return "-".join(sorted(ScriptDirectory(str(ROOT / "migrations")).get_heads()))


def cache_key(reports):
    """What a seeded database depends on: its size, the schema and the seeder."""
    seeder = hashlib.sha256((ROOT / "bench" / "queue_seed.py").read_bytes()).hexdigest()[:6]
    return f"{reports}_{migration_heads()}_{seeder}"


def postgres_admin(server, statement=None):
    """Run `statement` on the server's maintenance database; the names of its databases."""
    import psycopg

    with psycopg.connect(server.replace("+psycopg", "") + "/postgres", autocommit=True) as connection:
        if statement:
            connection.execute(statement)
        return {row[0] for row in connection.execute("SELECT datname FROM pg_database")}


def seeded(engine, reports, server):
    """(url, facts) of a database of `reports` reports, built now or kept from an earlier run."""
    key = cache_key(reports)
    CACHE.mkdir(parents=True, exist_ok=True)
    facts_file = CACHE / f"{engine}-{key}.json"
    if engine == "sqlite":
        path = CACHE / f"sqlite-{key}.db"
        url, building = f"sqlite:///{path}", path.with_suffix(".building")
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            leftover.unlink(missing_ok=True)
        ready = path.exists()
    else:
        name = f"bench_{key}"
        url, building = f"{server}/{name}", f"{name}_building"
        ready = name in postgres_admin(server)
    if ready and facts_file.exists():
        return url, {**json.loads(facts_file.read_text()), "reused": True}
    print(f"seeding {reports:,} reports on {engine} (key {key}) ...", flush=True)
    started = time.perf_counter()
    if engine == "sqlite":
        facts = in_process(build_database, f"sqlite:///{building}", reports)
        building.rename(path)
    else:
        postgres_admin(server, f'DROP DATABASE IF EXISTS "{building}"')
        postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}"')
        postgres_admin(server, f'CREATE DATABASE "{building}"')
        facts = in_process(build_database, f"{server}/{building}", reports)
        # Renamed only once complete: an interrupted seeding is never taken for a finished one.
        postgres_admin(server, f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    facts.update(seconds=round(time.perf_counter() - started, 1),
                 seeded_at=datetime.now(UTC).isoformat(timespec="seconds"), key=key)
    facts_file.write_text(json.dumps(facts, indent=1))
    print(f"seeded {reports:,} reports on {engine} in {facts['seconds']:.0f} s", flush=True)
    return url, {**facts, "reused": False}


def database_notes(url):
    """Size of the data, and on PostgreSQL whether autovacuum has analyzed the reports yet (the
    bench never runs ANALYZE; the server's autovacuum may, some time after the seeding)."""
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(url)
    with engine.connect() as connection:
        total, still_open = connection.execute(text(
            "SELECT count(*), sum(CASE WHEN status != 'closed' THEN 1 ELSE 0 END) FROM reports")).one()
        analyzed = None
        if engine.dialect.name == "postgresql":
            analyzed = connection.execute(text(
                "SELECT coalesce(last_autoanalyze, last_analyze) FROM pg_stat_user_tables "
                "WHERE relname = 'reports'")).scalar()
    engine.dispose()
    return {"total": total, "open": int(still_open or 0), "analyzed": analyzed}


# -- the pages --


def page_urls(url, facts, search_url=SEARCH_URL, person_url=PERSON_URL, person_ids_sql=PERSON_IDS_SQL):
    """The URL set of each page, for the demo officer `petugas`: 50 open reports of the officer's
    villages, names and passport numbers of persons there (from the seeder), their persons."""
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(url)
    with engine.connect() as connection:
        report_ids = list(connection.scalars(text(
            "SELECT reports.id FROM reports JOIN officer_villages "
            "ON officer_villages.village_id = reports.village_id "
            "JOIN users ON users.id = officer_villages.user_id "
            "WHERE users.username = 'petugas' AND reports.status != 'closed' "
            "ORDER BY reports.id DESC LIMIT 50")))
        person_ids = list(connection.scalars(text(person_ids_sql.format(
            reports=", ".join(str(report_id) for report_id in report_ids)))))[:50]
    engine.dispose()
    return build_pages(report_ids, facts["names"], facts["passports"], person_ids,
                       search_url, person_url, facts.get("rare_names", []))


def build_pages(report_ids, names, passports, person_ids, search_url=SEARCH_URL,
                person_url=PERSON_URL, rare_names=()):
    """Names are searched as the seeder made them: common ones (each of 400 names is on about
    one report in 240, so a search matches more reports as the table grows) and rare ones
    (persons seen three times whatever the size, as a real foreigner's name is)."""
    return {
        "queue default view": ["/review/"],
        "report detail": [f"/review/{report_id}" for report_id in report_ids],
        "name search": [search_url.format(q=quote_plus(name)) for name in names],
        "rare name search": [search_url.format(q=quote_plus(name)) for name in rare_names],
        "passport search": [search_url.format(q=quote_plus(number)) for number in passports],
        "person page": [person_url.format(id=person_id) for person_id in person_ids],
    }


def answering(port, cookie, pages):
    """Only the pages that answer 200 for the signed-in officer. A page with no URLs is left out
    (no person ids, or a database seeded before the rare names), and so is a person page
    answering 404 for every id (not built on this version); any other failure stops the run."""
    kept, notes = {}, []
    for name, paths in pages.items():
        if not paths:
            notes.append(f"{name}: no URLs to open in this database")
            continue
        statuses = {}
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers={"Cookie": cookie})
            statuses[path] = connection.getresponse().status
            connection.close()
        good = [path for path in paths if statuses[path] == 200]
        if name == "person page" and not good:
            notes.append(f"person page: not available on this version ({paths[0]} answers "
                         f"{statuses[paths[0]]})")
            continue
        if len(good) != len(paths):
            bad = {path: status for path, status in statuses.items() if status != 200}
            raise SystemExit(f"{name}: not every URL answers 200: {bad}")
        kept[name] = paths
    return kept, notes


# -- wrk --


def parse_wrk(stdout):
    """The figures of speed.lua's done() line."""
    line = re.search(r"^SPEED (.+)$", stdout, re.MULTILINE)
    if not line:
        raise SystemExit(f"wrk printed no figures:\n{stdout}")
    return {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line.group(1))}


def wrk_command(port, connections, seconds, cookie=""):
    command = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
               "-s", str(LUA), "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, f"http://127.0.0.1:{port}"]


def wrk(port, paths, folder, connections, seconds, cookie="", pause_ms=0):
    listing = folder / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    result = subprocess.run(wrk_command(port, connections, seconds, cookie), capture_output=True,
                            text=True, check=True,
                            env={**os.environ, "WRK_PATHS": str(listing), "WRK_DELAY_MS": str(pause_ms)})
    return parse_wrk(result.stdout)


def drain(port):
    """Wait until both workers are free. When wrk stops, the requests gunicorn has already
    accepted are still served, one after another: a slow page's paced run would otherwise eat
    into the next page's measurement. Two requests at once come back only when the backlog
    ahead of them is done."""
    def ask():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", "/")
        connection.getresponse().read()
        connection.close()

    askers = [threading.Thread(target=ask) for _worker in range(2)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()


def measure(port, paths, folder, seconds, cookie=""):
    """Throughput at 2 connections, then the paced latencies; after a short warm-up."""
    wrk(port, paths, folder, FAST_CONNECTIONS, 2, cookie)
    drain(port)
    fast = wrk(port, paths, folder, FAST_CONNECTIONS, seconds, cookie)
    drain(port)
    paced = wrk(port, paths, folder, PACED_CONNECTIONS, seconds, cookie, PAUSE_MS)
    drain(port)
    # A run in which no request finished has no latency: infinite, never a pass.
    def latency(run, key):
        return run[key] if run["requests"] else float("inf")

    return {"rps": fast["rps"], "fast_p50_ms": latency(fast, "p50_ms"),
            "p50_ms": latency(paced, "p50_ms"), "p99_ms": latency(paced, "p99_ms"),
            "paced_rps": paced["rps"], "requests": [int(fast["requests"]), int(paced["requests"])],
            "errors": int(fast["errors"] + fast["bad_status"] + paced["errors"] + paced["bad_status"])}


def run_one(engine, reports, args, folder):
    """Seed or reuse, serve both apps, measure every page; the figures."""
    url, facts = seeded(engine, reports, args.postgres)
    notes = database_notes(url)
    pages = page_urls(url, facts, args.search_url, args.person_url, args.person_ids_sql)
    env = {**os.environ, "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(16),
           "DATABASE_URL": url, "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0",
           "MAIL_SERVER": "", **BENCH_KEYS}
    gunicorn = SimpleNamespace(workers=2, worker_class="sync", threads=1)
    app_port, bare_port = free_port(), free_port()
    (folder / "bare.py").write_text(BARE_APP)
    servers = [start_server("app:create_app()", app_port, ROOT, env, gunicorn),
               start_server("bare:app", bare_port, folder, env, gunicorn)]
    try:
        cookie = log_in(app_port, "petugas")
        pages, skipped = answering(app_port, cookie, pages)
        load_before = os.getloadavg()[0]
        # The bare app before and after the pages: the neighbours' load moves during a run.
        bare_runs = [measure(bare_port, ["/"], folder, args.seconds)]
        rows = {}
        for name, paths in pages.items():
            print(f"  {engine} {reports:,}: {name} ({len(paths)} URLs)", flush=True)
            rows[name] = measure(app_port, paths, folder, args.seconds, cookie)
            print(f"    {rows[name]}", flush=True)
        bare_runs.append(measure(bare_port, ["/"], folder, args.seconds))
        load_after = os.getloadavg()[0]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    bare = {key: sum(run[key] for run in bare_runs) / 2 for key in bare_runs[0]
            if key != "requests"}
    bare["rps_runs"] = [round(run["rps"]) for run in bare_runs]
    for row in rows.values():
        row["share"] = row["rps"] / bare["rps"]
    return {"engine": engine, "reports": reports, "facts": facts, "notes": notes,
            "skipped": skipped, "bare": bare, "pages": rows, "load": [load_before, load_after],
            "commit": commit(), "date": datetime.now(UTC).isoformat(timespec="minutes"),
            "seconds": args.seconds, "cpus": os.cpu_count()}


def commit():
    result = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"],
                            capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return result.stdout.strip() + ("+changes" if dirty else "")


# -- the verdicts --


def checks(name, row):
    """(description, held) of each target of a page."""
    return [(f">= {SHARE_TARGETS[name]:.0%} of bare", row["share"] >= SHARE_TARGETS[name]),
            (f"p50 < {PACED_TARGETS['p50_ms']} ms", row["p50_ms"] < PACED_TARGETS["p50_ms"]),
            (f"p99 < {PACED_TARGETS['p99_ms']} ms", row["p99_ms"] < PACED_TARGETS["p99_ms"])]


def yes(held):
    return "yes" if held else "NO"


def table(result):
    """The figures of one engine and size, each with its targets."""
    engine = "PostgreSQL" if result["engine"] == "postgresql" else "SQLite (WAL)"
    facts, notes, bare = result["facts"], result["notes"], result["bare"]
    seeding = (f"seeded in {facts['seconds']:.0f} s on {facts['seeded_at'][:10]}, reused"
               if facts.get("reused") else f"seeded now in {facts['seconds']:.0f} s")
    lines = [
        f"{engine}, {notes['total']:,} reports ({notes['open']:,} open; {seeding}"
        + (f"; autovacuum analyzed reports at {notes['analyzed']}" if notes.get("analyzed") else
           "; never analyzed") + ")",
        f"commit {result['commit']}, {result['date']}; gunicorn 2 sync workers; wrk -t2, "
        f"{result['seconds']} s per run; {result['cpus']} CPUs; load average "
        f"{result['load'][0]:.1f} before, {result['load'][1]:.1f} after",
        f"{'page':20} {'req/s @2':>9} {'p50 @2':>7} {'vs bare':>8} {'target':>7} {'ok':>4} "
        f"{'paced p50':>9} {'ok':>4} {'p99 ms':>7} {'ok':>4} {'errors':>6}",
        f"{BARE:20} {bare['rps']:9.0f} {bare['fast_p50_ms']:7.1f} {'100%':>8} {'':>7} {'':>4} "
        f"{bare['p50_ms']:9.1f} {'':>4} {bare['p99_ms']:7.1f} {'':>4} {int(bare['errors']):6d}   "
        f"(bare req/s before and after: {bare['rps_runs'][0]}, {bare['rps_runs'][1]})",
    ]
    for name, row in result["pages"].items():
        (_share, share_ok), (_p50, p50_ok), (_p99, p99_ok) = checks(name, row)
        lines.append(
            f"{name:20} {row['rps']:9.1f} {row['fast_p50_ms']:7.1f} {row['share']:8.1%} "
            f"{SHARE_TARGETS[name]:7.0%} "
            f"{yes(share_ok):>4} {row['p50_ms']:9.1f} {yes(p50_ok):>4} {row['p99_ms']:7.1f} "
            f"{yes(p99_ok):>4} {row['errors']:6d}")
    lines += result["skipped"]
    return "\n".join(lines)


def growth(small, large):
    """Each figure at the large size against the small one: at most 25 % worse."""
    lines = [f"{'PostgreSQL' if large['engine'] == 'postgresql' else 'SQLite'}: "
             f"{large['reports']:,} against {small['reports']:,} reports "
             f"(ratio large / small; the share of bare may drop, the latencies grow, by 25 % at most)",
             f"{'page':20} {'share':>7} {'ok':>4} {'p50':>7} {'ok':>4} {'p99':>7} {'ok':>4}"]
    for name, row in large["pages"].items():
        before = small["pages"].get(name)
        if not before:
            continue
        share = row["share"] / before["share"]
        p50, p99 = row["p50_ms"] / before["p50_ms"], row["p99_ms"] / before["p99_ms"]
        lines.append(f"{name:20} {share:7.2f} {yes(share >= 1 / GROWTH_LIMIT):>4} {p50:7.2f} "
                     f"{yes(p50 <= GROWTH_LIMIT):>4} {p99:7.2f} {yes(p99 <= GROWTH_LIMIT):>4}")
    return "\n".join(lines)


def result_file(engine, reports):
    return RESULTS / f"speed-{engine}-{reports}.json"


# -- where the time goes --


def profile(url, paths, budget=20):
    """cProfile of about `budget` seconds of requests in process (signed in as the demo officer;
    no server): the time per request and its main parts, then the top functions."""
    from instructions import signed_in_client

    client = signed_in_client(url)
    headers = {"Accept-Encoding": "gzip"}
    started = time.perf_counter()
    for path in paths[:10]:
        client.get(path, headers=headers)
    one = (time.perf_counter() - started) / len(paths[:10])
    count = max(3, min(30, int(budget / one)))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for number in range(count):
        client.get(paths[number % len(paths)], headers=headers)
    profiler.disable()
    elapsed = (time.perf_counter() - started) / count * 1000
    stats = pstats.Stats(profiler)
    # SQLite hands rows over as they are found: its fetches are SQL time too.
    parts = {"SQL (the driver's execute and fetch)": (("sqlalchemy/engine/default.py", "do_execute"),
                                                     ("~", "of 'sqlite3.Cursor' objects>")),
             "templates (Jinja render)": (("jinja2/environment.py", "render"),),
             "gzip": (("~", "zlib.compress"),)}
    lines = [f"{elapsed:.1f} ms per request under the profiler ({count} requests); of which:"]
    for part, patterns in parts.items():
        cumulative = sum(entry[3] for (file, _line, name), entry in stats.stats.items()
                         for file_part, function in patterns
                         if function in name and file.endswith(file_part)
                         and not (file == "~" and "execute" in name and "sqlite3" in name))
        lines.append(f"  {part:38} {cumulative / count * 1000:6.1f} ms")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    top = out.getvalue()
    return "\n".join(lines) + "\n" + top[top.find("ncalls"):]


def profile_misses(result, url, pages):
    """A profile of each page that misses a target."""
    for name, row in result["pages"].items():
        if all(held for _check, held in checks(name, row)):
            continue
        print(f"\nprofile of '{name}' ({result['engine']}, {result['reports']:,} reports):")
        print(in_process(profile, url, pages[name]))


# -- the run --


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", nargs="+", choices=("sqlite", "postgresql"),
                        default=("sqlite", "postgresql"))
    parser.add_argument("--sizes", nargs="+", type=int, default=(100_000,))
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--postgres", default=POSTGRES_SERVER, help="server URL, no database")
    parser.add_argument("--search-url", default=SEARCH_URL, help="with {q}")
    parser.add_argument("--person-url", default=PERSON_URL, help="with {id}")
    parser.add_argument("--person-ids-sql", default=PERSON_IDS_SQL,
                        help="the person ids to open; {reports}: the detail pages' report ids")
    parser.add_argument("--seed-only", action="store_true", help="build the databases, no run")
    parser.add_argument("--profile", action="store_true", help="profile the pages that miss")
    args = parser.parse_args()
    ensure_wrk()
    results = {}
    for engine in args.engines:
        for reports in sorted(args.sizes):
            if args.seed_only:
                seeded(engine, reports, args.postgres)
                continue
            folder = Path(tempfile.mkdtemp(prefix="speed-bench-"))
            try:
                result = run_one(engine, reports, args, folder)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            results[engine, reports] = result
            RESULTS.mkdir(exist_ok=True)
            result_file(engine, reports).write_text(json.dumps(result, indent=1, default=str))
            print("\n" + table(result) + "\n", flush=True)
            if args.profile:
                url, facts = seeded(engine, reports, args.postgres)
                profile_misses(result, url, page_urls(url, facts, args.search_url, args.person_url,
                                                      args.person_ids_sql))
    for engine in args.engines:
        run_sizes = sorted(reports for run_engine, reports in results if run_engine == engine)
        if not run_sizes:
            continue
        # The smallest size run now, or else the one an earlier run saved, is the base.
        saved = sorted(int(path.stem.rsplit("-", 1)[1]) for path in RESULTS.glob(f"speed-{engine}-*.json"))
        base = min([*run_sizes, *saved])
        small = results.get((engine, base)) or json.loads(result_file(engine, base).read_text())
        for large in run_sizes:
            if large == base:
                continue
            note = "" if (engine, base) in results else (
                f" ({base:,}-report figures from an earlier run: {small['date']}, commit {small['commit']})")
            print("\n" + growth(small, results[engine, large]) + note)


if __name__ == "__main__":
    main()
