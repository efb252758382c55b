"""A thread written out as a PDF (WeasyPrint) or a Word document (python-docx), in the
reader's language and time zone, for an official who files it or takes it to a meeting.

An export holds what the thread page shows every member: a hidden message is left out,
a message held for review is not there at all, a deleted one is a placeholder without
its text. Under each message it lists the files sent with it and the library documents
linked to it, as the page's cards name them. The helpers at the top (fonts, the PDF,
the response) serve the meetings' export too.
"""

import contextlib
import io
import logging
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

import docx
import weasyprint
from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from groups import attachments
from groups.models import Group, Message, Thread, User

# WeasyPrint reports each step of each document at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FORMATS = {"pdf": PDF, "docx": DOCX}

# The project's own copy of DejaVu Sans (static/fonts, with its licence): the PDF draws
# Polish and Cyrillic letters the same on any machine, fonts installed there or not.
FONT_DIR = settings.BASE_DIR / "static" / "fonts"

# A PDF is laid out whole in memory (WeasyPrint keeps every page's boxes until it
# writes), so it holds the first messages only; the Word document streams them all.
PDF_MESSAGE_LIMIT = 1000
CHUNK = 500


def content_type_of(file_format: str) -> str:
    """The content type of an export format named in a URL, or Http404 for any other."""
    try:
        return FORMATS[file_format]
    except KeyError:
        raise Http404 from None


@contextlib.contextmanager
def reader_context(user: User) -> Iterator[None]:
    """The reader's language and time zone, for everything rendered inside."""
    language = user.language or translation.get_language()
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        yield


def font_faces() -> dict[str, str]:
    """File URLs of the vendored fonts, for the export templates' @font-face rules."""
    return {
        "regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
        "bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
        "italic": (FONT_DIR / "DejaVuSans-Oblique.ttf").as_uri(),
    }


class _FontsOnly(weasyprint.URLFetcher):
    """Fetches the vendored fonts and nothing else: an image or stylesheet named in a
    message's text is never fetched while the PDF is drawn."""

    def fetch(self, url: str, headers: object = None) -> Any:
        if not url.startswith(FONT_DIR.as_uri() + "/"):
            raise ValueError(f"not fetched in an export: {url}")
        return super().fetch(url, headers)


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """A template rendered to PDF with the project's fonts."""
    html = render_to_string(template, {**context, "fonts": font_faces()})
    pdf = weasyprint.HTML(string=html, url_fetcher=_FontsOnly()).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


def export_response(content: bytes, *, file_format: str, name: str) -> HttpResponse:
    """The file as a download named `name.<format>`."""
    response = HttpResponse(content, content_type=FORMATS[file_format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.{file_format}"
    )
    return response


def file_name(title: str, pk: int, fallback: str) -> str:
    """A slug of the title, Polish and Cyrillic letters kept, and the id: two exports of
    things with the same title do not overwrite each other in a downloads folder."""
    return f"{slugify(title, allow_unicode=True)[:60] or fallback}-{pk}"


def docx_bytes(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def exported_at() -> str:
    return formats.date_format(timezone.localtime(), "j E Y H:i")


def _exported_messages(thread: Thread):
    return (
        Message.objects.filter(thread=thread, held_at=None, hidden_at=None)
        .select_related("author__institution")
        .order_by("seq")
    )


@dataclass(frozen=True)
class ExportedMessage:
    author: str
    institution: str
    created: str
    deleted: bool
    body: str
    html: str
    attachments: list[str] = field(default_factory=list)  # a line for each, as written


def _attachment_line(payload: dict) -> str:
    """A file's name, type and size, a linked document's title, or that it is gone from
    the library: plain text, sizes in the reader's language as on the page (the
    library's `filesize`, which this app cannot import)."""
    return render_to_string("groups/export/_attachment.txt", {"item": payload}).strip()


def _rows(messages: Iterable[Message]) -> Iterator[ExportedMessage]:
    """The messages as exported, their attachments read once for every CHUNK of them."""
    for chunk in batched(messages, CHUNK):
        carried = attachments.attachments_by_message(chunk)
        for message in chunk:
            author = message.author
            deleted = message.is_deleted
            yield ExportedMessage(
                author=author.full_name if author else _("Former member"),
                institution=str(author.institution) if author and author.institution else "",
                created=formats.date_format(timezone.localtime(message.created_at), "j E Y H:i"),
                deleted=deleted,
                body="" if deleted else message.body,
                html="" if deleted else message.html,
                # A deleted message's files are not shown under its placeholder either.
                attachments=[]
                if deleted
                else [_attachment_line(item) for item in carried.get(message.pk, [])],
            )


def thread_pdf(*, thread: Thread, group: Group, reader: User) -> bytes:
    """The thread as a PDF: its first PDF_MESSAGE_LIMIT messages, said so when cut."""
    with reader_context(reader):
        messages = list(_rows(_exported_messages(thread)[: PDF_MESSAGE_LIMIT + 1]))
        return pdf_render(
            "groups/export/thread.html",
            {
                "thread": thread,
                "group_name": group.name_in(translation.get_language()),
                "messages": messages[:PDF_MESSAGE_LIMIT],
                "cut": len(messages) > PDF_MESSAGE_LIMIT,
                "limit": PDF_MESSAGE_LIMIT,
                "exported_at": exported_at(),
                "language": translation.get_language(),
            },
        )


def thread_docx(*, thread: Thread, group: Group, reader: User) -> bytes:
    """The thread as a Word document, every message, read from the database in chunks."""
    with reader_context(reader):
        language = translation.get_language()
        document = docx.Document()
        document.core_properties.title = thread.title
        document.core_properties.language = language
        document.add_heading(thread.title, level=0)
        document.add_paragraph(group.name_in(language))
        exported = _("Exported on %(date)s") % {"date": exported_at()}
        document.add_paragraph().add_run(exported).italic = True
        for row in _rows(_exported_messages(thread).iterator(chunk_size=CHUNK)):
            meta = document.add_paragraph()
            meta.add_run(row.author).bold = True
            if row.institution:
                meta.add_run(f" · {row.institution}")
            meta.add_run(f" · {row.created}")
            if row.deleted:
                document.add_paragraph().add_run(_("This message was deleted.")).italic = True
            else:
                for paragraph in row.body.split("\n\n"):
                    document.add_paragraph(paragraph.strip())
            if row.attachments:
                document.add_paragraph().add_run(_("Attachments")).italic = True
                for line in row.attachments:
                    document.add_paragraph(line, style="List Bullet")
        return docx_bytes(document)
