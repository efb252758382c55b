"""Files of the library: what a file really is, safe names, storage keys, text inside.

The type is decided by the bytes, never by the name: a page of HTML called .pdf is
HTML. Files move in chunks; nothing here reads a whole upload into memory.
"""

import codecs
import hashlib
import io
import re
import struct
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from defusedxml import DefusedXmlException, ElementTree
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
        assert upload.name is not None  # forms.FileField refuses a file without a name
        return CSV if upload.name.lower().endswith(".csv") else TXT
    raise RejectedFile("type")


# What a damaged or hostile archive raises while it is listed or read.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError)
# A member that cannot be read at all: encrypted, or compressed in a way zipfile lacks.
ZIP_UNREADABLE = (RuntimeError, NotImplementedError)

# The largest list of files (central directory) an archive may have for GWD to open it:
# zipfile keeps an object of about 500 bytes per file, so a 40 MB archive of 500,000
# empty files took over 250 MB and 20 s only to be listed. A megabyte lists over 10,000.
ZIP_DIRECTORY_LIMIT = 1024 * 1024
_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")


def _sniff_zip(upload: UploadedFile) -> str:
    try:
        archive = open_zip(upload)
        if archive is None:
            return ZIP  # too many files to list: kept as a plain archive, never opened
        with archive:
            names = set(archive.namelist())
            mimetype = _zip_head(archive, "mimetype") if "mimetype" in names else ""
            if mimetype in (ODT, ODS):
                return mimetype
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "ppt/presentation.xml" in names:
                return PPTX
            return ZIP
    except ZIP_ERRORS:
        raise RejectedFile("type") from None
    finally:
        upload.seek(0)


def open_zip(stored) -> zipfile.ZipFile | None:
    """The archive in `stored`, or None when its list of files is too large to read.

    The size of the list is read from the archive's last record before zipfile reads
    the list itself. An archive that needs ZIP64 records (over 65,535 files, or 4 GB)
    counts as too large: none within the upload limit needs them. A list too large to
    read is still checked to begin where the last record says. Damage raises ZIP_ERRORS."""
    stored.seek(0, io.SEEK_END)
    size = stored.tell()
    tail_size = min(size, _END_OF_DIRECTORY.size + 0xFFFF)  # the record and its comment
    stored.seek(size - tail_size)
    tail = stored.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END_OF_DIRECTORY.size:
        stored.seek(0)
        return zipfile.ZipFile(stored)  # no last record: zipfile says what is wrong
    *_, entries, directory_size, directory_offset, _ = _END_OF_DIRECTORY.unpack_from(tail, at)
    record = size - tail_size + at
    if entries == 0xFFFF or 0xFFFFFFFF in (directory_size, directory_offset):
        stored.seek(max(0, record - 20))
        valid = stored.read(4) == b"PK\x06\x07"  # the ZIP64 locator comes just before
    elif directory_size > ZIP_DIRECTORY_LIMIT:
        stored.seek(directory_offset)
        valid = directory_offset + directory_size <= record and stored.read(4) == b"PK\x01\x02"
    else:
        stored.seek(0)
        return zipfile.ZipFile(stored)
    stored.seek(0)
    if not valid:
        raise zipfile.BadZipFile("the last record points to no list of files")
    return None


def _zip_head(archive: zipfile.ZipFile, name: str) -> str:
    """At most the first 100 bytes of a member (ODF's `mimetype`), as text, whatever size
    it declares; "" if it cannot be read."""
    try:
        with archive.open(name) as member:
            return member.read(100).decode("ascii", "replace").strip()
    except ZIP_UNREADABLE:
        return ""


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


def clean_name(name: str | None, content_type: str) -> str:
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


