"""A meeting written out as a PDF or a Word document: when and where, the agenda, the
minutes and decisions, the action items and who came, in the reader's language and time
zone. It holds what the meeting page shows the reader: draft minutes only to managers."""

import dataclasses
from typing import Any

import docx
from django.db.models import Q
from django.utils import formats, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from groups.access import GroupAccess
from groups.exports import docx_bytes, exported_at, pdf_render, reader_context
from meetings.models import ActionItem, Attendance, Meeting, Minutes, Registration
from meetings.templatetags.meeting_time import meeting_when


@dataclasses.dataclass(frozen=True)
class Attendee:
    name: str
    institution: str
    answer: str
    present: bool


def _attendees(meeting: Meeting) -> list[Attendee]:
    """Everyone who answered they would come, or was marked present, by name."""
    present = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    registrations = (
        Registration.objects.filter(meeting=meeting)
        .filter(~Q(status=Registration.Status.NOT_GOING) | Q(user_id__in=present))
        .select_related("user", "institution")
        .order_by("user__full_name", "pk")
    )
    rows = [
        Attendee(
            name=r.user.full_name,
            institution=r.institution.name if r.institution else "",
            answer=r.get_status_display(),
            present=r.user_id in present,
        )
        for r in registrations
    ]
    registered = {r.user_id for r in registrations}
    for attendance in (
        Attendance.objects.filter(meeting=meeting)
        .exclude(user_id__in=registered)
        .select_related("user__institution")
        .order_by("user__full_name")
    ):
        institution = attendance.user.institution
        rows.append(
            Attendee(
                name=attendance.user.full_name,
                institution=institution.name if institution else "",
                answer="",
                present=True,
            )
        )
    return rows


def _context(meeting: Meeting, access: GroupAccess) -> dict[str, Any]:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes and minutes.status != Minutes.Status.PUBLISHED and not access.can_manage:
        minutes = None
    language = translation.get_language()
    return {
        "meeting": meeting,
        "group_name": access.group.name_in(language),
        "when": meeting_when(meeting),
        "agenda": list(meeting.agenda.all()),
        "minutes": minutes,
        "action_items": list(
            ActionItem.objects.filter(meeting=meeting).select_related("owner", "owner_institution")
        ),
        "attendees": _attendees(meeting),
        "exported_at": exported_at(),
        "language": language,
    }


def meeting_pdf(*, meeting: Meeting, access: GroupAccess) -> bytes:
    with reader_context(access.user):
        return pdf_render("meetings/export/meeting.html", _context(meeting, access))


def _owner(item: ActionItem) -> str:
    if item.owner:
        return item.owner.full_name
    return item.owner_institution.name if item.owner_institution else ""


def meeting_docx(*, meeting: Meeting, access: GroupAccess) -> bytes:
    with reader_context(access.user):
        c = _context(meeting, access)
        document = docx.Document()
        document.core_properties.title = meeting.title
        document.core_properties.language = c["language"]
        document.add_heading(meeting.title, level=0)
        document.add_paragraph(c["group_name"])
        exported = _("Exported on %(date)s") % {"date": c["exported_at"]}
        document.add_paragraph().add_run(exported).italic = True
        facts = [(_("When"), strip_tags(c["when"]))]
        if meeting.place:
            facts.append((_("Where"), meeting.place))
        if meeting.online_url:
            facts.append((_("Online"), meeting.online_url))
        for label, value in facts:
            fact = document.add_paragraph()
            fact.add_run(f"{label}: ").bold = True
            fact.add_run(value)
        if meeting.description:
            document.add_paragraph(meeting.description)
        if c["agenda"]:
            document.add_heading(_("Agenda"), level=1)
            for item in c["agenda"]:
                line = item.title
                if item.presenter:
                    line += f" — {item.presenter}"
                if item.duration_minutes:
                    line += " (" + _("%(minutes)s min") % {"minutes": item.duration_minutes} + ")"
                document.add_paragraph(line, style="List Number")
        document.add_heading(_("Minutes"), level=1)
        minutes = c["minutes"]
        if minutes:
            for paragraph in minutes.text.split("\n\n"):
                document.add_paragraph(paragraph.strip())
            if minutes.decisions:
                document.add_heading(_("Decisions"), level=2)
                for paragraph in minutes.decisions.split("\n\n"):
                    document.add_paragraph(paragraph.strip())
        else:
            document.add_paragraph(_("No minutes yet."))
        document.add_heading(_("Action items"), level=1)
        if c["action_items"]:
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            for cell, label in zip(
                table.rows[0].cells, [_("What"), _("Who"), _("Due"), _("Status")], strict=True
            ):
                cell.text = label
            for item in c["action_items"]:
                due = formats.date_format(item.due_date, "j E Y") if item.due_date else ""
                values = [item.description, _owner(item), due, item.get_status_display()]
                for cell, value in zip(table.add_row().cells, values, strict=True):
                    cell.text = value
        else:
            document.add_paragraph(_("No action items."))
        document.add_heading(_("Attendance"), level=1)
        if not c["attendees"]:
            document.add_paragraph(_("Nobody has registered yet."))
        else:
            table = document.add_table(rows=1, cols=4)
            table.style = "Table Grid"
            header = [pgettext("person", "Name"), _("Institution"), _("Answer"), _("Present")]
            for cell, label in zip(table.rows[0].cells, header, strict=True):
                cell.text = label
            for attendee in c["attendees"]:
                values = [
                    attendee.name,
                    attendee.institution,
                    attendee.answer,
                    pgettext("present at the meeting", "yes") if attendee.present else "",
                ]
                for cell, value in zip(table.add_row().cells, values, strict=True):
                    cell.text = value
        return docx_bytes(document)
