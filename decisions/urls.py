from django.urls import path

from decisions import live_views, meeting_views, views

app_name = "decisions"

urlpatterns = [
    path("groups/<slug:slug>/decisions/", views.register, name="register"),
    path(
        "groups/<slug:slug>/decisions/register.csv",
        views.register_export,
        {"file_format": "csv"},
        name="register-csv",
    ),
    path(
        "groups/<slug:slug>/decisions/register.pdf",
        views.register_export,
        {"file_format": "pdf"},
        name="register-pdf",
    ),
    path("groups/<slug:slug>/decisions/settings/", views.decision_settings, name="settings"),
    path("groups/<slug:slug>/decisions/new/", views.poll_create, name="poll-create"),
    path("groups/<slug:slug>/decisions/<int:poll_id>/", views.poll_detail, name="poll-detail"),
    path("groups/<slug:slug>/decisions/<int:poll_id>/vote/", views.poll_vote, name="poll-vote"),
    path(
        "groups/<slug:slug>/decisions/<int:poll_id>/card/",
        live_views.poll_card,
        name="poll-card",
    ),
    path(
        "groups/<slug:slug>/decisions/<int:poll_id>/meeting/",
        meeting_views.poll_meeting,
        name="poll-meeting",
    ),
    path("groups/<slug:slug>/decisions/<int:poll_id>/close/", views.poll_close, name="poll-close"),
    path(
        "groups/<slug:slug>/decisions/<int:poll_id>/outcome/",
        views.poll_outcome,
        name="poll-outcome",
    ),
]
