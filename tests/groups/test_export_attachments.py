"""A thread's PDF and Word document list under each message the files sent with it (name,
type, size) and the library documents linked to it (title), as the thread page shows
them to every member: a hidden or deleted message's files are not there."""

import io

import docx
import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from resources import attachments
from resources import services as library
from resources.models import Document

CONTRACT = b"Projekt umowy ESCO dla szkol."  # 29 bytes


def export_url(thread, file_format):
    return reverse(
        "groups:thread-export",
        kwargs={"slug": thread.group.slug, "thread_id": thread.pk, "file_format": file_format},
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def docx_paragraphs(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


def upload(user, group, name, content=CONTRACT) -> Document:
    return attachments.attachment_upload(
        actor=user, group=group, upload=SimpleUploadedFile(name, content, "text/plain")
    )


@pytest.fixture
def model_contract(facilitator, group):
    return library.document_upload(
        actor=facilitator,
        group=group,
        upload=SimpleUploadedFile("wzor.txt", b"Wzor umowy", "text/plain"),
        title="Wzór umowy ESCO — модель договору",
    )


@pytest.fixture
def thread(group, facilitator, member, model_contract):
    """A message with a file and a linked library document; a hidden and a deleted
    message with files of their own."""
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Termomodernizacja", body="Wzory", client_id="c-1"
    )
    services.message_send(
        actor=member,
        thread=thread,
        body="Projekt w załączniku",
        client_id="c-2",
        uploads=[upload(member, group, "projekt-umowy.txt").pk],
        documents=[model_contract.pk],
    )
    hidden, _ = services.message_send(
        actor=member,
        thread=thread,
        body="Ukryta wiadomość",
        client_id="c-3",
        uploads=[upload(member, group, "ukryty-plik.txt").pk],
    )
    services.message_hide(actor=facilitator, message=hidden, reason="spam")
    deleted, _ = services.message_send(
        actor=member,
        thread=thread,
        body="Skasowana wiadomość",
        client_id="c-4",
        uploads=[upload(member, group, "skasowany-plik.txt").pk],
    )
    services.message_delete(actor=member, message=deleted)
    return thread


GONE = ["ukryty-plik.txt", "skasowany-plik.txt"]


def test_the_pdf_lists_a_messages_file_and_linked_document_under_it(login, member, thread):
    text = pdf_text(login(member).get(export_url(thread, "pdf")).content)

    assert "projekt-umowy.txt · TXT · 29 B" in text
    assert "Wzór umowy ESCO — модель договору · z biblioteki" in text
    # Under its message: after its text.
    assert text.index("Projekt w załączniku") < text.index("projekt-umowy.txt")
    for gone in GONE:
        assert gone not in text


def test_the_docx_lists_a_messages_file_and_linked_document_under_it(login, member, thread):
    paragraphs = docx_paragraphs(login(member).get(export_url(thread, "docx")).content)

    assert "projekt-umowy.txt · TXT · 29 B" in paragraphs
    assert "Wzór umowy ESCO — модель договору · z biblioteki" in paragraphs
    body = paragraphs.index("Projekt w załączniku")
    assert paragraphs.index("projekt-umowy.txt · TXT · 29 B") == body + 2  # after "Załączniki"
    text = "\n".join(paragraphs)
    for gone in GONE:
        assert gone not in text


def test_a_moderator_s_export_leaves_out_the_hidden_message_s_files_too(login, facilitator, thread):
    for file_format in ("pdf", "docx"):
        content = login(facilitator).get(export_url(thread, file_format)).content
        text = pdf_text(content) if file_format == "pdf" else "\n".join(docx_paragraphs(content))
        for gone in GONE:
            assert gone not in text


def test_a_document_gone_from_the_library_is_named_as_gone(
    login, member, facilitator, thread, model_contract
):
    library.document_trash(actor=facilitator, document=model_contract)

    paragraphs = docx_paragraphs(login(member).get(export_url(thread, "docx")).content)

    assert "„Wzór umowy ESCO — модель договору” nie jest już w bibliotece." in paragraphs


def test_the_sizes_and_words_are_in_the_reader_s_language(login, group, thread, user_factory):
    reader = user_factory(email="reader@zhytomyr.gwd.test", language="uk")
    group.memberships.create(user=reader, role="member")

    text = "\n".join(docx_paragraphs(login(reader).get(export_url(thread, "docx")).content))

    assert "projekt-umowy.txt · TXT · 29 Б" in text
    assert "Wzór umowy ESCO — модель договору · з бібліотеки" in text


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_the_statement_count_does_not_grow_with_the_attachments(
    login, group, member, thread, file_format, settings
):
    settings.MESSAGE_RATE = "100/10seconds"
    client = login(member)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(thread, file_format)).status_code == 200
        return len(queries)

    few = statements()
    for n in range(5):
        services.message_send(
            actor=member,
            thread=thread,
            body=f"Plik {n}",
            client_id=f"more-{n}",
            uploads=[upload(member, group, f"plik-{n}.txt").pk],
        )
    assert statements() == few
