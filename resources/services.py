"""Writes to the library. A file is stored before its row is written; if the row cannot
be written the file is removed again, so no row points at nothing and no file is lost
track of."""

import contextlib
import datetime as dt
import itertools
import logging
import unicodedata
from collections.abc import Iterator
from typing import Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groups.models import Group, User
from groups.services.notifications import notify
from gwd.commit import after_commit
from gwd.errors import ServiceError
from gwd.indexing import index_changed
from gwd.text import clean_text
from resources import files, images, search, tasks, uploads
from resources.models import Document, DocumentVersion, Folder, FolderFollow, Tag, UploadSession
from resources.sizes import file_size

logger = logging.getLogger(__name__)
TRASH_DAYS = 30

REJECTIONS = {
    "html": gettext_lazy(
        "This file contains a web page or script, which the library does not accept."
    ),
    "type": gettext_lazy(
        "This type of file is not accepted. Upload PDF, DOCX, XLSX, PPTX, ODT, ODS, TXT, CSV, "
        "PNG, JPEG or ZIP."
    ),
}


def too_large_message() -> str:
    return _("The file is larger than %(limit)s.") % {"limit": file_size(settings.UPLOAD_MAX_BYTES)}


def _check_size(size: int) -> None:
    if size > settings.UPLOAD_MAX_BYTES:
        raise ServiceError(too_large_message(), code="too_large")
    if size <= 0:
        raise ServiceError(_("The file is empty."), code="empty")


def check_upload(upload: UploadedFile) -> str:
    """The type of an upload the library takes, by its content; ServiceError if it is
    empty, too large or of a type the library refuses."""
    assert upload.size is not None  # an uploaded file is measured as it arrives
    _check_size(upload.size)
    try:
        return files.sniff(upload)
    except files.RejectedFile as rejected:
        raise ServiceError(str(REJECTIONS[str(rejected)]), code="rejected") from None


def _clean_title(text: str) -> str:
    """A title without control characters (which PostgreSQL text cannot even hold)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()[:300]


def _tags(names: list[str]) -> list[Tag]:
    """The tags named, matched without regard to case: "ESCO" finds the tag "esco". A new
    tag keeps the spelling typed first; the tag's name is its folded form."""
    labels: dict[str, str] = {}
    for typed in names:
        label = clean_text(typed)[:60]
        if label:
            labels.setdefault(label.casefold()[:60], label)
    return [
        Tag.objects.get_or_create(name=name, defaults={"label": labels[name]})[0]
        for name in sorted(labels)[:20]
    ]


def _storage_failed(error: Exception) -> ServiceError:
    """The storage (S3, the disk) failed: say so plainly."""
    logger.error("could not store an upload: %s", error)
    return ServiceError(
        _("The file could not be stored right now. Nothing was saved; try again later."),
        code="storage",
    )


def _store(upload: UploadedFile, group_id: int) -> files.Stored:
    stored = getattr(upload, "stored", None)
    if stored is not None:
        # An upload session on S3 assembled the file under its key: it is in place.
        if not stored.key.startswith(f"groups/{group_id}/"):
            raise ServiceError(_("This upload belongs to another group."), code="invalid")
        return stored
    try:
        return files.store(upload, group_id=group_id)
    except Exception as error:
        raise _storage_failed(error) from error


def _add_version(
    *, document: Document, upload: UploadedFile, actor: User, change_note: str
) -> DocumentVersion:
    content_type = check_upload(upload)
    name = files.clean_name(upload.name, content_type)
    # A file sent with a message that is an image is stored drawn again without its
    # metadata, with a thumbnail (resources/images.py), its first version and any later.
    cleaned = (
        images.image_clean(upload, content_type)
        if document.is_attachment and content_type in images.FORMATS
        else None
    )
    try:
        stored = _store(cleaned.upload if cleaned else upload, document.group_id)
        thumbnail = _store_thumbnail(cleaned.thumbnail, document.group_id) if cleaned else ""
    finally:
        if cleaned is not None:
            cleaned.upload.close()
    try:
        with transaction.atomic():
            number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = DocumentVersion.objects.create(
                document=document,
                number=number,
                storage_key=stored.key,
                original_name=name,
                size=stored.size,
                content_type=content_type,
                sha256=stored.sha256,
                change_note=clean_text(change_note)[:500],
                uploaded_by=actor,
                thumbnail_key=thumbnail,
                width=cleaned.width if cleaned else None,
                height=cleaned.height if cleaned else None,
            )
            document.current_version = version
            document.updated_at = timezone.now()
            document.save(update_fields=["current_version", "updated_at"])
    except Exception:
        default_storage.delete(stored.key)
        if thumbnail:
            default_storage.delete(thumbnail)
        raise
    version_id = version.pk
    after_commit(lambda: tasks.extract_text.enqueue(version_id=version_id))
    if not document.is_attachment:  # followers hear of it with its message, if at all
        _notify_followers(document, actor, first=number == 1)
    return version