def sha256(upload: UploadedFile) -> str:
    """The SHA-256 of the upload's content, read chunk by chunk."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store(upload: UploadedFile, *, group_id: int) -> Stored:
    """Save the upload under a new key, hashing it on the way, chunk by chunk."""
    digest = sha256(upload)
    key = default_storage.save(storage_key(group_id), upload)
    assert upload.size is not None  # an uploaded file is measured as it arrives
    return Stored(key=key, size=upload.size, sha256=digest)


def copy(key: str, *, group_id: int) -> str:
    """A copy of a stored file under a new key (an adapted template gets its own file)."""
    with default_storage.open(key, "rb") as source:
        return default_storage.save(storage_key(group_id), source)


def fold(text: str) -> str:
    """Lower case without diacritics, so "Łódź", "lodz" and "ŁÓDŹ" meet; Cyrillic stays
    Cyrillic (й and ї keep their identity: only combining marks of Latin go)."""
    text = text.casefold().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


# --- The text inside a file ---------------------------------------------------------------
#
# Any member may upload a file, so reading its text is written for the worst of them: a
# DOCX of 10 KB that inflates to millions of empty elements (it took 117 MB, and 2.2 GB
# from 100 KB), one attribute of 50 MB, a PDF of a thousand pages or with a page that
# inflates to 70 MB. Everything is read in blocks and counted, and reading stops at the
# first limit, keeping the text found until then: the file itself is stored either way.

TEXT_LIMIT = 200_000  # characters kept for search
EXTRACT_SECONDS = 30  # reading one file stops after this long (checked between blocks/pages)
XML_BYTES_LIMIT = 32 * 1024 * 1024  # inflated bytes of XML read from one file
XML_MARKUP_LIMIT = 1_000_000  # tags ("<") read from one file
# The longest stretch without a "<": one tag with its attributes, or one text. The parser
# keeps a tag whole, about four times over, until it ends; a text over a megabyte is no
# text anyone searches.
XML_TOKEN_LIMIT = 1024 * 1024
PDF_PAGE_LIMIT = 1000
# The largest stream pypdf may inflate (its own default is 75 MB) and the most it may
# parse of one page's content.
PDF_STREAM_LIMIT = 16 * 1024 * 1024
PDF_OPERATIONS_LIMIT = 500_000


@dataclass(frozen=True)
class Extracted:
    text: str
    # Why reading stopped before the end: "text", "markup", "size", "token", "pages",
    # "time" (a limit was reached) or "damaged" (the file cannot be read further); "" if
    # it was read whole.
    stopped: str = ""


class _Stop(Exception):
    """Reading stops here; the text found so far stays."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract_text(key: str, content_type: str) -> Extracted:
    """The text inside a stored PDF, DOCX, ODT, XLSX, ODS, PPTX or plain-text file,
    within the limits above."""
    deadline = time.monotonic() + EXTRACT_SECONDS
    with default_storage.open(key, "rb") as stored:
        if content_type == PDF:
            return _pdf_text(stored, deadline)
        if content_type in OFFICE_TEXT:
            return _zip_xml_text(stored, OFFICE_TEXT[content_type], deadline)
        if content_type in (TXT, CSV):
            raw = stored.read(TEXT_LIMIT * 2)
            more = len(raw) == TEXT_LIMIT * 2
            try:
                # The read may end inside a character: only a whole file must end whole.
                text = codecs.getincrementaldecoder("utf-8")().decode(raw, final=not more)
            except UnicodeDecodeError:
                text = raw.decode("cp1250", "replace")
            stopped = "text" if more or len(text) > TEXT_LIMIT else ""
            return Extracted(text[:TEXT_LIMIT], stopped=stopped)
    return Extracted("")


class _Text:
    """Text found so far, at most TEXT_LIMIT characters, a space where an element ends.

    It is the parser's target: given no `start`, the parser builds no element and no
    dictionary of attributes."""

    def __init__(self, limit: int):
        self._limit = limit
        self._buffer = io.StringIO()
        self._length = 0
        self._open = False  # text since the last space

    def data(self, text: str) -> None:
        room = self._limit - self._length
        self._buffer.write(text[:room])
        self._length += min(len(text), room)
        self._open = True
        if self._length >= self._limit:
            raise _Stop("text")

    def end(self, tag: str) -> None:
        if self._open:
            self._buffer.write(" ")
            self._open = False

    def close(self) -> None:
        pass

    def value(self) -> str:
        return " ".join(self._buffer.getvalue().split())


SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")
SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
PART_LIMIT = 1000  # slides or sheets read of one file


def _numbered(pattern: re.Pattern, names: list[str]) -> list[str]:
    """The members named by `pattern` in their order (slide2 before slide10)."""
    numbered = [(int(m.group(1)), name) for name in names if (m := pattern.fullmatch(name))]
    return [name for _number, name in sorted(numbered)][:PART_LIMIT]


def _slides(names: list[str]) -> list[str]:
    return _numbered(SLIDE, names)


def _sheets(names: list[str]) -> list[str]:
    # Texts are shared strings, or written in the cells themselves (openpyxl does so).
    shared = ["xl/sharedStrings.xml"] if "xl/sharedStrings.xml" in names else []
    return shared + _numbered(SHEET, names)


