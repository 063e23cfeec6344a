"""Pictures the fake draws: Moodle-like course images and user avatars, as SVG."""

from __future__ import annotations

import base64


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
