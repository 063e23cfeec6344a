"""Pictures the fake draws: Moodle-like course images and user avatars, as SVG."""

from __future__ import annotations

import base64
import colorsys
import io

from PIL import Image, ImageDraw


def course_image(course_id: int) -> str:
    # Moodle draws a patterned SVG as a data URI for courses without an image.
    hue = (course_id * 47) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        f'<rect width="100" height="100" fill="hsl({hue},45%,55%)"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def avatar_svg(initials: str, user_id: int) -> str:
    hue = (user_id * 71) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        f'<circle cx="50" cy="50" r="50" fill="hsl({hue},50%,45%)"/>'
        '<text x="50" y="62" font-size="36" text-anchor="middle" fill="white" '
        f'font-family="sans-serif">{initials}</text></svg>'
    )


def avatar_png(user_id: int, rev: int) -> bytes:
    """A user's uploaded picture as a PNG (a head and shoulders on a coloured ground; each
    revision another colour), what ``webservice/pluginfile.php`` serves with a token."""
    hue = ((user_id * 71 + rev * 97) % 360) / 360
    ground = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.55, 0.5))
    person = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.9, 0.3))
    image = Image.new("RGB", (200, 200), ground)
    draw = ImageDraw.Draw(image)
    draw.ellipse((65, 35, 135, 105), fill=person)
    draw.ellipse((30, 115, 170, 255), fill=person)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
