"""Reading the text inside uploaded files: the worst files a member could upload are read
in bounded memory and time, stop at a limit with the text found so far, and are read by
the task worker after the upload, not inside it."""

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from resources import files
from resources.models import Document
from tests.resources.test_library import (  # noqa: F401 — fixtures and makers shared
    make_docx,
    make_pdf,
    private_files,
    url,
)

# Every file is stored on a private local disk, as in the embedded setup.
pytestmark = pytest.mark.usefixtures("private_files")

MB = 1024 * 1024
W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'


def repeat(piece: bytes, times: int, block: int = 4096) -> Iterable[bytes]:
    """`piece` `times` times over, in blocks: a large member without a large bytes object."""
    full, rest = divmod(times, block)
    for _ in range(full):
        yield piece * block
    yield piece * rest


def archive(members: dict[str, bytes | Iterable[bytes]]) -> bytes:
    """A ZIP at deflate level 9, members written block by block."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for name, content in members.items():
            with zipped.open(name, "w") as member:
                for block in [content] if isinstance(content, bytes) else content:
                    member.write(block)
    return out.getvalue()


def docx(*document_xml: bytes | Iterable[bytes]) -> bytes:
    def body():
        for part in document_xml:
            yield from [part] if isinstance(part, bytes) else part

    return archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": body()})


def stored(content: bytes) -> str:
    return default_storage.save("groups/1/test", io.BytesIO(content))


def peak_mb(work: Callable[[], object]) -> tuple[object, float]:
    """What `work` returns and the most memory it held at once, in MB."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


# --- Archives of XML: DOCX, ODT -----------------------------------------------------------


def test_an_element_bomb_is_read_in_bounded_memory_up_to_the_markup_limit():
    # The file: 10 KB that inflate to 10 MB of empty elements, which took 117 MB.
    bomb = docx(b"<d><t></t>", repeat(b"<a/>", 2_500_000), b"</d>")
    assert len(bomb) < 12 * 1024
    key = stored(bomb)
    result, peak = peak_mb(lambda: files.extract_text(key, files.DOCX))
    assert peak < 20
    assert (result.text, result.stopped) == ("", "markup")


def test_inflated_bytes_are_counted_and_stop_at_the_size_limit():
    # Comments hold no text and few tags: only the count of inflated bytes stops them.
    comment = b"<!--" + b"c" * 60_000 + b"-->"
    key = stored(docx(W, b"<w:t>Umowa</w:t>", repeat(comment, 600, block=16), b"</w:document>"))
    result, peak = peak_mb(lambda: files.extract_text(key, files.DOCX))
    assert peak < 20
    assert (result.text, result.stopped) == ("Umowa", "size")


def test_one_huge_attribute_stops_at_the_token_limit():
    # The parser holds a tag whole, attributes and all, several times over.
    key = stored(docx(W, b"<w:t>Umowa</w:t><a b='", repeat(b"x", 50 * MB), b"'/></w:document>"))
    result, peak = peak_mb(lambda: files.extract_text(key, files.DOCX))
    assert peak < 20
    assert (result.text, result.stopped) == ("Umowa", "token")


def test_the_text_kept_is_bounded():
    key = stored(docx(W, b"<w:t>", repeat("słowo ".encode(), 100_000), b"</w:t></w:document>"))
    result, peak = peak_mb(lambda: files.extract_text(key, files.DOCX))
    assert peak < 20
    assert result.stopped == "text"
    assert len(result.text) <= files.TEXT_LIMIT and result.text.startswith("słowo słowo")


def test_runs_and_paragraphs_are_read_as_words():
    key = stored(make_docx("Wzór</w:t></w:r><w:r><w:t>umowy</w:t></w:r></w:p><w:p><w:r><w:t>ESCO"))
    assert files.extract_text(key, files.DOCX) == files.Extracted(text="Wzór umowy ESCO")


