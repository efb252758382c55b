"""Uploads: a size limit for files sent in one request, and the staging of files sent in
chunks (upload sessions).

A file sent in chunks waits in a staging file under UPLOAD_STAGING_DIR when documents
are on the local disk, or in an S3 multipart upload aimed at its final key when they are
in S3 (any process, on any host, can then take the next chunk). Once complete it becomes
a StagedFile, which the library's services take like any uploaded file.
"""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from resources import files

if TYPE_CHECKING:
    from storages.backends.s3 import S3Storage

BLOCK = 1024 * 1024


class SizeLimitHandler(FileUploadHandler):
    """Counts the bytes of the files in a request and stops past `limit`; the view asks
    upload_too_large(request) and answers with a clear message."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_too_large(request: HttpRequest) -> bool:
    """Whether a SizeLimitHandler stopped the files of this request (read them first)."""
    return any(isinstance(h, SizeLimitHandler) and h.too_large for h in request.upload_handlers)


class StagedFile(UploadedFile):
    """The whole file of an upload session, as the library's services take an upload.

    It is a file on the local disk: `temporary_file_path` lets the file-system storage
    move it into place instead of copying it. With S3 the bytes are already stored under
    their final key (`stored`), and the local file is a copy for the content checks,
    removed on close."""

    def __init__(self, path: Path, *, name: str, stored: files.Stored | None = None):
        super().__init__(
            path.open("rb"),
            name=name,
            content_type="application/octet-stream",
            size=path.stat().st_size,
        )
        self.path = path
        self.stored = stored

    def temporary_file_path(self) -> str:
        return str(self.path)

    def close(self) -> None:
        super().close()
        if self.stored is not None:
            self.path.unlink(missing_ok=True)


def staging_path(key: str) -> Path:
    """The local staging file of the session whose file will be stored under `key`."""
    return Path(settings.UPLOAD_STAGING_DIR) / f"{key.rsplit('/', 1)[-1]}.part"


def s3_storage() -> "S3Storage":
    """The default storage when S3_BUCKET is set: settings.py makes it django-storages'
    S3Storage then, which mypy cannot see from default_storage."""
    return cast("S3Storage", default_storage)


def _s3_object(key: str):
    # GWD sets no key prefix (location) on its S3 storage: a storage key is the object key.
    return s3_storage().bucket.Object(key)


def staging_start(key: str) -> str:
    """Begin staging a file that will be stored under `key`; the S3 multipart upload's id,
    or "" on the local disk, where the staging file is made with the first chunk."""
    if not settings.S3_BUCKET:
        return ""
    upload = _s3_object(key).initiate_multipart_upload(ContentType="application/octet-stream")
    return upload.id


def staging_write(
    *, key: str, s3_upload_id: str, part_number: int, offset: int, blocks: Iterable[bytes]
) -> list | None:
    """Write a chunk at `offset` of the staged file. With S3 the chunk is part
    `part_number` of the multipart upload, and [part number, ETag] is returned.

    A chunk written again (a retry after a lost answer) replaces what was there."""
    if s3_upload_id:
        # boto3 wants a body it can read twice (checksum, then send): a temporary file,
        # in memory only up to a megabyte.
        with tempfile.SpooledTemporaryFile(max_size=BLOCK) as body:
            length = 0
            for block in blocks:
                body.write(block)
                length += len(block)
            body.seek(0)
            part = _s3_object(key).MultipartUpload(s3_upload_id).Part(part_number)
            answer = part.upload(Body=body, ContentLength=length)
        return [part_number, answer["ETag"]]
    path = staging_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "wb") as target:
        target.seek(offset)
        for block in blocks:
            target.write(block)
    return None


def staging_assemble(*, key: str, name: str, s3_upload_id: str, s3_parts: list) -> StagedFile:
    """The staged file, complete. With S3 the multipart upload is completed into the
    object at `key`, then read back once into a local copy, hashed on the way."""
    if not s3_upload_id:
        return StagedFile(staging_path(key), name=name)
    target = _s3_object(key)
    parts = [{"PartNumber": n, "ETag": etag} for n, etag in sorted(s3_parts)]
    try:
        target.MultipartUpload(s3_upload_id).complete(MultipartUpload={"Parts": parts})
    except target.meta.client.exceptions.NoSuchUpload:
        target.load()  # completed by an earlier attempt: the object must be there
    digest = hashlib.sha256()
    size = 0
    descriptor, copy = tempfile.mkstemp(suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for block in target.get()["Body"].iter_chunks(BLOCK):
                out.write(block)
                digest.update(block)
                size += len(block)
        stored = files.Stored(key=key, size=size, sha256=digest.hexdigest())
        return StagedFile(Path(copy), name=name, stored=stored)
    except BaseException:
        Path(copy).unlink(missing_ok=True)
        raise


def staging_discard(*, key: str, s3_upload_id: str, keep_object: bool) -> None:
    """Remove what a session staged: its local file, or its S3 multipart upload and the
    object completed from it (unless `keep_object`: a version now points at it)."""
    if not s3_upload_id:
        staging_path(key).unlink(missing_ok=True)
        return
    target = _s3_object(key)
    try:
        target.MultipartUpload(s3_upload_id).abort()
    except target.meta.client.exceptions.NoSuchUpload:
        if not keep_object:
            target.delete()


def staging_sweep(*, older_than: datetime, keep: set[str]) -> int:
    """Delete local staging files last written before `older_than` whose key is not in
    `keep` (their session ended without removing them: a crash, a deleted member)."""
    directory = Path(settings.UPLOAD_STAGING_DIR)
    if not directory.is_dir():
        return 0
    kept = {staging_path(key).name for key in keep}
    removed = 0
    for path in directory.glob("*.part"):
        with contextlib.suppress(FileNotFoundError):
            if path.name not in kept and path.stat().st_mtime < older_than.timestamp():
                path.unlink()
                removed += 1
    return removed
