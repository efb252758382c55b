"""Files of the library: what a file really is, safe names, storage keys, text inside.

The type is decided by the bytes, never by the name: a page of HTML called .pdf is
HTML. Files move in chunks; nothing here reads a whole upload into memory.
"""

import codecs
import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

CHUNK = 64 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
TXT = "text/plain"
CSV = "text/csv"

ALLOWED = {PDF, DOCX, XLSX, PPTX, ODT, ODS, ZIP, PNG, JPEG, TXT, CSV}
# Text that a browser would run or render as a page is not a document.
ACTIVE_TEXT = re.compile(
    rb"<\s*(html|script|svg|iframe|object|embed|body|head|meta|!doctype|\?xml)\b", re.I
)


class RejectedFile(Exception):
    """The file is not one the library accepts; the message says why."""


def sniff(upload: UploadedFile) -> str:
    """The content type of the file, from its bytes; RejectedFile if not allowed."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    if _is_text(head):
        if ACTIVE_TEXT.search(head):
            raise RejectedFile("html")
        return CSV if upload.name.lower().endswith(".csv") else TXT
    raise RejectedFile("type")


def _sniff_zip(upload: UploadedFile) -> str:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in (ODT, ODS):
                    return mimetype
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "ppt/presentation.xml" in names:
                return PPTX
            return ZIP
    except zipfile.BadZipFile:
        raise RejectedFile("type") from None
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    """Plain text in UTF-8 or Windows-1250, without the control bytes of binary data."""
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
        return False
    try:
        # The sample may end inside a multi-byte character: decode without finishing.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return True
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1250")
        return True
    except UnicodeDecodeError:
        return False


EXTENSIONS = {
    PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx", ODT: ".odt", ODS: ".ods",
    ZIP: ".zip", PNG: ".png", JPEG: ".jpg", TXT: ".txt", CSV: ".csv",
}  # fmt: skip


def clean_name(name: str, content_type: str) -> str:
    """A name safe to show and to send back in Content-Disposition: no path, no control
    characters, at most 200 characters, ending in an extension that fits the content."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    expected = EXTENSIONS[content_type]
    if f".{extension.lower()}" not in (expected, ".jpeg" if content_type == JPEG else expected):
        stem, extension = name, expected.lstrip(".")
    stem = stem[: 200 - len(extension) - 1].strip() or "document"
    return f"{stem}.{extension}"


def storage_key(group_id: int) -> str:
    """Where a file is stored: the group and a random id, never the uploaded name."""
    return f"groups/{group_id}/{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


def store(upload: UploadedFile, *, group_id: int) -> Stored:
    """Save the upload under a new key, hashing it on the way, chunk by chunk."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    key = default_storage.save(storage_key(group_id), upload)
    return Stored(key=key, size=upload.size, sha256=digest.hexdigest())


def copy(key: str, *, group_id: int) -> str:
    """A copy of a stored file under a new key (an adapted template gets its own file)."""
    with default_storage.open(key, "rb") as source:
        return default_storage.save(storage_key(group_id), source)


def fold(text: str) -> str:
    """Lower case without diacritics, so "Łódź", "lodz" and "ŁÓDŹ" meet; Cyrillic stays
    Cyrillic (й and ї keep their identity: only combining marks of Latin go)."""
    text = text.casefold().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


TEXT_LIMIT = 200_000


def extract_text(key: str, content_type: str) -> str:
    """The text inside a PDF, DOCX, ODT or plain-text file (at most TEXT_LIMIT chars)."""
    with default_storage.open(key, "rb") as stored:
        if content_type == PDF:
            return _pdf_text(stored)
        if content_type in (DOCX, ODT):
            inner = "word/document.xml" if content_type == DOCX else "content.xml"
            with zipfile.ZipFile(stored) as archive, archive.open(inner) as xml:
                return _xml_text(xml)
        if content_type in (TXT, CSV):
            raw = stored.read(TEXT_LIMIT * 2)
            try:
                return raw.decode("utf-8")[:TEXT_LIMIT]
            except UnicodeDecodeError:
                return raw.decode("cp1250", "replace")[:TEXT_LIMIT]
    return ""


# The largest single read pypdf may make. It reads an object whole (a page's image
# too), and rebuilds a damaged cross-reference table by reading the entire file at once:
# a large damaged PDF is found by its title instead of taking its size in memory.
PDF_READ_LIMIT = 32 * 1024 * 1024


class _BoundedReads:
    """A seekable file whose single reads may not exceed PDF_READ_LIMIT."""

    def __init__(self, stored):
        self._stored = stored

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > PDF_READ_LIMIT:
            raise ValueError("refused to read this much of a PDF at once")
        return self._stored.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stored.seek(offset, whence)

    def tell(self) -> int:
        return self._stored.tell()


def _pdf_text(stored) -> str:
    from pypdf import PdfReader

    if not stored.seekable():
        return ""
    reader = PdfReader(_BoundedReads(stored))
    parts, length = [], 0
    for page in reader.pages:
        try:
            text = page.extract_text() or ""
        except Exception:  # one unreadable page (too large, damaged) leaves the others
            text = ""
        # pypdf keeps every object it has read (a scan's images) until the reader goes:
        # let each page's go before the next.
        reader.resolved_objects.clear()
        parts.append(text)
        length += len(text)
        if length > TEXT_LIMIT:
            break
    return "\n".join(parts)[:TEXT_LIMIT]


def _xml_text(xml) -> str:
    parts, length = [], 0
    # defusedxml: a document may carry entity bombs or external entities; refuse them.
    for _event, element in ElementTree.iterparse(xml, events=("end",)):
        if element.text:
            parts.append(element.text)
            length += len(element.text)
        if element.tail and element.tail.strip():
            parts.append(element.tail)
        element.clear()
        if length > TEXT_LIMIT:
            break
    return " ".join(parts)[:TEXT_LIMIT]