def _store_thumbnail(thumbnail: bytes, group_id: int) -> str:
    """Store a thumbnail; "" if the storage fails: the image then shows as a file card."""
    try:
        return default_storage.save(files.storage_key(group_id), ContentFile(thumbnail))
    except Exception:
        logger.warning("could not store a thumbnail", exc_info=True)
        return ""


def _notify_followers(document: Document, actor: User, *, first: bool) -> None:
    """Tell those who follow the document's folder, or the whole library."""
    followers = FolderFollow.objects.filter(group_id=document.group_id).filter(
        Q(folder=None) | Q(folder_id=document.folder_id)
    )
    notify(
        kind="document_new" if first else "document_version",
        group=document.group,
        users=set(followers.values_list("user_id", flat=True)),
        actor=actor,
        params={"actor": actor.full_name, "title": document.title},
        url=document.get_absolute_url(),
    )


@transaction.atomic
def folder_follow_toggle(*, actor: User, group: Group, folder: Folder | None = None) -> bool:
    """Follow a folder (or the whole library); a second call stops. True if following."""
    follows = FolderFollow.objects.filter(user=actor, group=group, folder=folder)
    deleted, _per_model = follows.delete()
    if deleted:
        return False
    FolderFollow.objects.create(user=actor, group=group, folder=folder)
    return True


def document_upload(
    *,
    actor: User,
    group: Group,
    upload: UploadedFile,
    title: str,
    description: str = "",
    folder: Folder | None = None,
    domain: str = "",
    tags: list[str] | None = None,
    language: str = "pl",
    attachment: bool = False,
) -> Document:
    """A new document with its first version; with `attachment`, a file to go with a
    message (resources/attachments.py)."""
    if folder is not None and folder.group_id != group.pk:
        raise ServiceError(_("This folder belongs to another group."), code="invalid")
    check_upload(upload)
    with transaction.atomic():
        document = Document.objects.create(
            group=group,
            folder=folder,
            title=_clean_title(title) or _clean_title(upload.name or "") or "document",
            description=clean_text(description, multiline=True),
            domain=domain,
            language=language,
            created_by=actor,
            is_attachment=attachment,
        )
        document.tags.set(_tags(tags or []))
        _add_version(document=document, upload=upload, actor=actor, change_note="")
        search.document_index(document)
        index_changed("document", document.pk)
    return document


def version_upload(
    *, actor: User, document: Document, upload: UploadedFile, change_note: str = ""
) -> DocumentVersion:
    if document.deleted_at is not None:
        raise ServiceError(_("This document is in the trash."), code="deleted")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        return _add_version(document=document, upload=upload, actor=actor, change_note=change_note)


@transaction.atomic
def document_update(
    *,
    actor: User,
    document: Document,
    title: str,
    description: str,
    domain: str,
    tags: list[str],
    language: str,
    folder: Folder | None,
) -> Document:
    """Rename, describe, tag or move a document."""
    if folder is not None and folder.group_id != document.group_id:
        raise ServiceError(_("This folder belongs to another group."), code="invalid")
    if not _clean_title(title):
        raise ServiceError(_("Give the document a title."), code="empty")
    document.title = _clean_title(title)
    document.description = clean_text(description, multiline=True)
    document.domain = domain
    document.language = language
    document.folder = folder
    document.updated_at = timezone.now()
    document.save()
    document.tags.set(_tags(tags))
    search.document_index(document)
    index_changed("document", document.pk)
    return document


SHARE_REFUSED = gettext_lazy(
    "You can share only with your own groups and with groups open to join requests."
)


def share_targets(*, actor: User, document: Document) -> QuerySet[Group]:
    """The groups `actor` may share `document` with: those they may know of (their own,
    and those open to join requests; every group for site staff), not archived, and not
    the document's own group."""
    return Group.objects.for_user(actor).filter(archived=False).exclude(pk=document.group_id)


