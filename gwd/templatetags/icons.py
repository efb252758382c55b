"""`{% icon "bell" %}`: one of the SVG icons vendored in static/icons/, inlined so that it
takes the colour of the text around it and costs no request of its own.

Icons are decoration beside a word, never the only label: each is hidden from
assistive technology, and the text next to it carries the meaning.
"""

import functools
import re
from pathlib import Path

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICONS = Path(settings.BASE_DIR) / "static" / "icons"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@functools.cache
def icon_svg(name: str) -> SafeString:
    """The icon's SVG on one line, with the class `icon icon--<name>`; ValueError for a
    name that is not vendored."""
    path = ICONS / f"{name}.svg"
    if not NAME.fullmatch(name) or not path.is_file():
        raise ValueError(f"no icon {name!r} in static/icons/")
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    svg = re.sub(r">\s+<", "><", re.sub(r"\s+(/?>)", r"\1", " ".join(text.split())))
    svg = re.sub(
        r'class="[^"]*"',
        f'class="icon icon--{name}" aria-hidden="true" focusable="false"',
        svg,
        count=1,
    )
    return mark_safe(svg)  # our own vendored file, not user input


@register.simple_tag
def icon(name: str) -> SafeString:
    return icon_svg(name)
