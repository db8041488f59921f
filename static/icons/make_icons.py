"""Draw the app icons (a white village house with "DB" on the theme green) with Pillow.

Run `.venv/bin/python static/icons/make_icons.py` after changing the drawing; the PNGs are committed.
"""

from pathlib import Path

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

HERE = Path(__file__).resolve().parent
GREEN = "#0b5d4b"  # --green in static/css/app.css
WHITE = "#ffffff"


def draw_house(draw, box):
    """A house (roof and walls) filling `box`, with "DB" written on the wall."""
    left, top, right, bottom = box
    width = right - left
    height = bottom - top
    eave = top + height * 0.42
    wall_inset = width * 0.12
    draw.polygon([(left, eave), (left + width / 2, top), (right, eave)], fill=WHITE)
    draw.rectangle([left + wall_inset, eave - 1, right - wall_inset, bottom], fill=WHITE)
    font = ImageFont.load_default(size=max(8, int(height * 0.36)))
    centre = (left + width / 2, eave + (bottom - eave) * 0.52)
    draw.text(centre, "DB", fill=GREEN, font=font, anchor="mm")


def icon(size, maskable=False):
    """A square icon; the maskable one is full-bleed with the house inside the 80% safe zone."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, size, size], fill=GREEN)
        margin = size * 0.27  # the safe zone is a centred circle of 40% radius
    else:
        draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size * 0.18, fill=GREEN)
        margin = size * 0.16
    draw_house(draw, (margin, margin, size - margin, size - margin * 1.05))
    # A small palette keeps each file a few kilobytes.
    return image.quantize(colors=32, method=Image.Quantize.FASTOCTREE)


def main():
    """Write every icon the manifest and the pages link to."""
    outputs = {
        "icon-192.png": icon(192),
        "icon-512.png": icon(512),
        "maskable-512.png": icon(512, maskable=True),
        "apple-touch-icon.png": icon(180, maskable=True),  # iOS rounds the corners itself
        "favicon-32.png": icon(32),
    }
    for name, image in outputs.items():
        image.save(HERE / name, optimize=True)
        print(f"{name}: {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
