from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("calendar/", views.calendar_feeds, name="calendar-feeds"),
    path("calendar/rotate/", views.calendar_feed_rotate, name="calendar-feed-rotate"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("groups/<slug:slug>/meetings/", views.meeting_list, name="meeting-list"),
    path("groups/<slug:slug>/meetings/month/", views.meeting_calendar, name="meeting-calendar"),
    path("groups/<slug:slug>/meetings/new/", views.meeting_create, name="meeting-create"),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/",
        views.meeting_detail,
        name="meeting-detail",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/edit/",
        views.meeting_edit,
        name="meeting-edit",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/cancel/",
        views.meeting_cancel,
        name="meeting-cancel",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/publish/",
        views.meeting_publish,
        name="meeting-publish",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/register/",
        views.meeting_register,
        name="meeting-register",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/reminders/",
        views.meeting_reminders,
        name="meeting-reminders",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/attendance/",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/minutes/",
        views.minutes_edit,
        name="minutes-edit",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/actions/",
        views.action_item_add,
        name="action-item-add",
    ),
    path(
        "groups/<slug:slug>/actions/<int:item_id>/toggle/",
        views.action_item_toggle,
        name="action-item-toggle",
    ),
    path(
        "groups/<slug:slug>/agenda/<int:item_id>/document/",
        views.agenda_item_attach,
        name="agenda-item-attach",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/export.<str:file_format>",
        views.meeting_export,
        name="meeting-export",
    ),
    path(
        "groups/<slug:slug>/meetings/<int:meeting_id>/meeting.ics",
        views.meeting_ics,
        name="meeting-ics",
    ),
]
