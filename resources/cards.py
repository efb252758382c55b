"""Document cards: a message that links to a document of its group shows the document's
title and current version under the text. Plugged into gwd.markdown's cards hook from
ResourcesConfig.ready(), so discussions render them without knowing the library."""

import re

from django.utils.html import format_html

from groups.models import Group
from gwd.templatetags.icons import icon_svg
from resources.models import Document

DOCUMENT_LINK = re.compile(r"/groups/(?P<slug>[\w-]+)/library/(?P<id>\d+)/")


def document_cards(body: str, group: Group) -> str:
    """A card with title and version for each document of this group linked in `body`."""
    ids = [
        int(m.group("id")) for m in DOCUMENT_LINK.finditer(body) if m.group("slug") == group.slug
    ][:5]
    if not ids:
        return ""
    documents = (
        Document.objects.readable()
        .filter(group=group, pk__in=ids)
        .select_related("current_version", "group")
    )
    cards = []
    for document in sorted(documents, key=lambda d: ids.index(d.pk)):
        version = document.current_version
        cards.append(
            format_html(
                '<a class="doc-card" href="{}">{} <strong>{}</strong>{}</a>',
                document.get_absolute_url(),
                icon_svg("file-text"),
                document.title,
                f" · v{version.number} · {version.original_name}" if version else "",
            )
        )
    return '<div class="doc-cards">' + "".join(cards) + "</div>"
