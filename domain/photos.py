"""Photo files: check uploads with Pillow, re-encode them without metadata, store them under random
names outside static/, link them into the store, and find or purge files nobody owns. No Flask
here; the callers pass the folders and limits."""

import errno
import hashlib
import os
import secrets
import shutil
import struct
import time
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image
from PIL import ImageOps

MAX_SIDE = 1600
THUMB_SIDE = 320
MAX_PIXELS = 40_000_000  # a 12-megapixel phone photo is far below; decompression bombs are far above
JPEG_QUALITY = 82
THUMB_QUALITY = 75
# Downscaling filter. A phone photo a little over MAX_SIDE (2000 px to 1600) gains nothing visible
# from Lanczos, which took a third of a report's time (bench/photo_profile.py); Hamming, a
# one-lobe filter, takes about 40 % of that. Larger reductions first shrink by whole factors
# (JPEG draft decoding, `reducing_gap`), where the filter matters even less.
RESAMPLE = Image.Resampling.HAMMING
PENDING_MAX_AGE = 24 * 3600  # photos of a form never sent are deleted after a day

FORMATS = {"JPEG", "PNG", "WEBP"}
TYPES = {
    "image/jpeg": "JPEG", "image/jpg": "JPEG", "image/pjpeg": "JPEG",
    "image/png": "PNG", "image/webp": "WEBP",
}
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jfif": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# What Pillow raises on broken or truncated files.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
# What it raises on images whose size in pixels could exhaust the memory (decompression bombs).
BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


class PhotoError(ValueError):
    """An upload we refuse; `reason` is one of too_large, not_image, mismatch, too_many_pixels."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredPhoto:
    """A re-encoded photo and its thumbnail, as files in one folder."""

    stored_name: str
    thumb_name: str
    sha256: str
    size_bytes: int
    width: int
    height: int


def read_limited(stream, max_bytes):
    """The upload's bytes, refusing anything longer than `max_bytes` without reading it all."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError("too_large")
    return data


def _declared_format(content_type, filename):
    """The format the browser claims: from the Content-Type, else the file name's extension."""
    declared = TYPES.get((content_type or "").lower())
    if declared is None:
        declared = EXTENSIONS.get(Path(filename or "").suffix.lower())
    return declared


def _flatten(image):
    """RGB for JPEG: transparent parts become white rather than black."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _jpeg(image, quality):
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def reencode(data, content_type="", filename=""):
    """Check an upload and return (photo JPEG bytes, thumbnail JPEG bytes, width, height).
    Only the pixels survive: EXIF (GPS, camera), comments and XMP are dropped."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise PhotoError("not_image")
                declared = _declared_format(content_type, filename)
                if declared is not None and declared != probe.format:
                    raise PhotoError("mismatch")
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoError("too_many_pixels")
                probe.verify()
            # verify() leaves the image unusable: open it again to decode it.
            with Image.open(BytesIO(data)) as image:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG decodes at a smaller scale: less memory
                image.load()
                # In place: a copy of a full-size photo per step cost about 10 ms each.
                ImageOps.exif_transpose(image, in_place=True)
                picture = _flatten(image)
        except PhotoError:
            raise
        except BOMB_ERRORS as error:
            raise PhotoError("too_many_pixels") from error
        except DECODE_ERRORS as error:
            raise PhotoError("not_image") from error
    picture.info = {}
    picture.thumbnail((MAX_SIDE, MAX_SIDE), RESAMPLE, reducing_gap=2.0)
    thumb = picture.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), RESAMPLE, reducing_gap=2.0)
    return _jpeg(picture, JPEG_QUALITY), _jpeg(thumb, THUMB_QUALITY), picture.width, picture.height


def _write_new(folder, suffix, data):
    """Write bytes under a fresh random name; never overwrite anything. A write that fails
    midway (full disk, quota, I/O error) leaves no partial file behind."""
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        name = f"{secrets.token_hex(16)}{suffix}"
        try:
            out = open(folder / name, "xb")
        except FileExistsError:
            continue
        try:
            with out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())  # on disk before any database row may point to it
        except BaseException:
            (folder / name).unlink(missing_ok=True)
            raise
        return name


def store(data, folder, content_type="", filename=""):
    """Check, re-encode and write one upload (photo and thumbnail) into `folder`."""
    photo, thumb, width, height = reencode(data, content_type, filename)
    folder = Path(folder)
    stored_name = _write_new(folder, ".jpg", photo)
    try:
        thumb_name = _write_new(folder, ".thumb.jpg", thumb)
    except OSError:
        remove(folder, [stored_name])
        raise
    return StoredPhoto(
        stored_name=stored_name,
        thumb_name=thumb_name,
        sha256=hashlib.sha256(photo).hexdigest(),
        size_bytes=len(photo),
        width=width,
        height=height,
    )


def file_names(photo):
    return (photo.stored_name, photo.thumb_name)


def move(photo, source, target):
    """Move a photo's two files from one folder to another (same file system: atomic renames)."""
    Path(target).mkdir(parents=True, exist_ok=True)
    for name in file_names(photo):
        os.replace(Path(source) / name, Path(target) / name)


# Where a file system has no hard links, or not across these folders: copy instead.
NO_LINKS = {errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}


def link(photo, source, target):
    """Give a photo's two files a second name in `target`, keeping the one in `source`: whatever
    happens next, one of the two names still holds the photo. Linking again is harmless."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in file_names(photo):
        _link_one(Path(source) / name, target / name)
    _sync_folder(target)


def _link_one(source, target):
    try:
        os.link(source, target)
    except FileExistsError:  # linked by an earlier try whose outcome was unknown
        if not os.path.samefile(source, target):
            raise
        os.utime(target)  # named again now: the reconciler must not take it for an old orphan
    except OSError as error:
        if error.errno not in NO_LINKS:
            raise
        with open(source, "rb") as original, open(target, "xb") as copy:
            shutil.copyfileobj(original, copy)
            copy.flush()
            os.fsync(copy.fileno())


def _sync_folder(folder):
    """Make new names in `folder` durable (a crash after the commit must not lose them)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open a folder; their renames are durable anyway
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def remove(folder, names):
    """Delete files if they are there."""
    for name in names:
        (Path(folder) / name).unlink(missing_ok=True)


def exists(photo, folder):
    return all((Path(folder) / name).is_file() for name in file_names(photo))


def changed_at(stat_result):
    """When a file was written or last given a name (linking and renaming change ctime)."""
    return max(stat_result.st_mtime, stat_result.st_ctime)


def old_files(folder, max_age, now=None, when=changed_at):
    """(name, stat) of the files in `folder` untouched for more than `max_age` seconds (by default
    since written or named, see `changed_at`). Files that vanish while we look (a request moving
    or deleting them) are simply left out."""
    folder = Path(folder)
    limit = (now or time.time()) - max_age
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            stat_result = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if when(stat_result) < limit:
            found.append((entry.name, stat_result))
    return found


def purge_older_than(folder, max_age=PENDING_MAX_AGE, now=None):
    """Delete files in `folder` last written more than `max_age` seconds ago; return how many.
    A file that another request moves or deletes meanwhile is not an error."""
    removed = 0
    for name, _stat in old_files(folder, max_age, now, when=lambda stat_result: stat_result.st_mtime):
        try:
            (Path(folder) / name).unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed
