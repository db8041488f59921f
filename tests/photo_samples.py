"""Image files for the photo tests, made with Pillow: photo-like pictures with camera metadata,
and broken or hostile files."""

from io import BytesIO

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter

GPS_IFD = 0x8825
MAKE = 0x010F


def photo_like(width, height, seed=7, grain=0.12):
    """Something with the texture of a photo (gradients, shapes, fine noise), not a flat colour
    that any encoder shrinks to nothing."""
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    picture = Image.merge(
        "RGB", (sky.getchannel(0), sky.getchannel(0).rotate(90), Image.new("L", (width, height), 120))
    )
    draw = ImageDraw.Draw(picture)
    step = max(width // 12, 1)
    for i in range(12):
        box = (i * step, height // 2 + (i * 37 + seed) % (height // 3), i * step + step * 2, height)
        draw.rectangle(box, fill=((i * 53 + seed) % 256, (i * 97) % 256, (i * 31) % 256))
        top = (i * 71) % (height // 2)
        draw.ellipse((i * step, top, i * step + step, top + step), fill=(250, 240, 200))
    noise = Image.effect_noise((width, height), 60).convert("RGB")
    return Image.blend(picture.filter(ImageFilter.SMOOTH), noise, grain)


def jpeg(width=2000, height=1500, quality=92, with_gps=True, grain=0.12):
    """A JPEG carrying camera EXIF and a GPS position, as phones write them. At 4000 x 3000 with
    grain=0.25 it weighs about 5.6 MB, like a 12-megapixel phone photo."""
    exif = Image.Exif()
    exif[MAKE] = "PhoneCam"
    if with_gps:
        exif[GPS_IFD] = {1: "N", 2: (1.0, 10.0, 30.0), 3: "E", 4: (103.0, 55.0, 12.0)}
    out = BytesIO()
    photo_like(width, height, grain=grain).save(
        out, "JPEG", quality=quality, exif=exif, comment=b"taken at the jetty"
    )
    return out.getvalue()


def png(width=800, height=600, transparent=True):
    image = photo_like(width, height).convert("RGBA")
    if transparent:
        image.putalpha(128)
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp(width=900, height=700):
    out = BytesIO()
    photo_like(width, height).save(out, "WEBP", quality=80)
    return out.getvalue()


def decompression_bomb():
    """A small file that would decode to 144 megapixels."""
    out = BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    return out.getvalue()


def truncated_jpeg():
    """The first part of a real JPEG, as an interrupted upload leaves it."""
    data = jpeg(800, 600)
    return data[: len(data) // 3]


NOT_AN_IMAGE = b"%PDF-1.7\nnot a photo at all\n"
