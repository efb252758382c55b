"""The vendored icons: inlined by a template tag, decoration only, no emoji for chrome."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[2]
# Pictographs that would depend on an emoji font. Reactions are content, not chrome.
EMOJI = re.compile("[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]")


def render(source: str) -> str:
    return Template("{% load icons %}" + source).render(Context())


def test_an_icon_is_inline_svg_hidden_from_assistive_technology():
    html = render('{% icon "bell" %}')
    assert html.startswith('<svg class="icon icon--bell" aria-hidden="true" focusable="false"')
    assert 'stroke="currentColor"' in html
    assert "<!--" not in html


@pytest.mark.parametrize("name", ["no-such-icon", "../LICENSE", "Bell"])
def test_an_unknown_icon_is_a_clear_error(name):
    with pytest.raises(ValueError, match="no icon"):
        render(f'{{% icon "{name}" %}}')


def test_the_icons_come_with_their_licence():
    icons = ROOT / "static" / "icons"
    assert "ISC License" in (icons / "LICENSE").read_text(encoding="utf-8")
    assert "lucide-static" in (icons / "README.md").read_text(encoding="utf-8")


def test_no_template_or_script_draws_chrome_with_emoji():
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/**/*.js")]
    markup_in_python = [*ROOT.glob("*/cards.py"), *ROOT.glob("*/templatetags/*.py")]
    found = []
    for path in [*sources, *markup_in_python]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0] if path.suffix == ".js" else line
            if EMOJI.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert found == []
