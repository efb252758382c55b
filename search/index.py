"""Writing the index: an entry per findable row, rewritten when the row changes.

Only what someone may find is written. A message that is deleted, hidden, held for
review or removed has no entry (its entry is dropped when it changes so), nor have the
files sent with it; a draft meeting and unpublished minutes are entries only its
managers find (Audience).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Prefetch, Q, QuerySet

from groups.models import Message, Thread
from meetings.models import ActionItem, AgendaItem, Meeting, Minutes
from resources.models import Document, MessageAttachment
from search.lemmas import index_text
from search.models import Audience, Entry, Kind

# The excerpt is cut from this much of the text as written; every word counts for
# finding it.
TEXT_MAX = 20_000
BATCH = 1000

UPDATED_FIELDS = [
    "group",
    "thread",
    "message",
    "meeting",
    "document",
    "author",
    "date",
    "audience",
    "title",
    "text",
    "lemmas",
]


def _entry(kind: Kind, object_id: int, *texts: str, **fields) -> Entry:
    text = "\n".join(t for t in texts if t)
    return Entry(
        kind=kind,
        object_id=object_id,
        text=text[:TEXT_MAX],
        lemmas=index_text(fields["title"], text),
        **fields,
    )


def _threads(rows: QuerySet[Thread]) -> Iterator[Entry]:
    for thread in rows.order_by("pk").iterator(chunk_size=BATCH):
        yield _entry(
            Kind.THREAD,
            thread.pk,
            group_id=thread.group_id,
            thread=thread,
            author_id=thread.author_id,
            date=thread.created_at,
            audience=Audience.READERS,
            title=thread.title,
        )


# A message every member reads: the only ones found, with the files sent with them.
FINDABLE_MESSAGE = {"deleted_at": None, "hidden_at": None, "held_at": None, "seq__gt": 0}


def _messages(rows: QuerySet[Message]) -> Iterator[Entry]:
    findable = rows.filter(**FINDABLE_MESSAGE)
    for message in findable.select_related("thread").order_by("pk").iterator(chunk_size=BATCH):
        yield Entry(
            kind=Kind.MESSAGE,
            object_id=message.pk,
            group_id=message.group_id,
            thread_id=message.thread_id,
            message=message,
            author_id=message.author_id,
            date=message.created_at,
            audience=Audience.READERS,
            title=message.thread.title[:300],
            text=message.body[:TEXT_MAX],
            # The thread's title is its own entry: a message is found by what it says.
            lemmas=index_text(message.body),
        )


def _meetings(rows: QuerySet[Meeting]) -> Iterator[Entry]:
    meetings = rows.select_related("minutes").prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("order")),
        Prefetch("action_items", queryset=ActionItem.objects.order_by("pk")),
    )
    for meeting in meetings.order_by("pk").iterator(chunk_size=BATCH):
        draft = meeting.status == Meeting.Status.DRAFT
        common = {
            "group_id": meeting.group_id,
            "meeting": meeting,
            "author_id": meeting.created_by_id,
            "date": meeting.starts_at,
            "title": meeting.title,
        }
        yield _entry(
            Kind.MEETING,
            meeting.pk,
            meeting.description,
            meeting.place,
            *(item.title for item in meeting.agenda.all()),
            *(item.description for item in meeting.action_items.all()),
            audience=Audience.MANAGERS if draft else Audience.READERS,
            **common,
        )
        minutes = getattr(meeting, "minutes", None)
        if minutes is not None and (minutes.text or minutes.decisions):
            published = minutes.status == Minutes.Status.PUBLISHED and not draft
            yield _entry(
                Kind.MINUTES,
                meeting.pk,
                minutes.text,
                minutes.decisions,
                audience=Audience.READERS if published else Audience.MANAGERS,
                **common,
            )


def _files(links: QuerySet[MessageAttachment]) -> Iterator[Entry]:
    """The files sent with messages every member reads, by their names and the text
    inside: found as their message is (its thread, author and date), never on their own.
    A library document linked to a message is found as a document, not again here."""
    findable = links.filter(
        kind=MessageAttachment.Kind.UPLOAD,
        document__deleted_at=None,
        **{f"message__{field}": value for field, value in FINDABLE_MESSAGE.items()},
    ).select_related("message", "document__current_version")
    for link in findable.order_by("pk").iterator(chunk_size=BATCH):
        message, document = link.message, link.document
        version = document.current_version
        yield _entry(
            Kind.ATTACHMENT,
            link.pk,
            document.content_text,
            group_id=message.group_id,
            thread_id=message.thread_id,
            message=message,
            document=document,
            author_id=message.author_id,
            date=message.created_at,
            audience=Audience.READERS,
            title=(version.original_name if version else document.title)[:300],
        )


def _files_of_messages(rows: QuerySet[Message]) -> Iterator[Entry]:
    return _files(MessageAttachment.objects.filter(message__in=rows))


def _documents(rows: QuerySet[Document]) -> Iterator[Entry]:
    # A message's files are documents too, readable only with their message: they are
    # not found on their own (_files).
    documents = rows.filter(deleted_at=None, is_attachment=False).prefetch_related("tags")
    for document in documents.order_by("pk").iterator(chunk_size=BATCH):
        yield _entry(
            Kind.DOCUMENT,
            document.pk,
            document.description,
            " ".join(tag.name for tag in document.tags.all()),
            document.content_text,
            group_id=document.group_id,
            document=document,
            author_id=document.created_by_id,
            date=document.updated_at,
            audience=Audience.READERS,
            title=document.title[:300],
        )


def _message_and_files(rows: QuerySet[Message]) -> Iterator[Entry]:
    found = list(_messages(rows))
    yield from found
    if found:  # a message no longer found takes its files along, without a look
        yield from _files_of_messages(rows)


def _document_or_files(rows: QuerySet[Document]) -> Iterator[Entry]:
    found = list(_documents(rows))
    yield from found
    if not found:  # a file sent with a message, whose text the worker has read, say
        yield from _files(MessageAttachment.objects.filter(document__in=rows))


@dataclass(frozen=True)
class Source:
    rows: Callable[[], QuerySet]
    build: Callable[[QuerySet], Iterator[Entry]]
    owned: Callable[[int], Q]  # the entries row `pk` writes, to drop those it no longer has


# What each hook kind reads, and the entries that are its row's.
SOURCES: dict[str, Source] = {
    "thread": Source(Thread.objects.all, _threads, lambda pk: Q(kind=Kind.THREAD, object_id=pk)),
    "message": Source(
        Message.objects.all,
        _message_and_files,
        lambda pk: Q(kind=Kind.MESSAGE, object_id=pk) | Q(kind=Kind.ATTACHMENT, message_id=pk),
    ),
    "meeting": Source(
        Meeting.objects.all,
        _meetings,
        lambda pk: Q(kind__in=[Kind.MEETING, Kind.MINUTES], object_id=pk),
    ),
    "document": Source(
        Document.objects.all,
        _document_or_files,
        lambda pk: Q(kind=Kind.DOCUMENT, object_id=pk) | Q(kind=Kind.ATTACHMENT, document_id=pk),
    ),
}

# A rebuild reads every table once: the files with the messages, not again with the
# documents.
REBUILT: list[tuple[Callable[[], QuerySet], Callable[[QuerySet], Iterator[Entry]]]] = [
    (Thread.objects.all, _threads),
    (Message.objects.all, _messages),
    (Message.objects.all, _files_of_messages),
    (Meeting.objects.all, _meetings),
    (Document.objects.all, _documents),
]


def _write(entries: Iterable[Entry]) -> int:
    written = 0
    iterator = iter(entries)
    while batch := list(islice(iterator, BATCH)):
        Entry.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=UPDATED_FIELDS,
        )
        written += len(batch)
    return written


def entry_refresh(kind: str, pk: int) -> None:
    """Rewrite the entries of row `pk` of `kind` (a gwd.indexing hook kind) from what it
    says now, and drop those it no longer has: a message deleted or hidden (with its
    files), a document in the trash, minutes emptied."""
    source = SOURCES[kind]
    entries = list(source.build(source.rows().filter(pk=pk)))
    _write(entries)
    gone = Entry.objects.filter(source.owned(pk))
    for entry in entries:
        gone = gone.exclude(kind=entry.kind, object_id=entry.object_id)
    gone.delete()


def index_rebuild(*, group_ids: list[int] | None = None) -> int:
    """Write the index anew for every row (of these groups); the number of entries."""
    stale = Entry.objects.all()
    if group_ids is not None:
        stale = stale.filter(group_id__in=group_ids)
    stale.delete()
    written = 0
    for source, build in REBUILT:
        rows = source()
        if group_ids is not None:
            rows = rows.filter(group_id__in=group_ids)
        written += _write(build(rows))
    return written