@transaction.atomic
def document_share(
    *, actor: User, document: Document, is_template: bool, share_with_all: bool, groups: list
) -> Document:
    """Make a document a model template shared with chosen groups or all of them.

    `groups` must be among share_targets, or nothing is written (ServiceError "invalid"):
    a facilitator does not learn of a private group by sharing with it. Groups someone
    else shared the template with, which `actor` may not know of, stay as they are."""
    targets = share_targets(actor=actor, document=document)
    known = set(targets.filter(pk__in=[g.pk for g in groups]).values_list("pk", flat=True))
    if any(g.pk not in known for g in groups):
        raise ServiceError(str(SHARE_REFUSED), code="invalid")
    document.is_template = is_template
    document.shared_with_all = is_template and share_with_all
    document.save(update_fields=["is_template", "shared_with_all"])
    unseen = list(document.shared_with.exclude(pk__in=targets.values("pk")))
    document.shared_with.set([*groups, *unseen] if is_template and not share_with_all else [])
    return document


def document_adapt(*, actor: User, template: Document, group: Group) -> Document:
    """An adapted copy of a model template in `group`: its own file, and a record of the
    template and version it came from."""
    source = template.current_version
    if not template.is_template or source is None:
        raise ServiceError(_("Only a model template can be adapted."), code="invalid")
    key = files.copy(source.storage_key, group_id=group.pk)
    try:
        with transaction.atomic():
            copy = Document.objects.create(
                group=group,
                title=template.title,
                description=template.description,
                domain=template.domain,
                language=template.language,
                source_document=template,
                source_version=source,
                created_by=actor,
                content_text=template.content_text,
            )
            copy.tags.set(template.tags.all())
            version = DocumentVersion.objects.create(
                document=copy,
                number=1,
                storage_key=key,
                original_name=source.original_name,
                size=source.size,
                content_type=source.content_type,
                sha256=source.sha256,
                change_note=_("Adapted from “%(title)s”, version %(number)d.")
                % {"title": template.title, "number": source.number},
                uploaded_by=actor,
            )
            copy.current_version = version
            copy.save(update_fields=["current_version"])
            search.document_index(copy)
            index_changed("document", copy.pk)
    except Exception:
        default_storage.delete(key)
        raise
    if not copy.content_text:
        # The template's text has not been read yet (it was just uploaded): the copy's
        # own file is read instead, or the copy would never be found by its words.
        version_id = version.pk
        after_commit(lambda: tasks.extract_text.enqueue(version_id=version_id))
    return copy


@transaction.atomic
def document_trash(*, actor: User, document: Document) -> Document:
    document.deleted_at = timezone.now()
    document.deleted_by = actor
    document.save(update_fields=["deleted_at", "deleted_by"])
    index_changed("document", document.pk, now=True)
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """Delete a document in the trash for good, with its versions and their files. The
    files go once the rows are gone for certain, after commit."""
    if document.deleted_at is None:
        raise ServiceError(
            _("Only a document in the trash can be deleted for good."), code="invalid"
        )
    keys = list(document.versions.values_list("storage_key", flat=True))
    logger.info("document %s deleted for good by %s", document.pk, actor.pk)
    document.delete()

    def remove_files() -> None:
        for key in keys:
            default_storage.delete(key)

    after_commit(remove_files)


def duplicate_list(*, group: Group, sha256: str) -> QuerySet[Document]:
    """Documents of `group`, not in the trash, with a version whose content has this
    SHA-256: the same file uploaded again."""
    return (
        Document.objects.alive()
        .filter(group=group, versions__sha256=sha256)
        .select_related("current_version", "group")
        .distinct()
        .order_by("-updated_at", "-pk")
    )


@transaction.atomic
def document_restore(*, actor: User, document: Document) -> Document:
    if document.deleted_at is None:
        raise ServiceError(_("This document is not in the trash."), code="invalid")
    if document.deleted_at < timezone.now() - dt.timedelta(days=TRASH_DAYS):
        raise ServiceError(_("This document has been in the trash too long."), code="expired")
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by"])
    index_changed("document", document.pk)
    return document


def trash_purge() -> int:
    """Delete documents that spent more than TRASH_DAYS in the trash, files included."""
    cutoff = timezone.now() - dt.timedelta(days=TRASH_DAYS)
    purged = 0
    for document in Document.objects.filter(deleted_at__lt=cutoff):
        keys = list(document.versions.values_list("storage_key", flat=True))
        document.delete()
        for key in keys:
            default_storage.delete(key)
        purged += 1
    return purged


