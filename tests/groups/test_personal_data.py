"""Personal data (GDPR articles 15, 17 and 20): the export holds everything GWD keeps
about a person, and deleting the account removes or anonymises the same set.

Every relation to a user in every installed model is either exported by a section of
gwd.personal_data or listed there as omitted, with the reason — a new model or field
that points at people fails here until someone decides."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone

from decisions import services as decision_services
from groups import audit, services
from groups import personal_data as groups_personal_data
from groups.access import group_access
from groups.models import (
    Country,
    DigestRun,
    Group,
    Invitation,
    JoinRequest,
    Membership,
    Mention,
    Message,
    ModerationAction,
    Notification,
    Reaction,
    Report,
    Role,
    TerritorialUnit,
    UnitLevel,
)
from gwd import personal_data
from indicators.models import Direction, Domain, Indicator, Measure
from indicators.services import value_set
from meetings.models import (
    ActionItem,
    Attendance,
    CalendarFeed,
    Meeting,
    Minutes,
    Registration,
    ReminderSent,
)
from resources.models import Document, DocumentVersion, Folder, FolderFollow, UploadSession


def relations_to_people() -> dict[str, models.Field]:
    """ "app.Model.field" → field, for every field of any model that points at a user,
    and every field of the user model itself."""
    user_model = get_user_model()
    found = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created:
                continue
            if model is user_model or (field.is_relation and field.related_model is user_model):
                found[f"{model._meta.label}.{field.name}"] = field
    return found


def test_every_relation_to_a_person_is_exported_or_its_omission_explained():
    relations = set(relations_to_people())
    covered, omitted = personal_data.covered(), personal_data.omissions()
    assert relations - covered - set(omitted) == set(), "export these or omit them, with why"
    assert covered & set(omitted) == set()
    assert (covered | set(omitted)) - relations == set(), "listed, but no such field"
    assert all(reason.strip() for reason in omitted.values())


def test_what_deletion_leaves_to_the_database_is_removed_or_unlinked():
    relations = relations_to_people()
    user_model = get_user_model()
    for section in personal_data.sections():
        if section.erase is not None:
            continue
        if section.kept:
            continue  # retained on purpose; the reason is part of the section
        for key in section.covers:
            field = relations[key]
            if field.model is user_model:
                continue  # the row itself goes
            assert field.remote_field.on_delete in (models.CASCADE, models.SET_NULL), key


def test_groups_does_not_import_the_apps_above_it():
    """The export is filled by the apps that own the data (DESIGN.md: a lower app offers
    a hook the higher one fills)."""
    import ast
    import inspect

    for module in (groups_personal_data, personal_data, services.membership):
        tree = ast.parse(inspect.getsource(module))
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & {"meetings", "resources"}, module.__name__


# --- A person who did a bit of everything -----------------------------------------------


@pytest.fixture
def busy(member_factory, group, other_group, facilitator, outsider, site_staff):
    """Anna: staff and co-facilitator, with a row of every kind GWD keeps."""
    anna = member_factory(
        group,
        Role.FACILITATOR,
        email="anna@lublin.gwd.test",
        full_name="Anna Wiśniewska",
        is_staff=True,
    )
    TOTP.activate(anna, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    LogEntry.objects.create(
        user=anna,
        content_type=ContentType.objects.get_for_model(Group),
        object_id=str(group.pk),
        object_repr=group.display_name,
        action_flag=ADDITION,
    )
    Group.objects.create(slug="nowa", name_pl="Nowa grupa", kind="urban", created_by=anna)
    Invitation.objects.create(
        email="kolega@goleniow.gwd.test",
        group=group,
        token="i" * 40,
        inviter=anna,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    Invitation.objects.create(
        email=anna.email,
        group=group,
        token="j" * 40,
        inviter=facilitator,
        expires_at=timezone.now() + dt.timedelta(days=3),
        accepted_at=timezone.now(),
        accepted_by=anna,
    )
    for open_group in (group, other_group):
        open_group.accepts_join_requests = True
        open_group.save(update_fields=["accepts_join_requests"])
    services.join_request_create(actor=anna, group=other_group, message="Chętnie dołączę")
    asked = services.join_request_create(actor=outsider, group=group)
    services.join_request_decide(actor=anna, join_request=asked, approve=False)

    thread, first = services.thread_create(
        actor=anna, group=group, title="Podatek od nieruchomości", body="Pierwsza", client_id="a"
    )
    services.message_edit(actor=anna, message=first, body="Poprawiona")
    theirs, _ = services.message_send(actor=facilitator, thread=thread, body="Cudza", client_id="f")
    Reaction.objects.create(message=theirs, user=anna, emoji="👍")
    Mention.objects.create(message=theirs, user=anna)
    Report.objects.create(
        group=group, message=theirs, reporter=anna, reason="other", text="Nie na temat"
    )
    audit.moderation_log(actor=anna, group=group, kind="pin", target=thread, label=thread.title)
    Notification.objects.create(user=anna, group=group, kind="mention", params={"actor": "X"})
    FolderFollow.objects.create(user=anna, group=group)
    DigestRun.objects.create(user=anna, period="daily:2026-01-05")

    starts = timezone.now() - dt.timedelta(days=1)
    meeting = Meeting.objects.create(
        group=group,
        title="Spotkanie w Kielcach",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        created_by=anna,
    )
    Registration.objects.create(meeting=meeting, user=anna, status="going")
    Attendance.objects.create(meeting=meeting, user=anna, marked_by=anna)
    Minutes.objects.create(meeting=meeting, text="Ustalenia", updated_by=anna)
    ActionItem.objects.create(
        group=group, meeting=meeting, description="Przesłać uchwałę", owner=anna
    )
    CalendarFeed.objects.create(user=anna)
    ReminderSent.objects.create(meeting=meeting, user=anna, starts_at=meeting.starts_at)

    anna_access = group_access(user=anna, slug=group.slug, capability="view")
    poll = decision_services.poll_create(
        actor=anna, access=anna_access, kind="single", title="Stawka", options=["1,20", "1,15"]
    )
    decision_services.vote_cast(
        actor=anna, access=anna_access, poll=poll, marks={poll.options.first().pk: 1}
    )
    decision_services.poll_close(actor=anna, access=anna_access, poll=poll)
    decision_services.outcome_publish(actor=anna, access=anna_access, poll=poll, outcome="1,20")

    kielce = TerritorialUnit.objects.create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name="Kielce", code="2661011"
    )
    tax_cost = Indicator.objects.create(
        code="tax-cost",
        name_pl="Koszt decyzji",
        name_uk="Вартість рішення",
        name_en="Cost of a decision",
        domain=Domain.LOCAL_TAXES,
        measure=Measure.MONEY,
        direction=Direction.LOWER,
    )
    value_set(
        actor=anna, group=group, unit=kielce, indicator=tax_cost, year=2025, value=Decimal("41.5")
    )

    folder = Folder.objects.create(group=group, name="Uchwały", created_by=anna)
    document = Document.objects.create(
        group=group,
        folder=folder,
        title="Uchwała w sprawie stawek",
        created_by=anna,
        deleted_by=anna,
        deleted_at=timezone.now(),
    )
    DocumentVersion.objects.create(
        document=document,
        number=1,
        storage_key=f"groups/{group.pk}/v1",
        original_name="uchwala.pdf",
        size=3,
        content_type="application/pdf",
        sha256="0" * 64,
        uploaded_by=anna,
    )
    UploadSession.objects.create(
        group=group,
        created_by=anna,
        name="duzy.pdf",
        size=100,
        chunk_size=10,
        storage_key=f"groups/{group.pk}/staging",
    )
    return anna


def test_the_export_holds_every_kind_of_record(client, login, busy):
    login(busy)
    response = client.get(reverse("groups:personal-data"))
    data = json.loads(response.content)
    assert [name for name, value in data.items() if not value] == []
    assert set(data) == {section.name for section in personal_data.sections()}
    [message] = data["messages"]
    assert message["text"] == "Poprawiona"
    assert [r["text"] for r in message["earlier_texts"]] == ["Pierwsza"]
    assert data["reactions"][0]["emoji"] == "👍"
    assert data["reports_filed"][0]["details"] == "Nie na temat"
    assert data["join_requests"][0]["message"] == "Chętnie dołączę"
    assert data["attendance"][0]["meeting"] == "Spotkanie w Kielcach"
    assert data["action_items"][0]["what"] == "Przesłać uchwałę"
    assert data["documents"][0]["title"] == "Uchwała w sprawie stawek"
    assert data["indicator_figures"][0]["municipality"] == "Kielce"
    assert data["indicator_figures"][0]["new_value"] == "41.5000"
    assert data["document_versions"][0]["file_name"] == "uchwala.pdf"
    # Credentials stay out of the file.
    text = response.content.decode()
    assert busy.password not in text
    assert "JBSWY3DPEHPK3PXP" not in text
    assert CalendarFeed.objects.get(user=busy).token not in text


def test_deleting_the_account_leaves_nothing_that_points_at_the_person(
    busy, group, facilitator, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    settings.S3_BUCKET = ""
    user_id, email = busy.pk, busy.email
    # Someone else's notification that names Anna as its cause.
    Notification.objects.create(
        user=facilitator,
        group=group,
        kind="reply",
        params={"actor": busy.full_name, "thread": "Podatek od nieruchomości"},
    )
    services.account_delete(actor=busy)

    kept = {key for section in personal_data.sections() if section.kept for key in section.covers}
    for key, field in relations_to_people().items():
        if field.model is get_user_model() or key in kept or not field.concrete:
            continue
        if field.many_to_many:
            continue  # through tables of the user's own fields go with the row
        assert not field.model._default_manager.filter(**{field.attname: user_id}).exists(), key
    assert not Invitation.objects.filter(email__iexact=email).exists()
    assert not UploadSession.objects.exists()
    stored = json.dumps(list(Notification.objects.values("params")), ensure_ascii=False)
    assert "Wiśniewska" not in stored
    # What stays, by design: the message, signed by no one; the moderation log entry.
    assert Message.objects.filter(author=None, body="Poprawiona").exists()
    assert ModerationAction.objects.filter(actor_id=user_id).exists()
    assert Membership.objects.filter(user=facilitator).exists()
    assert not JoinRequest.objects.filter(user_id=user_id).exists()