def declare_size(content: bytes, name: str, size: int) -> bytes:
    """The archive with `name` declared `size` bytes long, in its local header and in the
    central directory alike, whatever it really inflates to."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as zipped:
        local = zipped.getinfo(name).header_offset
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + int.from_bytes(data[at + 28 : at + 30], "little")] != (
        name.encode()
    ):
        at = data.find(b"PK\x01\x02", at + 1)
    data[at + 24 : at + 28] = size.to_bytes(4, "little")
    return bytes(data)


def test_a_member_that_inflates_past_its_declared_size_is_not_read_past_it():
    xml = docx(W, b"<w:t>Umowa</w:t>", repeat(b"<w:t>x</w:t>", 2_000_000), b"</w:document>")
    key = stored(declare_size(xml, "word/document.xml", 200))
    result, peak = peak_mb(lambda: files.extract_text(key, files.DOCX))
    assert peak < 20
    assert result.stopped == "damaged" and len(result.text) < 200


def test_a_member_declared_larger_than_it_is_is_read_to_its_real_end():
    key = stored(declare_size(make_docx("Umowa ESCO"), "word/document.xml", 4_000_000_000))
    result = files.extract_text(key, files.DOCX)
    assert result.text == "Umowa ESCO"


def test_an_odt_is_read_the_same_way():
    mimetype = files.ODT.encode()
    content = [b"<d>", *repeat(b"<a/>", 2_500_000), b"</d>"]
    bomb = archive({"mimetype": mimetype, "content.xml": content})
    key = stored(bomb)
    result, peak = peak_mb(lambda: files.extract_text(key, files.ODT))
    assert peak < 20
    assert (result.text, result.stopped) == ("", "markup")


def test_entities_are_refused():
    laughs = b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>'
    key = stored(docx(laughs))
    assert files.extract_text(key, files.DOCX) == files.Extracted(text="", stopped="damaged")


def test_plain_text_is_bounded_and_not_garbled_where_the_read_ends(monkeypatch):
    monkeypatch.setattr(files, "TEXT_LIMIT", 10)
    key = stored("Umowa Łódź, Żółć źdźbło".encode())  # the 20th byte is inside "ł"
    assert files.extract_text(key, files.TXT) == files.Extracted("Umowa Łódź", stopped="text")


# --- Recognising an archive ------------------------------------------------------------------


def test_the_mimetype_member_is_read_a_few_bytes_at_most():
    # An honest member of 64 MB that deflates to 64 KB, which the check read whole.
    odt = archive({"mimetype": [files.ODT.encode(), *repeat(b" ", 64 * MB)]})
    upload = SimpleUploadedFile("plan.odt", odt)
    kind, peak = peak_mb(lambda: files.sniff(upload))
    assert peak < 5
    assert kind == files.ODT


def test_an_archive_with_a_huge_list_of_files_is_not_read_through():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        zipped.writestr("word/document.xml", "<d/>")
        for n in range(60_000):
            zipped.writestr(zipfile.ZipInfo(f"{n:x}"), b"")
    upload = SimpleUploadedFile("archiwum.docx", out.getvalue())
    kind, peak = peak_mb(lambda: files.sniff(upload))
    assert peak < 5
    assert kind == files.ZIP  # kept as a plain archive, neither opened nor read for text


@pytest.mark.parametrize(
    "damage",
    [
        lambda z: z[:-10],  # the directory cut short
        lambda z: z.replace(b"PK\x01\x02", b"PK\x01\x03"),  # no directory entries
        lambda z: z.replace(b"PK\x05\x06", b"PK\x05\x06\xff\xff"),  # a directory elsewhere
    ],
)
def test_a_damaged_archive_is_refused_and_no_error_escapes(damage):
    upload = SimpleUploadedFile("umowa.docx", damage(make_docx("Umowa")))
    with pytest.raises(files.RejectedFile):
        files.sniff(upload)


def test_an_encrypted_mimetype_does_not_break_the_check():
    content = bytearray(archive({"mimetype": files.ODT.encode(), "content.xml": b"<d/>"}))
    content[6] |= 1  # the local header's "encrypted" flag
    at = content.find(b"PK\x01\x02")
    content[at + 8] |= 1  # and the directory's
    upload = SimpleUploadedFile("plan.odt", bytes(content))
    assert files.sniff(upload) == files.ZIP


# --- PDF --------------------------------------------------------------------------------------


def make_pages(*texts: str, extra: bytes = b"") -> bytes:
    """A valid PDF with one page per text (ASCII); `extra`: one more page's raw content
    stream object, dictionary and data."""
    contents = [
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(s), s)
        for s in (f"BT /F1 12 Tf 72 712 Td ({t}) Tj ET".encode() for t in texts)
    ]
    if extra:
        contents.append(extra)
    count = len(contents)
    font = 3 + 2 * count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (3 + 2 * n) for n in range(count)), count),
    ]
    for n, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * n, font)
        )
        objects.append(content)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_a_pdf_is_read_page_by_page():
    key = stored(make_pages("Umowa ESCO", "Aneks numer jeden"))
    result = files.extract_text(key, files.PDF)
    assert result == files.Extracted(text="Umowa ESCO\nAneks numer jeden")


def test_a_pdf_stops_at_the_page_limit(monkeypatch):
    monkeypatch.setattr(files, "PDF_PAGE_LIMIT", 2)
    key = stored(make_pages("jeden", "dwa", "trzy"))
    assert files.extract_text(key, files.PDF) == files.Extracted("jeden\ndwa", stopped="pages")


def test_a_pdf_stops_when_its_time_is_up(monkeypatch):
    monkeypatch.setattr(files, "EXTRACT_SECONDS", 0)
    key = stored(make_pages("jeden", "dwa", "trzy"))
    assert files.extract_text(key, files.PDF) == files.Extracted("jeden", stopped="time")


def test_the_text_of_a_pdf_is_bounded_page_by_page(monkeypatch):
    monkeypatch.setattr(files, "TEXT_LIMIT", 12)
    key = stored(make_pages("Umowa o poprawe efektywnosci", "dwa"))
    assert files.extract_text(key, files.PDF) == files.Extracted("Umowa o popr", stopped="text")


def test_a_page_whose_content_inflates_hugely_is_skipped_in_bounded_memory():
    import zlib

    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(b" " * MB) for _ in range(70)) + packer.flush()
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    key = stored(make_pages("Umowa ESCO", extra=bomb))
    result, peak = peak_mb(lambda: files.extract_text(key, files.PDF))
    assert result.text.startswith("Umowa ESCO")
    assert peak < 40


# --- After the upload, in the worker -----------------------------------------------------------


def test_the_text_is_read_by_the_worker_after_the_upload_not_inside_it(
    client, login, member, group, django_capture_on_commit_callbacks, run_tasks
):
    login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("document-upload", group),
            {
                "file": SimpleUploadedFile("umowa.pdf", make_pdf("Umowa termomodernizacji")),
                "title": "Umowa",
                "language": "pl",
            },
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_text == ""  # the upload answered before any text was read
    assert DBTaskResult.objects.filter(task_path="resources.tasks.extract_text").count() == 1
    run_tasks()
    document.refresh_from_db()
    assert "termomodernizacji" in document.content_text
    assert "termomodernizacji" in document.search_text


def test_a_file_whose_reading_stops_at_a_limit_is_kept_with_the_text_found(
    client, login, member, group, django_capture_on_commit_callbacks, run_tasks
):
    bomb = docx(W, b"<w:t>Umowa</w:t>", repeat(b"<a/>", 2_500_000), b"</w:document>")
    login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("document-upload", group),
            {"file": SimpleUploadedFile("umowa.docx", bomb), "title": "Wzór", "language": "pl"},
        )
    assert response.status_code == 302
    run_tasks()
    document = Document.objects.get()
    assert document.current_version.content_type == files.DOCX
    assert document.content_text == "Umowa"
