"""The thread page's messages as HTML, each row rendered once for all who see it alike.

A row of groups/_message.html costs about a millisecond of template rendering, and a
thread page shows fifty. What a row shows depends on:

- the message, all of it in its payload: the text and its edits, deleted or hidden,
  the reactions, the attachments, the message it answers, the author's name and
  institution;
- the reader: whether the message is their own (then the reason it was hidden, and no
  link to report it), and whether they may reply in this thread;
- the language and the time zone the dates are written in;
- the templates, the catalogues and Django's own, which change with a release.

The key is a digest of all of it, so any change is a new key: nothing is invalidated,
an entry nobody asks for expires. Facilitators' rows carry their CSRF token and the
hidden text: those are rendered for each request and never kept.
"""

import hashlib
from functools import cache as once
from pathlib import Path

import django
from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from groups.access import GroupAccess
from groups.models import Message, Thread, User
from gwd import caching

ROW_SECONDS = 3600
TEMPLATE = "groups/_message.html"
# Everything TEMPLATE includes.
TEMPLATES = (TEMPLATE, "groups/_reply_quote.html", "groups/_attachments.html")


@once
def release() -> str:
    """What the rendering is made of besides the data: the templates' text, the compiled
    catalogues and Django's version. Read once a process."""
    digest = hashlib.blake2b(django.__version__.encode(), digest_size=16)
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for directory in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(directory).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


def rendered_rows(
    *, user: User, access: GroupAccess, thread: Thread, rows: list[tuple[Message, dict]]
) -> list[SafeString | None]:
    """Each row's HTML, from the cache or rendered and kept; None for each row of a
    facilitator's page (the page renders those itself)."""
    if access.can_moderate:
        return [None] * len(rows)
    shared = (
        release(),
        access.group.slug,
        get_language(),
        get_current_timezone_name(),
        access.can_post and not thread.locked,
    )
    keys = []
    for message, payload in rows:
        own = message.author_id == user.pk
        reason = message.hidden_reason if own and payload["hidden"] else ""
        material = repr((shared, own, reason, payload)).encode()
        keys.append(f"groups:row:{hashlib.blake2b(material, digest_size=20).hexdigest()}")
    kept = caching.kept(keys, "message rows")
    fresh: dict[str, str] = {}
    template = get_template(TEMPLATE)
    html: list[SafeString | None] = []
    for key, (message, payload) in zip(keys, rows, strict=True):
        row = kept.get(key)
        if row is None:
            row = fresh[key] = template.render(
                {
                    "message": message,
                    "payload": payload,
                    "user": user,
                    "access": access,
                    "group": access.group,
                    "thread": thread,
                }
            )
        html.append(mark_safe(row))  # rendered by the template, escaped there
    if fresh:
        caching.keep(fresh, ROW_SECONDS, "message rows")
    return html
