from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", views.personal_data, name="personal-data"),
    path("profile/delete/", views.account_delete, name="account-delete"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("groups/<slug:slug>/", views.group_detail, name="group-detail"),
    path("groups/<slug:slug>/settings/", views.group_settings, name="group-settings"),
    path(
        "groups/<slug:slug>/facilitators/appoint/",
        views.facilitator_appoint,
        name="facilitator-appoint",
    ),
    path("groups/<slug:slug>/members/", views.member_list, name="member-list"),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/role/",
        views.member_role,
        name="member-role",
    ),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("groups/<slug:slug>/leave/", views.group_leave, name="group-leave"),
    path("groups/<slug:slug>/join/", views.group_join, name="group-join"),
    path("groups/<slug:slug>/invitations/", views.invitation_list, name="invitation-list"),
    path("groups/<slug:slug>/invitations/new/", views.invitation_create, name="invitation-create"),
    path("groups/<slug:slug>/invitations/bulk/", views.invitation_bulk, name="invitation-bulk"),
    path(
        "groups/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("groups/<slug:slug>/requests/", views.join_request_list, name="join-request-list"),
    path(
        "groups/<slug:slug>/requests/<int:request_id>/decide/",
        views.join_request_decide,
        name="join-request-decide",
    ),
    path("groups/<slug:slug>/threads/", views.thread_list, name="thread-list"),
    path("groups/<slug:slug>/threads/new/", views.thread_create, name="thread-create"),
    path("groups/<slug:slug>/threads/<int:thread_id>/", views.thread_detail, name="thread-detail"),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/messages/",
        views.message_post,
        name="message-post",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/history/",
        views.message_history,
        name="message-history",
    ),
    path("groups/<slug:slug>/members.json", views.member_search, name="member-search"),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/report/",
        views.message_report,
        name="message-report",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/moderate/",
        views.message_moderate,
        name="message-moderate",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/remove/",
        views.message_remove,
        name="message-remove",
    ),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/moderate/",
        views.thread_moderate,
        name="thread-moderate",
    ),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/mute/",
        views.member_mute,
        name="member-mute",
    ),
    path("groups/<slug:slug>/moderation/", views.moderation_queue, name="moderation-queue"),
    path(
        "groups/<slug:slug>/moderation/reports/decide/",
        views.reports_decide,
        name="reports-decide",
    ),
    path("groups/<slug:slug>/moderation/blocked/", views.blocked_phrases, name="blocked-phrases"),
    path(
        "groups/<slug:slug>/moderation/blocked/<int:phrase_id>/remove/",
        views.blocked_phrase_remove,
        name="blocked-phrase-remove",
    ),
    path("groups/<slug:slug>/moderation/log/", views.moderation_log, name="moderation-log"),
    path(
        "groups/<slug:slug>/moderation/log.csv",
        views.moderation_log_csv,
        name="moderation-log-csv",
    ),
    path("moderation/", views.staff_moderation, name="staff-moderation"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification-open",
    ),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("groups/<slug:slug>/library/follow/", views.library_follow, name="library-follow"),
]
