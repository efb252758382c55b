"""What meetings keep about a person, registered with gwd.personal_data from
MeetingsConfig.ready()."""

from gwd.personal_data import register, when
from meetings.models import (
    ActionItem,
    Attendance,
    CalendarFeed,
    Meeting,
    Minutes,
    Registration,
    ReminderSent,
)


def _meeting(meeting: Meeting) -> dict:
    return {
        "meeting": meeting.title,
        "group": meeting.group.display_name,
        "starts": when(meeting.starts_at),
    }


def register_sections() -> None:
    register(
        "meetings_organised",
        covers=["meetings.Meeting.created_by"],
        export=lambda user: [
            {**_meeting(m), "status": m.status}
            for m in Meeting.objects.filter(created_by=user)
            .select_related("group")
            .order_by("starts_at")
        ],
    )
    register(
        "registrations",
        covers=["meetings.Registration.user"],
        export=lambda user: [
            {
                **_meeting(r.meeting),
                "status": r.status,
                "registered": when(r.created_at),
                "reminders": r.reminders,
            }
            for r in Registration.objects.filter(user=user)
            .select_related("meeting__group")
            .order_by("meeting__starts_at")
        ],
    )
    register(
        "attendance",
        covers=["meetings.Attendance.user"],
        export=lambda user: [
            _meeting(a.meeting)
            for a in Attendance.objects.filter(user=user)
            .select_related("meeting__group")
            .order_by("meeting__starts_at")
        ],
    )
    register(
        "attendance_recorded",
        covers=["meetings.Attendance.marked_by"],
        # The meetings whose attendance the person recorded, not who was there.
        export=lambda user: [
            _meeting(meeting)
            for meeting in Meeting.objects.filter(attendance__marked_by=user)
            .select_related("group")
            .distinct()
            .order_by("starts_at")
        ],
    )
    register(
        "minutes_written",
        covers=["meetings.Minutes.updated_by"],
        export=lambda user: [
            {**_meeting(m.meeting), "status": m.status, "updated": when(m.updated_at)}
            for m in Minutes.objects.filter(updated_by=user)
            .select_related("meeting__group")
            .order_by("meeting__starts_at")
        ],
    )
    register(
        "action_items",
        covers=["meetings.ActionItem.owner"],
        export=lambda user: [
            {
                **_meeting(a.meeting),
                "what": a.description,
                "due": when(a.due_date),
                "status": a.status,
            }
            for a in ActionItem.objects.filter(owner=user)
            .select_related("meeting__group")
            .order_by("pk")
        ],
    )
    register(
        "calendar_feeds",
        covers=["meetings.CalendarFeed.user"],
        # Which feeds exist; their secret addresses are credentials, shown only on the
        # calendar page.
        export=lambda user: [
            {"group": f.group.display_name if f.group else None, "created": when(f.created_at)}
            for f in CalendarFeed.objects.filter(user=user).select_related("group").order_by("pk")
        ],
    )
    register(
        "reminders_sent",
        covers=["meetings.ReminderSent.user"],
        export=lambda user: [
            {**_meeting(r.meeting), "sent": when(r.sent_at)}
            for r in ReminderSent.objects.filter(user=user)
            .select_related("meeting__group")
            .order_by("sent_at")
        ],
    )
