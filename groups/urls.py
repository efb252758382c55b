from django.urls import path

from groups.views import (
    discussions,
    exports,
    invitations,
    moderation,
    notifications,
    people,
    units,
)

app_name = "groups"

urlpatterns = [
    path("profile/", people.profile, name="profile"),
    path("profile/delete/", people.account_delete, name="account-delete"),
    path("groups/", people.group_list, name="group-list"),
    path("groups/new/", people.group_create, name="group-create"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("groups/<slug:slug>/settings/", people.group_settings, name="group-settings"),
    path(
        "groups/<slug:slug>/facilitators/appoint/",
        people.facilitator_appoint,
        name="facilitator-appoint",
    ),
    path("groups/<slug:slug>/members/", people.member_list, name="member-list"),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/role/",
        people.member_role,
        name="member-role",
    ),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/remove/",
        people.member_remove,
        name="member-remove",
    ),
    path("groups/<slug:slug>/units/", units.unit_list, name="unit-list"),
    path("groups/<slug:slug>/units/add/", units.unit_add, name="unit-add"),
    path("groups/<slug:slug>/units/<int:unit_id>/leave/", units.unit_leave, name="unit-leave"),
    path(
        "groups/<slug:slug>/units/<int:unit_id>/readmit/",
        units.unit_readmit,
        name="unit-readmit",
    ),
    path("groups/<slug:slug>/leave/", people.group_leave, name="group-leave"),
    path("groups/<slug:slug>/join/", invitations.group_join, name="group-join"),
    path("groups/<slug:slug>/invitations/", invitations.invitation_list, name="invitation-list"),
    path(
        "groups/<slug:slug>/invitations/new/",
        invitations.invitation_create,
        name="invitation-create",
    ),
    path(
        "groups/<slug:slug>/invitations/bulk/", invitations.invitation_bulk, name="invitation-bulk"
    ),
    path(
        "groups/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    path("groups/<slug:slug>/requests/", invitations.join_request_list, name="join-request-list"),
    path(
        "groups/<slug:slug>/requests/<int:request_id>/decide/",
        invitations.join_request_decide,
        name="join-request-decide",
    ),
    path("groups/<slug:slug>/threads/", discussions.thread_list, name="thread-list"),
    path("groups/<slug:slug>/threads/new/", discussions.thread_create, name="thread-create"),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/",
        discussions.thread_detail,
        name="thread-detail",
    ),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/export.<str:file_format>",
        exports.thread_export,
        name="thread-export",
    ),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/messages/",
        discussions.message_post,
        name="message-post",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/",
        discussions.message_link,
        name="message-link",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/history/",
        discussions.message_history,
        name="message-history",
    ),
    path("groups/<slug:slug>/members.json", discussions.member_search, name="member-search"),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/report/",
        moderation.message_report,
        name="message-report",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/moderate/",
        moderation.message_moderate,
        name="message-moderate",
    ),
    path(
        "groups/<slug:slug>/messages/<int:message_id>/remove/",
        moderation.message_remove,
        name="message-remove",
    ),
    path(
        "groups/<slug:slug>/threads/<int:thread_id>/moderate/",
        moderation.thread_moderate,
        name="thread-moderate",
    ),
    path(
        "groups/<slug:slug>/members/<int:membership_id>/mute/",
        moderation.member_mute,
        name="member-mute",
    ),
    path("groups/<slug:slug>/moderation/", moderation.moderation_queue, name="moderation-queue"),
    path(
        "groups/<slug:slug>/moderation/reports/decide/",
        moderation.reports_decide,
        name="reports-decide",
    ),
    path(
        "groups/<slug:slug>/moderation/blocked/", moderation.blocked_phrases, name="blocked-phrases"
    ),
    path(
        "groups/<slug:slug>/moderation/blocked/<int:phrase_id>/remove/",
        moderation.blocked_phrase_remove,
        name="blocked-phrase-remove",
    ),
    path("groups/<slug:slug>/moderation/log/", moderation.moderation_log, name="moderation-log"),
    path(
        "groups/<slug:slug>/moderation/log.csv",
        moderation.moderation_log_csv,
        name="moderation-log-csv",
    ),
    path("moderation/", moderation.staff_moderation, name="staff-moderation"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_mark_read, name="notifications-read"),
    path("notifications/latest/", notifications.notification_latest, name="notifications-latest"),
    path(
        "notifications/<int:notification_id>/open/",
        notifications.notification_open,
        name="notification-open",
    ),
    path(
        "notifications/settings/", notifications.notification_settings, name="notification-settings"
    ),
    path("notifications/unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
]
