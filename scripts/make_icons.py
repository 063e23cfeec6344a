"""Draws the web app's icons (equeue_ui/static/icons) once; the PNGs are committed.

Run again only to change the design: ``.venv/bin/python scripts/make_icons.py``. A queue of
four people, the first one highlighted, on the header's blue. The maskable icon keeps its
drawing inside the central 80 % that every launcher's mask leaves visible.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "equeue_ui" / "static" / "icons"
BLUE = (21, 101, 192)
WHITE = (255, 255, 255)
AMBER = (255, 202, 40)
SUPERSAMPLE = 4  # drawn large and scaled down: smooth edges without anti-aliasing support


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)
        inner = big * 0.8  # the safe zone
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=BLUE)
        inner = big * 0.9
    offset = (big - inner) / 2
    # Four people in a row, shrinking into the distance; the first (at the desk) in amber.
    for index, scale in enumerate((1.0, 0.82, 0.68, 0.56)):
        unit = inner * 0.13 * scale
        x = offset + inner * (0.2 + index * 0.2)
        ground = offset + inner * 0.72
        colour = AMBER if index == 0 else WHITE
        head_r = unit * 0.55
        pen.ellipse(
            (x - head_r, ground - unit * 2.6 - head_r, x + head_r, ground - unit * 2.6 + head_r),
            fill=colour,
        )
        pen.rounded_rectangle(
            (x - unit * 0.8, ground - unit * 1.9, x + unit * 0.8, ground),
            radius=unit * 0.6,
            fill=colour,
        )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(ICONS / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(ICONS / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(ICONS / "maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
