"""The markdown subset of discussions, rendered on the server and sanitised.

Members write bold, italics, links, lists, quotes and code. Everything else a markdown
parser knows (raw HTML, images, headings, tables) is switched off, and the result passes
through nh3 with an allow-list, so whatever the parser lets through, only these tags,
these attributes and http(s)/mailto links reach a browser.
"""

import html
import re
import secrets
from collections.abc import Callable
from typing import Any

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
# No free-text attributes (such as title): markdown-it percent-encodes hrefs, so no tag
# produced here contains ">" inside an attribute, which the mention pass relies on.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer"

_parser = (
    MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    .disable(["image", "heading", "lheading", "html_block", "html_inline", "hr", "reference"])
    .enable(["strikethrough"])
)

# @**Full Name** or @**Full Name|42** (the id settles two members with one name).
MENTION = re.compile(r"@\*\*([^*|\n]{1,150}?)(?:\|(\d{1,12}))?\*\*")


# Apps add HTML under a rendered text through this hook (resources/cards.py: a card for
# each linked document). Each takes the source text and the render's context (for a
# message, its group) and returns safe HTML, or "" for nothing.
CardSource = Callable[[str, Any], str]
_card_sources: list[CardSource] = []


def cards_register(source: CardSource) -> None:
    if source not in _card_sources:
        _card_sources.append(source)


def render(
    text: str,
    *,
    mention: Callable[[str, int | None], tuple[int, str] | None] | None = None,
    context: Any = None,
) -> tuple[str, list[int]]:
    """HTML for `text` and the ids of the people it mentions.

    `mention(name, id)` resolves a mention to (user id, display name) or None; a mention
    that does not resolve stays as plain text. With a `context`, the registered card
    sources add their cards after the text.
    """
    mentioned: list[int] = []
    spans: list[str] = []
    nonce = secrets.token_hex(8)

    def substitute(match: re.Match) -> str:
        found = (
            mention(match.group(1).strip(), int(match.group(2) or 0) or None) if mention else None
        )
        if found is None:
            return match.group(0)
        user_id, name = found
        if user_id not in mentioned:
            mentioned.append(user_id)
        spans.append(f'<span class="mention" data-user="{user_id}">@{html.escape(name)}</span>')
        # A token markdown leaves alone and nobody can type: it carries a fresh nonce.
        return f"gwdmention{nonce}x{len(spans) - 1}x"

    prepared = MENTION.sub(substitute, text)
    rendered = nh3.clean(
        _parser.render(prepared),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()
    if spans:
        token = re.compile(f"gwdmention{nonce}x(\\d+)x")
        # Inside a tag (a link's href) a mention becomes plain escaped text, in text a span.
        parts = re.split(r"(<[^>]*>)", rendered)
        for i, part in enumerate(parts):
            if part.startswith("<"):
                parts[i] = token.sub(lambda m: html.escape(_plain(spans[int(m.group(1))])), part)
            else:
                parts[i] = token.sub(lambda m: spans[int(m.group(1))], part)
        rendered = "".join(parts)
    if context is not None:
        rendered += "".join(source(text, context) for source in _card_sources)
    return rendered, mentioned


def _plain(span: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", span))
