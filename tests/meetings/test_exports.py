"""A meeting downloaded as PDF or DOCX: when (in the reader's zone), where, the agenda,
minutes, decisions, action items and attendance."""

import datetime as dt
import io

import docx
import pypdf
import pytest
from django.urls import reverse

from groups.models import Role
from meetings import services
from meetings.models import Meeting

STARTS = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)


def export_url(group, meeting, file_format):
    return reverse(
        "meetings:meeting-export",
        kwargs={"slug": group.slug, "meeting_id": meeting.pk, "file_format": file_format},
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def meeting(group, facilitator, member):
    meeting = services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Spotkanie o modernizacji szkół — засідання",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=2),
        time_zone="Europe/Warsaw",
        place="Urząd Miasta Kielce, sala 12",
        online_url="https://meet.example.org/gwd",
        agenda=[
            {
                "title": "Audyt energetyczny żłobków",
                "presenter": "Marek Kowalski",
                "duration_minutes": 20,
            },
            {"title": "Енергосервісний договір"},
        ],
    )
    services.registration_set(actor=member, meeting=meeting, status="going")
    services.attendance_mark(actor=facilitator, meeting=meeting, present_user_ids={member.pk})
    services.action_item_add(
        actor=facilitator,
        meeting=meeting,
        description="Przesłać wzór umowy ESCO",
        owner=member,
        due_date=dt.date(2027, 4, 1),
    )
    services.minutes_save(
        actor=facilitator,
        meeting=meeting,
        text="Omówiono **audyt** źródeł ciepła.",
        decisions="Przyjęto harmonogram wymiany oświetlenia.",
        publish=True,
    )
    return meeting


def test_the_pdf_holds_every_part_of_the_meeting(login, group, meeting, observer):
    response = login(observer).get(export_url(group, meeting, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"-{meeting.pk}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for part in [
        "Spotkanie o modernizacji szkół — засідання",
        "GWD miejska",
        "10:00",  # 9:00 UTC in Warsaw, the reader's zone
        "Urząd Miasta Kielce, sala 12",
        "https://meet.example.org/gwd",
        "Audyt energetyczny żłobków",
        "Енергосервісний договір",
        "źródeł ciepła",
        "Przyjęto harmonogram wymiany oświetlenia.",
        "Przesłać wzór umowy ESCO",
        "Anna Nowak",
        "1 kwietnia 2027",
    ]:
        assert part in text, part


def test_the_docx_holds_every_part_of_the_meeting(login, group, meeting, member):
    response = login(member).get(export_url(group, meeting, "docx"))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    text = docx_text(response.content)
    for part in [
        "Spotkanie o modernizacji szkół — засідання",
        "10:00",
        "Urząd Miasta Kielce, sala 12",
        "Audyt energetyczny żłobków — Marek Kowalski (20 min)",
        "Енергосервісний договір",
        "Omówiono **audyt** źródeł ciepła.",
        "Przyjęto harmonogram wymiany oświetlenia.",
        "Przesłać wzór umowy ESCO",
        "Anna Nowak",
    ]:
        assert part in text, part
    attendance = docx.Document(io.BytesIO(response.content)).tables[-1]
    anna = next(row for row in attendance.rows if row.cells[0].text == "Anna Nowak")
    assert anna.cells[3].text  # marked present


def test_a_reader_in_kyiv_reads_the_time_there(login, group, meeting, user_factory):
    reader = user_factory(email="reader@zhytomyr.gwd.test", language="uk", time_zone="Europe/Kyiv")
    group.memberships.create(user=reader, role=Role.OBSERVER)

    text = docx_text(login(reader).get(export_url(group, meeting, "docx")).content)

    assert "11:00" in text  # 9:00 UTC in Kyiv
    assert "березня" in text


def test_draft_minutes_are_left_out_for_members(login, group, meeting, facilitator, member):
    services.minutes_save(
        actor=facilitator, meeting=meeting, text="Szkic", decisions="", publish=False
    )
    meeting.minutes.status = "draft"
    meeting.minutes.save(update_fields=["status"])

    assert "Szkic" not in docx_text(login(member).get(export_url(group, meeting, "docx")).content)
    assert "Szkic" in docx_text(login(facilitator).get(export_url(group, meeting, "docx")).content)


def test_a_draft_meeting_is_not_found_for_members(login, group, meeting, member):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.DRAFT)
    assert login(member).get(export_url(group, meeting, "pdf")).status_code == 404


def test_an_outsider_gets_404(login, group, meeting, outsider):
    assert login(outsider).get(export_url(group, meeting, "docx")).status_code == 404


@pytest.mark.parametrize("file_format", ["xls", "DOCX", "pdf.exe", "%00"])
def test_an_unknown_format_is_not_found(login, group, meeting, member, file_format):
    url = f"/groups/{group.slug}/meetings/{meeting.pk}/export.{file_format}"
    assert login(member).get(url).status_code == 404
