"""The Django admin is no back door: rows whose writes have rules (memberships, meetings,
registrations, documents and their versions, …) can be looked at there but not edited;
their admin actions call the same services as the pages, and the rules hold."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.urls import reverse
from django.utils import timezone

from groups.models import (
    Invitation,
    JoinRequest,
    Membership,
    ModerationAction,
    Notification,
    Role,
    User,
)
from meetings.models import ActionItem, AgendaItem, Meeting, Minutes, Registration
from resources.models import Document, DocumentVersion, Folder


@pytest.fixture
def superuser(site_staff):
    site_staff.is_superuser = True
    site_staff.save(update_fields=["is_superuser"])
    return site_staff


@pytest.fixture
def admin_client(client, login, superuser):
    return login(superuser)


@pytest.fixture
def meeting(facilitator, group):
    starts = timezone.now() + dt.timedelta(days=3)
    meeting = Meeting.objects.create(
        group=group,
        title="Podatek od nieruchomości",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        created_by=facilitator,
    )
    AgendaItem.objects.create(meeting=meeting, title="Powitanie")
    return meeting


@pytest.fixture
def document(facilitator, group):
    document = Document.objects.create(group=group, title="Umowa ESCO", created_by=facilitator)
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        storage_key=f"groups/{group.pk}/key",
        original_name="umowa.pdf",
        size=10,
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=facilitator,
    )
    Document.objects.filter(pk=document.pk).update(current_version=version)
    return document


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def run_action(admin_client, model, action: str, objects):
    opts = model._meta
    return admin_client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects], "index": "0"},
        follow=True,
    )


def shown(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


# --- Nothing is edited directly ---------------------------------------------------------

GUARDED = [
    Membership,
    Invitation,
    JoinRequest,
    Meeting,
    AgendaItem,
    Registration,
    Minutes,
    ActionItem,
    Document,
    DocumentVersion,
    Folder,
]


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_guarded_rows_cannot_be_added_changed_or_deleted_in_the_admin(rf, superuser, model):
    request = rf.get("/")
    request.user = superuser
    screens = [a for a in admin.site._registry.values() if a.model is model]
    screens += [
        inline(parent.model, admin.site)
        for parent in admin.site._registry.values()
        for inline in parent.inlines
        if inline.model is model
    ]
    assert screens, f"{model.__name__} is not in the admin at all"
    for screen in screens:
        if isinstance(screen, InlineModelAdmin):
            assert not screen.has_add_permission(request, None)
        else:
            assert not screen.has_add_permission(request)
        assert not screen.has_change_permission(request, None)
        assert not screen.has_delete_permission(request, None)


def test_the_membership_change_form_changes_nothing(admin_client, facilitator, group):
    membership = Membership.objects.get(user=facilitator)
    response = admin_client.post(
        change_url(membership),
        {"user": facilitator.pk, "group": group.pk, "role": "member", "status": "removed"},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.role, membership.status) == (Role.FACILITATOR, "active")


def test_the_group_form_does_not_edit_its_memberships(admin_client, facilitator, group):
    membership = Membership.objects.get(user=facilitator)
    page = admin_client.get(change_url(group))
    assert page.status_code == 200
    admin_client.post(
        change_url(group),
        {
            "name_pl": group.name_pl,
            "slug": group.slug,
            "kind": group.kind,
            "working_languages": '["pl"]',
            "meeting_reminder_hours": "24",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk,
            "memberships-0-group": group.pk,
            "memberships-0-user": facilitator.pk,
            "memberships-0-role": "observer",
            "memberships-0-status": "removed",
            "memberships-0-DELETE": "on",
        },
    )
    membership.refresh_from_db()
    assert (membership.role, membership.status) == (Role.FACILITATOR, "active")


def test_the_meeting_form_changes_nothing(admin_client, meeting):
    response = admin_client.post(change_url(meeting), {"title": "Inny", "status": "cancelled"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status, meeting.sequence) == (
        "Podatek od nieruchomości",
        Meeting.Status.SCHEDULED,
        0,
    )


def test_a_registration_cannot_be_edited_past_the_waiting_list(admin_client, meeting, member):
    registration = Registration.objects.create(
        meeting=meeting, user=member, status=Registration.Status.WAITLISTED
    )
    response = admin_client.post(
        change_url(registration),
        {"meeting": meeting.pk, "user": member.pk, "status": "going"},
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED


def test_the_document_form_edits_neither_it_nor_its_versions(admin_client, document, member):
    version = document.versions.get()
    response = admin_client.post(change_url(document), {"title": "Podmienione"})
    assert response.status_code == 403
    document.refresh_from_db()
    version.refresh_from_db()
    assert document.title == "Umowa ESCO"
    assert (version.uploaded_by_id, version.original_name) != (member.pk, "x.exe")


def test_a_person_is_not_deleted_around_the_account_deletion_rules(admin_client, facilitator):
    delete = reverse("admin:groups_user_delete", args=[facilitator.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=facilitator.pk).exists()


# --- Actions call the services ----------------------------------------------------------


def test_a_role_action_keeps_the_last_facilitator(admin_client, facilitator, member):
    last = Membership.objects.get(user=facilitator)
    other = Membership.objects.get(user=member)
    response = run_action(admin_client, Membership, "make_observer", [last, other])
    last.refresh_from_db()
    other.refresh_from_db()
    assert last.role == Role.FACILITATOR
    assert other.role == Role.OBSERVER
    levels = [level for level, _text in shown(response)]
    assert sorted(levels) == ["error", "success"]
    # The member hears about it as from the page.
    assert Notification.objects.filter(user=member, kind="role_changed").exists()


def test_the_remove_action_is_the_services_removal(admin_client, superuser, facilitator, member):
    for membership in Membership.objects.all():
        run_action(admin_client, Membership, "remove", [membership])
    assert Membership.objects.get(user=facilitator).status == "active"
    assert Membership.objects.get(user=member).status == "removed"
    entry = ModerationAction.objects.get(kind="remove")
    assert (entry.actor_id, entry.target_id) == (superuser.pk, member.pk)


def test_the_cancel_action_goes_through_the_meeting_service(
    admin_client, meeting, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, Meeting, "cancel", [meeting])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1  # calendars replace their copy
    assert Notification.objects.filter(user=member, kind="meeting_cancelled").exists()
    assert [level for level, _text in shown(response)] == ["success"]
    # A second cancel is refused by the service, with its reason shown.
    response = run_action(admin_client, Meeting, "cancel", [meeting])
    assert [level for level, _text in shown(response)] == ["error"]


def test_trash_and_restore_actions_use_the_library_service(admin_client, superuser, document):
    run_action(admin_client, Document, "trash", [document])
    document.refresh_from_db()
    assert document.deleted_by == superuser
    run_action(admin_client, Document, "restore", [document])
    document.refresh_from_db()
    assert document.deleted_at is None


def test_join_requests_are_decided_by_the_service(admin_client, outsider, group):
    group.accepts_join_requests = True
    group.save(update_fields=["accepts_join_requests"])
    join_request = JoinRequest.objects.create(user=outsider, group=group)
    run_action(admin_client, JoinRequest, "approve", [join_request])
    assert Membership.objects.get(user=outsider, group=group).is_active
    response = run_action(admin_client, JoinRequest, "decline", [join_request])
    assert [level for level, _text in shown(response)] == ["error"]  # decided already


def test_an_invitation_is_revoked_by_the_service(admin_client, facilitator, group):
    invitation = Invitation.objects.create(
        email="nowa@lublin.gwd.test",
        group=group,
        token="t" * 40,
        inviter=facilitator,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    run_action(admin_client, Invitation, "revoke", [invitation])
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_deleting_an_account_from_the_admin_keeps_the_last_facilitator(
    admin_client, facilitator, member
):
    response = run_action(admin_client, User, "delete_account", [facilitator, member])
    assert User.objects.filter(pk=facilitator.pk).exists()
    assert not User.objects.filter(pk=member.pk).exists()
    assert sorted(level for level, _text in shown(response)) == ["error", "success"]


def test_actions_need_the_change_permission(client, login, site_staff, member):
    """Staff without the model's change permission see the rows but cannot act."""
    from django.contrib.auth.models import Permission

    site_staff.user_permissions.add(Permission.objects.get(codename="view_membership"))
    login(site_staff)
    response = run_action(client, Membership, "make_observer", [member.memberships.get()])
    assert member.memberships.get().role == Role.MEMBER
    assert response.status_code == 200


def test_every_guarded_screen_shows_its_rows(
    admin_client, facilitator, member, group, meeting, document
):
    rows = [
        Membership.objects.get(user=member),
        Invitation.objects.create(
            email="nowa@lublin.gwd.test",
            group=group,
            token="u" * 40,
            inviter=facilitator,
            expires_at=timezone.now() + dt.timedelta(days=1),
        ),
        JoinRequest.objects.create(user=member, group=group),
        meeting,
        Registration.objects.create(meeting=meeting, user=member, status="going"),
        Minutes.objects.create(meeting=meeting, text="Ustalenia"),
        ActionItem.objects.create(group=group, meeting=meeting, description="Wysłać projekt"),
        document,
        Folder.objects.create(group=group, name="Umowy"),
        group,
        member,
    ]
    for row in rows:
        opts = row._meta
        listing = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(listing).status_code == 200, opts.label
        assert admin_client.get(change_url(row)).status_code == 200, opts.label