@transaction.atomic
def folder_create(*, actor: User, group: Group, name: str, parent: Folder | None) -> Folder:
    name = clean_text(name)[:200]
    if not name:
        raise ServiceError(_("Give the folder a name."), code="empty")
    if parent is not None and parent.group_id != group.pk:
        raise ServiceError(_("This folder belongs to another group."), code="invalid")
    if Folder.objects.filter(group=group, parent=parent, name=name).exists():
        raise ServiceError(_("A folder with this name is already here."), code="invalid")
    return Folder.objects.create(group=group, parent=parent, name=name, created_by=actor)


def folder_descendant_ids(folder: Folder) -> set[int]:
    """The ids of the folders inside `folder`, at any depth."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Folder.objects.filter(group_id=folder.group_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    waiting = [folder.pk]
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child)
    return found


@transaction.atomic
def folder_update(*, actor: User, folder: Folder, name: str, parent: Folder | None) -> Folder:
    """Rename a folder and move it under `parent` (None: the main folder). It cannot go
    into itself or into a folder inside it, nor next to a folder of the same name."""
    name = clean_text(name)[:200]
    if not name:
        raise ServiceError(_("Give the folder a name."), code="empty")
    if parent is not None:
        if parent.group_id != folder.group_id:
            raise ServiceError(_("This folder belongs to another group."), code="invalid")
        if parent.pk == folder.pk or parent.pk in folder_descendant_ids(folder):
            raise ServiceError(
                _("A folder cannot be moved into itself or into a folder inside it."),
                code="invalid",
            )
    siblings = Folder.objects.filter(group_id=folder.group_id, parent=parent, name=name)
    if siblings.exclude(pk=folder.pk).exists():
        raise ServiceError(_("A folder with this name is already here."), code="invalid")
    folder.name = name
    folder.parent = parent
    folder.save(update_fields=["name", "parent"])
    return folder


@transaction.atomic
def folder_delete(*, actor: User, folder: Folder) -> None:
    """Delete an empty folder. One that holds folders or documents is refused: nothing in
    the library disappears with a folder. Documents of the folder that are in the trash
    come back, if restored, to the main folder."""
    if (
        Folder.objects.filter(parent=folder).exists()
        or Document.objects.alive().filter(folder=folder).exists()
    ):
        raise ServiceError(
            _("Only an empty folder can be deleted. Move or delete what is in it first."),
            code="not_empty",
        )
    folder.delete()


# --- Files sent in chunks: upload sessions ------------------------------------------------

UPLOAD_SESSION_HOURS = 24
UPLOAD_SESSIONS_PER_USER = 5


def upload_session_start(*, actor: User, group: Group, name: str, size: int) -> UploadSession:
    """A new upload session for a file of `size` bytes called `name`, to be sent in chunks
    of `chunk_size` bytes. A file over the limit or empty is refused before any byte is
    sent. A person keeps at most UPLOAD_SESSIONS_PER_USER sessions: starting another ends
    their oldest."""
    _check_size(size)
    for old in UploadSession.objects.filter(created_by=actor).order_by("-updated_at")[
        UPLOAD_SESSIONS_PER_USER - 1 :
    ]:
        upload_session_discard(session=old)
    key = files.storage_key(group.pk)
    try:
        s3_upload_id = uploads.staging_start(key)
    except Exception as error:
        raise _storage_failed(error) from error
    return UploadSession.objects.create(
        group=group,
        created_by=actor,
        name=name.strip()[:255] or "document",
        size=size,
        chunk_size=settings.UPLOAD_CHUNK_BYTES,
        storage_key=key,
        s3_upload_id=s3_upload_id,
    )


class Readable(Protocol):
    """What a chunk is read from: the request itself, its body unread."""

    def read(self, size: int, /) -> bytes: ...


def _read_blocks(body: Readable, length: int) -> Iterator[bytes]:
    left = length
    while left:
        block = body.read(min(uploads.BLOCK, left))
        if not block:
            raise ServiceError(_("Part of the file did not arrive; send it again."), code="chunk")
        left -= len(block)
        yield block


def _own(actor: User, session: UploadSession) -> None:
    if session.created_by_id != actor.pk:
        raise ServiceError(_("This upload belongs to someone else."), code="invalid")


def upload_session_append(
    *, actor: User, session: UploadSession, offset: int, length: int, body: Readable
) -> UploadSession:
    """Write the next chunk of the actor's session, `length` bytes read from `body`, at
    `offset`.

    Every chunk but the last is exactly `chunk_size` bytes. Refused with a ServiceError,
    nothing written: `offset` not where the session stands (code "offset": the client
    resumes from `received`), a chunk of the wrong length ("chunk") or past the declared
    size ("too_large"); and when the first chunk shows a type the library refuses
    ("rejected"), which also ends the session. A chunk sent twice at the same offset
    (a retry whose answer was lost) is written once: the second is told the new offset.
    """
    _own(actor, session)
    if offset != session.received:
        raise ServiceError(
            _("The upload stands at byte %(received)d, not %(offset)d.")
            % {"received": session.received, "offset": offset},
            code="offset",
        )
    if offset + length > session.size:
        raise ServiceError(_("The chunk goes past the end of the file."), code="too_large")
    if length != min(session.chunk_size, session.size - offset):
        raise ServiceError(
            _("Each part of the file must be %(size)d bytes long, the last one the rest.")
            % {"size": session.chunk_size},
            code="chunk",
        )
    blocks = _read_blocks(body, length)
    if offset == 0:
        head = next(blocks)
        # The type is known from the first bytes, except for ZIP-based files, whose
        # directory is at the end: those are checked when the session is finished.
        if not head.startswith(b"PK\x03\x04"):
            try:
                files.sniff(SimpleUploadedFile(session.name, head[:8192]))
            except files.RejectedFile as rejected:
                upload_session_discard(session=session)
                raise ServiceError(str(REJECTIONS[str(rejected)]), code="rejected") from None
        blocks = itertools.chain([head], blocks)
    try:
        part = uploads.staging_write(
            key=session.storage_key,
            s3_upload_id=session.s3_upload_id,
            part_number=offset // session.chunk_size + 1,
            offset=offset,
            blocks=blocks,
        )
    except ServiceError:
        raise
    except Exception as error:
        raise _storage_failed(error) from error
    parts = [*session.s3_parts, part] if part else session.s3_parts
    now = timezone.now()
    moved = UploadSession.objects.filter(pk=session.pk, received=offset).update(
        received=offset + length, s3_parts=parts, updated_at=now
    )
    if not moved:  # the same chunk, sent twice at once, was taken by the other request
        session.refresh_from_db()
        raise ServiceError(
            _("The upload stands at byte %(received)d, not %(offset)d.")
            % {"received": session.received, "offset": offset},
            code="offset",
        )
    session.received, session.s3_parts, session.updated_at = offset + length, parts, now
    return session


@contextlib.contextmanager
def upload_session_file(*, actor: User, session: UploadSession) -> Iterator[UploadedFile]:
    """The whole file of the actor's complete session, to give document_upload or
    version_upload as their upload: they check, store, version and index it exactly like
    a file sent in one request. The session ends with the block, whatever happens inside:
    its staged bytes are removed (with S3, the assembled object too unless a version now
    points at it). An incomplete session raises ServiceError "incomplete" and stays."""
    _own(actor, session)
    if session.received != session.size:
        raise ServiceError(
            _("The file has not arrived completely; the upload can be resumed."),
            code="incomplete",
        )
    try:
        try:
            staged = uploads.staging_assemble(
                key=session.storage_key,
                name=session.name,
                s3_upload_id=session.s3_upload_id,
                s3_parts=session.s3_parts,
            )
        except Exception as error:
            raise _storage_failed(error) from error
        with staged:
            if staged.size != session.size:
                raise _storage_failed(OSError(f"staged {staged.size} of {session.size} bytes"))
            yield staged
    finally:
        upload_session_discard(session=session)


def upload_session_discard(*, session: UploadSession) -> None:
    """End a session and remove what it staged. If the storage cannot be reached now,
    the purge removes local leftovers later and the bucket's lifecycle rule aborts
    forgotten multipart uploads (docs/deploy.md)."""
    keep = DocumentVersion.objects.filter(storage_key=session.storage_key).exists()
    try:
        uploads.staging_discard(
            key=session.storage_key, s3_upload_id=session.s3_upload_id, keep_object=keep
        )
    except Exception:
        logger.warning("could not remove the staged file of upload %s", session.pk, exc_info=True)
    session.delete()


def upload_session_purge() -> int:
    """End the sessions that received nothing for UPLOAD_SESSION_HOURS, and remove
    staging files that outlived their session."""
    cutoff = timezone.now() - dt.timedelta(hours=UPLOAD_SESSION_HOURS)
    purged = 0
    for session in UploadSession.objects.filter(updated_at__lt=cutoff):
        upload_session_discard(session=session)
        purged += 1
    uploads.staging_sweep(
        older_than=cutoff,
        keep=set(UploadSession.objects.values_list("storage_key", flat=True)),
    )
    return purged
