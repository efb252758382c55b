"""A thread downloaded as PDF or DOCX: what every member can read, in the reader's
language and time zone, with Polish and Ukrainian letters drawn by the project's font."""

import datetime as dt
import io

import docx
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import Message, Role


def export_url(group, thread, file_format):
    return reverse(
        "groups:thread-export",
        kwargs={"slug": group.slug, "thread_id": thread.pk, "file_format": file_format},
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def thread(group, facilitator, member):
    """A thread with one visible message in Polish and one in Ukrainian, and a hidden,
    a held and a deleted one."""
    thread, _first = services.thread_create(
        actor=facilitator,
        group=group,
        title="Zażółć gęślą jaźń — модернізація шкіл",
        body="Zażółć gęślą jaźń: ąęłóśźż",
        client_id="c-1",
    )
    services.message_send(
        actor=member, thread=thread, body="Добрий день, громадо! Ґанок, їжак, є", client_id="c-2"
    )
    hidden, _ = services.message_send(
        actor=member, thread=thread, body="Ukryta treść do usunięcia", client_id="c-3"
    )
    services.message_hide(actor=facilitator, message=hidden, reason="spam")
    held, _ = services.message_send(
        actor=member, thread=thread, body="Czekająca treść na przegląd", client_id="c-4"
    )
    Message.objects.filter(pk=held.pk).update(held_at=timezone.now())
    deleted, _ = services.message_send(
        actor=member, thread=thread, body="Skasowana treść autora", client_id="c-5"
    )
    services.message_delete(actor=member, message=deleted)
    return thread


GONE = ["Ukryta treść", "Czekająca treść", "Skasowana treść"]


def test_the_pdf_holds_the_visible_messages_with_polish_and_ukrainian_letters(
    login, group, thread, member
):
    response = login(member).get(export_url(group, thread, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"-{thread.pk}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "ąęłóśźż" in text
    assert "Добрий день, громадо! Ґанок, їжак, є" in text
    assert "GWD miejska" in text
    assert "Marek Kowalski" in text and "Urząd Miasta Kielce" in text
    for gone in GONE:
        assert gone not in text


def test_the_pdf_embeds_the_projects_own_font(login, group, thread, member):
    reader = pypdf.PdfReader(
        io.BytesIO(login(member).get(export_url(group, thread, "pdf")).content)
    )
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # The @font-face family of the vendored DejaVu Sans, not a font of this machine.
    assert fonts and all("GWD-Sans" in name for name in fonts), fonts


def test_the_docx_holds_the_visible_messages_and_a_placeholder_for_the_deleted_one(
    login, group, thread, member
):
    response = login(member).get(export_url(group, thread, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert f"-{thread.pk}.docx" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "Zażółć gęślą jaźń: ąęłóśźż" in text
    assert "Добрий день, громадо!" in text
    for gone in GONE:
        assert gone not in text
    # A placeholder in the catalogue's Polish stands where the deleted message was.
    assert "Wiadomość została usunięta." in text


def test_a_moderator_exports_without_the_hidden_and_held_text_too(
    login, group, thread, facilitator
):
    text = docx_text(login(facilitator).get(export_url(group, thread, "docx")).content)
    for gone in GONE:
        assert gone not in text


def test_an_observer_who_reads_the_thread_may_export_it(login, group, thread, observer):
    assert login(observer).get(export_url(group, thread, "docx")).status_code == 200


def test_an_outsider_gets_404(login, group, thread, outsider):
    assert login(outsider).get(export_url(group, thread, "pdf")).status_code == 404


def test_a_thread_of_another_group_is_not_found(login, other_group, group, thread, member_factory):
    stranger = member_factory(other_group, Role.FACILITATOR, email="f@ppp.gwd.test")
    assert login(stranger).get(export_url(other_group, thread, "pdf")).status_code == 404


@pytest.mark.parametrize("file_format", ["xls", "PDF", "pdf.exe", "", "%00"])
def test_an_unknown_format_is_not_found(login, group, thread, member, file_format):
    url = f"/groups/{group.slug}/threads/{thread.pk}/export.{file_format}"
    assert login(member).get(url).status_code == 404


def test_the_reader_gets_their_language_and_time_zone(login, group, thread, user_factory):
    reader = user_factory(email="reader@zhytomyr.gwd.test", language="uk", time_zone="Europe/Kyiv")
    group.memberships.create(user=reader, role=Role.MEMBER)
    first = thread.messages.order_by("seq").first()
    first.created_at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    first.save(update_fields=["created_at"])

    text = docx_text(login(reader).get(export_url(group, thread, "docx")).content)

    assert "11:30" in text  # 9:30 UTC is 11:30 in Kyiv
    assert "березня" in text  # the month in Ukrainian


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_the_statement_count_does_not_grow_with_the_messages(
    login, group, thread, facilitator, file_format
):
    client = login(facilitator)

    def statements() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(group, thread, file_format)).status_code == 200
        return len(queries)

    few = statements()
    last = thread.messages.order_by("-seq").first().seq
    Message.objects.bulk_create(
        Message(
            thread=thread,
            group=group,
            author=facilitator,
            body=f"Wiadomość {n}",
            html=f"<p>Wiadomość {n}</p>",
            client_id=f"bulk-{n}",
            seq=last + n,
        )
        for n in range(1, 301)
    )
    assert statements() == few


def test_a_long_thread_s_pdf_holds_its_first_messages_and_says_so(
    login, group, thread, member, monkeypatch
):
    monkeypatch.setattr("groups.exports.PDF_MESSAGE_LIMIT", 1)

    pdf = pdf_text(login(member).get(export_url(group, thread, "pdf")).content)
    text = docx_text(login(member).get(export_url(group, thread, "docx")).content)

    assert "ąęłóśźż" in pdf and "Добрий день" not in pdf
    assert "ąęłóśźż" in text and "Добрий день" in text  # the Word document holds them all
