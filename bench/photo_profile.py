"""Where the time of a report with a 1 MB phone photo goes: each step of the photo intake on its
own (Pillow's check, decode, resize, re-encode, thumbnail, hash, write with fsync), then whole
report posts in process (a werkzeug test client: the app's own time, without a server or
network), then the top functions of a profile.

    .venv/bin/python bench/photo_profile.py                       # SQLite in a temporary folder
    .venv/bin/python bench/photo_profile.py --database postgresql+psycopg://postgres@127.0.0.1/bench
"""

import argparse
import cProfile
import hashlib
import io
import pstats
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_keys import BENCH_KEYS  # noqa: E402
from PIL import Image  # noqa: E402
from PIL import ImageOps  # noqa: E402

from domain import photos  # noqa: E402
from tests import photo_samples  # noqa: E402


def one_mb_photo():
    """A 2000 x 1500 phone-like JPEG of about 1 MB, with camera EXIF and GPS."""
    data = photo_samples.jpeg(2000, 1500, quality=90, grain=0.2)
    return data


def timed(step, repeat, clock=time.process_time):
    """Median ms of `step`. CPU time by default: on a shared machine the wall clock also counts
    the neighbours' work."""
    runs = []
    for _run in range(repeat):
        started = clock()
        step()
        runs.append((clock() - started) * 1000)
    return statistics.median(runs)


def compare_filters(data, folder, repeat):
    """store() with Lanczos (before) and with photos.RESAMPLE (now), interleaved run by run."""
    chosen = photos.RESAMPLE
    runs = {"LANCZOS": [], chosen.name: []}
    try:
        for _run in range(repeat):
            for name in runs:
                photos.RESAMPLE = Image.Resampling[name]
                runs[name].append(timed(lambda: photos.store(data, folder), 1))
    finally:
        photos.RESAMPLE = chosen
    return {name: statistics.median(values) for name, values in runs.items()}


def steps(data, folder, repeat):
    """Median ms of each step, in the order store() runs them."""
    state = {}

    def probe():
        with Image.open(io.BytesIO(data)) as image:
            image.verify()

    def decode():
        with warnings.catch_warnings(), Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (photos.MAX_SIDE, photos.MAX_SIDE))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            state["picture"] = photos._flatten(image)

    def resize():
        picture = state["picture"].copy()
        picture.thumbnail((photos.MAX_SIDE, photos.MAX_SIDE), photos.RESAMPLE, reducing_gap=2.0)
        state["resized"] = picture

    def thumbnail():
        thumb = state["resized"].copy()
        thumb.thumbnail((photos.THUMB_SIDE, photos.THUMB_SIDE), photos.RESAMPLE, reducing_gap=2.0)
        state["thumb"] = thumb

    def encode():
        state["jpeg"] = photos._jpeg(state["resized"], photos.JPEG_QUALITY)

    def encode_thumb():
        photos._jpeg(state["thumb"], photos.THUMB_QUALITY)

    def digest():
        hashlib.sha256(state["jpeg"]).hexdigest()

    def write():
        name = photos._write_new(folder, ".jpg", state["jpeg"])
        (folder / name).unlink()

    rows = [("open + verify", probe), ("decode + orient + RGB", decode), ("resize to 1600 px", resize),
            ("thumbnail 320 px", thumbnail), ("encode photo JPEG", encode),
            ("encode thumbnail JPEG", encode_thumb), ("sha256", digest), ("write + fsync", write)]
    results = [(name, timed(step, repeat)) for name, step in rows]
    results.append(("store() as a whole", timed(lambda: photos.store(data, folder), repeat)))
    return results


def requests_in_process(database, data, count):
    """Median ms of whole report posts (form, photo, database, files) through a test client."""
    from load import fresh_schema

    from app import create_app
    from services.demo import seed_demo
    from tests.report_helpers import post_form
    from tests.report_helpers import report_data

    folder = Path(tempfile.mkdtemp(prefix="photo-profile-"))
    uri = database or f"sqlite:///{folder / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "UPLOAD_DIR": str(folder / "uploads"),
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "ENV_NAME": "production",
                      "SECRET_KEY": "profile", "SESSION_COOKIE_SECURE": False, **BENCH_KEYS})
    with app.app_context():
        fresh_schema(app)
        seed_demo()
    client = app.test_client()
    client.post("/auth/login", data={"username": "desa", "password": "demo12345"})

    def post():
        form = report_data(client_uuid=str(uuid.uuid4()))
        response = post_form(client, "/reports/new", form, [(io.BytesIO(data), "photo.jpg", "image/jpeg")])
        assert response.status_code == 303, response.status_code

    post()
    median = timed(post, count)
    profile = cProfile.Profile()
    profile.enable()
    for _run in range(10):
        post()
    profile.disable()
    return median, profile


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    data = one_mb_photo()
    with Image.open(io.BytesIO(data)) as image:
        print(f"photo: {len(data) / 1e6:.2f} MB JPEG, {image.width} x {image.height}; "
              f"Pillow {Image.__version__}; median of {args.repeat} runs")
    with tempfile.TemporaryDirectory() as folder:
        print("CPU ms per step (median):")
        for name, ms in steps(data, Path(folder), args.repeat):
            print(f"  {name:28} {ms:7.1f} ms")
        print("store() by downscaling filter, CPU ms (median, runs interleaved):")
        for name, ms in compare_filters(data, Path(folder), args.repeat).items():
            print(f"  {name:28} {ms:7.1f} ms")
    median, profile = requests_in_process(args.database, data, args.repeat)
    print(f"whole report post, in process ({args.database or 'SQLite'}): {median:.1f} ms CPU median")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:3000])


if __name__ == "__main__":
    main()