# Where the words of each office format are: a spreadsheet's are in its shared strings
# and sheets (XLSX) or its content (ODS); a presentation's are in its slides.
OFFICE_TEXT: dict[str, Callable[[list[str]], list[str]]] = {
    DOCX: lambda names: ["word/document.xml"],
    ODT: lambda names: ["content.xml"],
    ODS: lambda names: ["content.xml"],
    XLSX: _sheets,
    PPTX: _slides,
}


def _zip_xml_text(stored, members: Callable[[list[str]], list[str]], deadline: float) -> Extracted:
    """The text of the XML members of an archive that `members` picks from its names.

    A member's declared size is not trusted: zipfile stops at it and then checks the
    CRC, so a member that inflates past it ends as "damaged"; the bytes really inflated
    are counted here against XML_BYTES_LIMIT whatever the declaration says, across all
    the members read."""
    text = _Text(TEXT_LIMIT)
    try:
        archive = open_zip(stored)
        if archive is None:
            return Extracted("", stopped="size")
        with archive:
            counts = [0, 0]  # bytes inflated, tags read: for the whole file
            for name in members(archive.namelist()):
                with archive.open(name) as member:
                    _feed_xml(member, text, deadline, counts)
    except _Stop as stop:
        return Extracted(text.value(), stopped=stop.reason)
    except (*ZIP_ERRORS, *ZIP_UNREADABLE, KeyError, ElementTree.ParseError, DefusedXmlException):
        # Damaged, encrypted, not XML, or carrying entity declarations (entity bombs,
        # external entities), which defusedxml refuses.
        return Extracted(text.value(), stopped="damaged")
    return Extracted(text.value())


def _feed_xml(member, text: _Text, deadline: float, counts: list[int]) -> None:
    """Parse `member` block by block into `text`; _Stop at the first limit. `counts`
    holds the bytes inflated and tags read so far in the file, and is added to."""
    parser = ElementTree.DefusedXMLParser(target=text)
    since_tag = 0
    while block := member.read(CHUNK):
        counts[0] += len(block)
        counts[1] += block.count(b"<")
        last = block.rfind(b"<")
        since_tag = since_tag + len(block) if last < 0 else len(block) - last - 1
        if counts[0] > XML_BYTES_LIMIT:
            raise _Stop("size")
        if counts[1] > XML_MARKUP_LIMIT:
            raise _Stop("markup")
        if since_tag > XML_TOKEN_LIMIT:
            raise _Stop("token")
        parser.feed(block)
        if time.monotonic() >= deadline:
            raise _Stop("time")
    parser.close()


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


def _pdf_text(stored, deadline: float) -> Extracted:
    import pypdf

    if not stored.seekable():
        return Extracted("", stopped="damaged")
    limits = {
        name: PDF_STREAM_LIMIT
        for name in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "jbig2_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "zlib_maximum_output_length",
            "brotli_maximum_output_length",
            "image_maximum_buffer_size",
        )
    }
    parts: list[str] = []
    room = TEXT_LIMIT
    stopped = ""
    with pypdf.apply_configuration(
        None,  # the current configuration, with these limits
        **limits,
        stream_decoding_work_maximum_length=4 * PDF_STREAM_LIMIT,
        stream_parsing_work_maximum_count=PDF_OPERATIONS_LIMIT,
    ):
        try:
            # pypdf reads any file-like object (read, seek, tell) but annotates IO.
            reader = pypdf.PdfReader(_BoundedReads(stored))  # type: ignore[arg-type]
            pages = len(reader.pages)
        except Exception:  # pypdf raises many kinds of error for a damaged file
            return Extracted("", stopped="damaged")
        for number in range(pages):
            if number == PDF_PAGE_LIMIT:
                stopped = "pages"
                break
            try:
                text = reader.pages[number].extract_text() or ""
            except Exception:  # one unreadable page (too large, damaged) leaves the others
                text = ""
            # pypdf keeps every object it has read (a scan's images) until the reader
            # goes: let each page's go before the next.
            reader.resolved_objects.clear()
            if len(text) > room:
                parts.append(text[:room])
                stopped = "text"
                break
            parts.append(text)
            room = max(0, room - len(text) - 1)  # and the line break between pages
            if time.monotonic() >= deadline:
                stopped = "time"
                break
    return Extracted("\n".join(parts)[:TEXT_LIMIT], stopped=stopped)
