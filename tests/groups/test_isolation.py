"""The isolation walk: every URL that takes a group (or a group-owned id), visited by
anonymous, outsider, observer, member, facilitator and site staff, must answer what the
permission table in groups/access.py says, its rules for changing someone else's rows
included. A group URL whose view does not declare its capability fails the walk."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from decisions import services as decision_services
from decisions.models import DecisionSettings, PollStarters
from groups import services
from groups.access import PERMISSIONS, ROW_RULES, STAFF, Capability, group_access
from groups.models import (
    BlockedPhrase,
    Country,
    Invitation,
    JoinRequest,
    Membership,
    Role,
    UnitLevel,
)
from indicators import services as indicator_services
from indicators.models import (
    DataRound,
    Domain,
    GroupIndicator,
    Indicator,
    Measure,
    Submission,
    Value,
    ValueChange,
)
from meetings import services as meeting_services
from resources import attachments as library_attachments
from resources import services as library_services
from tests.resources.images import png_bytes


def group_patterns() -> list[tuple[str, URLPattern]]:
    """(name, pattern) for every URL pattern whose route takes a group slug."""
    found = []

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and "slug" in p.pattern.regex.groupindex:
                found.append((f"{namespace}{p.name}", p))

    walk(get_resolver().url_patterns)
    return found


GROUP_URLS = group_patterns()


def test_the_walk_finds_the_group_urls():
    names = {name for name, _ in GROUP_URLS}
    assert {"groups:group-detail", "groups:member-list", "groups:invitation-list"} <= names


@pytest.mark.parametrize("name, pattern", GROUP_URLS, ids=[n for n, _ in GROUP_URLS])
def test_every_group_url_declares_its_capability(name, pattern):
    capability = getattr(pattern.callback, "group_capability", None)
    assert capability is not None, f"{name} has no entry in the permission table"
    assert capability == "join" or Capability(capability) in Capability
    row = getattr(pattern.callback, "group_row_rule", None)
    assert row is None or row in ROW_RULES, f"{name} names no rule of the permission table"


def test_the_pages_that_change_a_document_follow_the_document_rule():
    def following(rule):
        return {n for n, p in GROUP_URLS if getattr(p.callback, "group_row_rule", None) == rule}

    assert following("document") == {
        "resources:document-edit",
        "resources:version-upload",
        "resources:document-trash",
    }
    assert following("folder") == {"resources:folder-update", "resources:folder-delete"}
    assert following("trash") == {"resources:document-restore"}
    assert following("figures") == {"indicators:submission-edit", "indicators:district-figures"}


@pytest.fixture
def scene(group, other_group, facilitator, member, observer, outsider, site_staff, member_factory):
    """Objects for every id a group URL can take, in the group and in another group."""
    group.accepts_join_requests = True
    group.save()
    other_facilitator = member_factory(other_group, Role.FACILITATOR, email="f@ppp.gwd.test")
    applicant = member_factory(other_group, Role.MEMBER, email="applicant@gwd.test")
    later = timezone.now() + timedelta(days=3)

    def objects_in(g, member_user, inviter):
        thread, message = services.thread_create(
            actor=inviter,
            group=g,
            title=f"Wątek {g.slug}",
            body="Dzień dobry",
            client_id=f"c-{g.slug}",
        )
        services.message_edit(actor=inviter, message=message, body="Dzień dobry wszystkim")
        phrase = BlockedPhrase.objects.create(group=g, phrase=f"zakazane {g.slug}")
        starts = timezone.now() + timedelta(days=7)
        meeting = meeting_services.meeting_schedule(
            actor=inviter,
            group=g,
            title=f"Spotkanie {g.slug}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            time_zone="Europe/Warsaw",
        )
        item = meeting_services.action_item_add(
            actor=inviter, meeting=meeting, description=f"Zadanie {g.slug}"
        )
        upload = SimpleUploadedFile("umowa.txt", f"Umowa ESCO {g.slug}".encode(), "text/plain")
        document = library_services.document_upload(
            actor=inviter, group=g, upload=upload, title=f"Umowa {g.slug}"
        )
        folder = library_services.folder_create(
            actor=inviter, group=g, name=f"Umowy {g.slug}", parent=None
        )
        picture = library_attachments.attachment_upload(
            actor=inviter, group=g, upload=SimpleUploadedFile("plan.png", png_bytes())
        )
        with_files, _created = services.message_send(
            actor=inviter,
            thread=thread,
            body="Plan w załączniku",
            client_id=f"a-{g.slug}",
            uploads=[picture.pk],
            documents=[document.pk],
        )
        upload_session = library_services.upload_session_start(
            actor=inviter, group=g, name="plan.pdf", size=1000
        )
        # Members may start polls here, so the walk meets the poll pages as the table
        # says; tests/decisions checks the default (facilitators only).
        DecisionSettings.objects.create(group=g, poll_starters=PollStarters.MEMBERS)
        poll = decision_services.poll_create(
            actor=inviter,
            access=group_access(user=inviter, slug=g.slug, capability="view"),
            kind="single",
            title=f"Ankieta {g.slug}",
            options=["Tak", "Nie"],
        )
        data_round, unit, value = figures_in(g, inviter)
        return {
            "document_id": document.pk,
            "folder_id": folder.pk,
            "version_id": document.current_version_id,
            "upload_id": upload_session.pk,
            "meeting_id": meeting.pk,
            "poll_id": poll.pk,
            "item_id": item.pk,
            "phrase_id": phrase.pk,
            "thread_id": thread.pk,
            # The exports are walked as PDF; DOCX and unknown formats in test_exports.
            "file_format": "pdf",
            # A data round's template is walked as XLSX; ODS and CSV in tests/indicators.
            "sheet_format": "xlsx",
            "message_id": message.pk,
            "round_id": data_round.pk,
            "unit_id": unit.pk,
            "value_id": value.pk,
            "attachment_id": with_files.attachments.get(kind="upload").pk,
            "membership_id": Membership.objects.get(group=g, user=member_user).pk,
            "invitation_id": Invitation.objects.create(
                group=g,
                email=f"new-{g.slug}@gwd.test",
                token=f"t-{g.slug}",
                inviter=inviter,
                expires_at=later,
            ).pk,
            "request_id": JoinRequest.objects.create(
                group=g, user=outsider if g == other_group else applicant
            ).pk,
        }

    ids = objects_in(group, member, facilitator)
    # An upload session is its starter's alone: each uploader is walked with their own.
    own_upload = library_services.upload_session_start(
        actor=member, group=group, name="plan.pdf", size=1000
    )
    return {
        "own_ids": {"member": {**ids, "upload_id": own_upload.pk}},
        "actors": {
            "outsider": outsider,
            "observer": observer,
            "member": member,
            "facilitator": facilitator,
            "staff": site_staff,
        },
        "ids": ids,
        "foreign_ids": objects_in(other_group, other_facilitator, other_facilitator),
    }


def figures_in(g, facilitator):
    """A municipality of `g`, an indicator the group adopted, a round and one submitted
    figure, typed in by the group's facilitator (who may fill in for any municipality)."""
    code = "2661011" if g.slug == "gwd-miejska" else "2264011"
    unit = services.unit_get_or_create(
        country=Country.POLAND, level=UnitLevel.CITY_COUNTY, name=f"Miasto {g.slug}", code=code
    )
    services.group_unit_join(group=g, unit=unit)
    indicator = indicator_services.indicator_create(
        actor=facilitator,
        group=g,
        code="koszt",
        name_pl="Koszt",
        name_uk="Вартість",
        name_en="Cost",
        domain=Domain.LOCAL_TAXES,
        measure=Measure.MONEY,
    )
    data_round = indicator_services.round_open(
        actor=facilitator,
        group=g,
        title=f"Dane {g.slug}",
        year=2025,
        deadline=timezone.localdate(),
        indicators=[indicator],
    )
    submission = data_round.submissions.get(unit=unit)
    indicator_services.submission_save(
        actor=facilitator, submission=submission, values={indicator.pk: Decimal(5)}, submit=True
    )
    return data_round, unit, Value.objects.get(group=g, unit=unit)


def url_for(name: str, pattern: URLPattern, slug: str, ids: dict) -> str:
    kwargs = {"slug": slug}
    for key in pattern.pattern.regex.groupindex:
        if key != "slug":
            kwargs[key] = ids[key]
    return reverse(name, kwargs=kwargs)


ROLE_OF = {
    "observer": Role.OBSERVER,
    "member": Role.MEMBER,
    "facilitator": Role.FACILITATOR,
    "staff": STAFF,
}


# Every row of the scene was added by the group's facilitator: a view that changes a row
# under a row rule lets anyone else in only with the rule's capability for others' rows.
ROW_AUTHOR = "facilitator"


def expected_status(capability: str, actor: str, row: str | None = None) -> str:
    if actor == "outsider":
        return "join-page" if capability == "join" else "404"
    if capability == "join":
        return "redirect-member" if actor != "staff" else "join-page"
    allowed = PERMISSIONS[ROLE_OF[actor]]
    if Capability(capability) not in allowed:
        return "403"
    if row and actor != ROW_AUTHOR and ROW_RULES[row].others not in allowed:
        return "403"
    return "allowed"


def matches(expected: str, response, row: str | None = None) -> bool:
    status = response.status_code
    if expected == "allowed":
        # 405 means the access check passed and the view wants POST for its action.
        return status in (200, 302, 405)
    if expected == "403" and row and status == 405:
        # A POST-only view meets the row, and its rule, only on POST (walked below).
        return True
    if expected == "join-page":
        return status == 200
    if expected == "redirect-member":
        return status == 302
    return status == int(expected)


ACTORS = ["outsider", "observer", "member", "facilitator", "staff"]


@pytest.mark.parametrize("name, pattern", GROUP_URLS, ids=[n for n, _ in GROUP_URLS])
def test_walk_every_group_url_as_every_role(client, scene, group, name, pattern):
    capability = pattern.callback.group_capability
    row = getattr(pattern.callback, "group_row_rule", None)
    url = url_for(name, pattern, group.slug, scene["ids"])

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, name

    failures = []
    for actor in ACTORS:
        client.force_login(scene["actors"][actor])
        ids = scene["own_ids"].get(actor, scene["ids"])
        response = client.get(url_for(name, pattern, group.slug, ids))
        expected = expected_status(capability, actor, row)
        if not matches(expected, response, row):
            failures.append(f"{actor}: expected {expected}, got {response.status_code}")
        client.logout()
    assert not failures, f"{name}: " + "; ".join(failures)


@pytest.mark.parametrize("name, pattern", GROUP_URLS, ids=[n for n, _ in GROUP_URLS])
def test_refused_posts_write_nothing(client, scene, group, name, pattern, django_db_blocker):
    """Outsiders get 404 and too-low roles 403 on POST too, and the database is unchanged."""
    capability = pattern.callback.group_capability
    if capability == "join":
        return
    row = getattr(pattern.callback, "group_row_rule", None)
    url = url_for(name, pattern, group.slug, scene["ids"])
    payload = {
        "role": "facilitator",
        "email": "x@gwd.test",
        "decision": "approve",
        "name": "Hacked",
        "first_language": "pl",
        "name_pl": "Hacked",
        "working_languages": ["pl"],
        "emails": "y@gwd.test",
        "title": "Hacked",
        "body": "Hacked",
        "action": "hide",
        "reason": "Hacked",
        "minutes": "15",
        "phrase": "hacked",
        "report": ["1", "2"],
        "status": "going",
        "present": ["1", "2", "3"],
        "text": "Hacked",
        "decisions": "Hacked",
        "publish": "1",
        "description": "Hacked",
        "start_date": "2027-01-01",
        "start_time": "10:00",
        "end_time": "11:00",
        "time_zone": "Europe/Warsaw",
        "kind": "proposal",
        "results": "live",
        "stance": "agree",
        "option": ["1", "2"],
        "outcome": "Hacked",
        "poll_starters": "members",
        "observers_vote": "on",
    }
    before = snapshot()
    for actor in ACTORS:
        expected = expected_status(capability, actor, row)
        if expected == "allowed":
            continue
        client.force_login(scene["actors"][actor])
        response = client.post(url, payload)
        assert response.status_code == int(expected), f"{name} as {actor}"
        client.logout()
    assert snapshot() == before


def snapshot():
    from decisions.models import Ballot, Participation, Poll
    from groups.models import GroupUnit, Message, ModerationAction, Thread
    from meetings.models import ActionItem, Attendance, Meeting, Minutes, Registration
    from resources.models import Document, DocumentVersion, Folder, MessageAttachment, UploadSession

    return (
        list(Thread.objects.values_list("pk", "title").order_by("pk")),
        list(Message.objects.values_list("pk", "body", "hidden_at").order_by("pk")),
        list(BlockedPhrase.objects.values_list("pk", "phrase").order_by("pk")),
        list(Meeting.objects.values_list("pk", "title", "status", "sequence").order_by("pk")),
        list(Registration.objects.values_list("pk", "status").order_by("pk")),
        list(ActionItem.objects.values_list("pk", "status").order_by("pk")),
        Attendance.objects.count(),
        Minutes.objects.count(),
        list(
            Document.objects.values_list("pk", "title", "deleted_at", "is_template").order_by("pk")
        ),
        DocumentVersion.objects.count(),
        list(UploadSession.objects.values_list("pk", "received").order_by("pk")),
        list(Folder.objects.values_list("pk", "name", "parent_id").order_by("pk")),
        ModerationAction.objects.count(),
        list(GroupUnit.objects.values_list("pk", "unit_id", "left_at").order_by("pk")),
        MessageAttachment.objects.count(),
        list(Membership.objects.values_list("pk", "role", "status").order_by("pk")),
        list(Poll.objects.values_list("pk", "title", "state", "outcome").order_by("pk")),
        Ballot.objects.count(),
        Participation.objects.count(),
        list(DecisionSettings.objects.values_list("pk", "poll_starters", "observers_vote")),
        list(Invitation.objects.values_list("pk", "email", "revoked_at").order_by("pk")),
        list(JoinRequest.objects.values_list("pk", "status").order_by("pk")),
        list(Value.objects.values_list("pk", "value", "status", "comment").order_by("pk")),
        ValueChange.objects.count(),
        list(Submission.objects.values_list("pk", "status", "comment").order_by("pk")),
        list(DataRound.objects.values_list("pk", "status").order_by("pk")),
        list(GroupIndicator.objects.values_list("pk", "group_id").order_by("pk")),
        Indicator.objects.count(),
    )


@pytest.mark.parametrize(
    "name, pattern",
    [(n, p) for n, p in GROUP_URLS if len(p.pattern.regex.groupindex) > 1],
    ids=[n for n, p in GROUP_URLS if len(p.pattern.regex.groupindex) > 1],
)
def test_ids_of_another_group_are_not_found(client, scene, group, name, pattern):
    """A facilitator of this group who puts another group's id in this group's URL gets
    the same 404 as for an id that does not exist."""
    client.force_login(scene["actors"]["facilitator"])
    foreign = url_for(name, pattern, group.slug, scene["foreign_ids"])
    missing = url_for(name, pattern, group.slug, dict.fromkeys(scene["ids"], 999999))
    before = snapshot()
    payload = {"role": "observer", "decision": "approve"}
    assert client.post(foreign, payload).status_code == 404
    assert client.post(missing, payload).status_code == 404
    # Pages that only take POST answer 405 to GET for any id, so GET tells nothing either.
    assert client.get(foreign).status_code == client.get(missing).status_code in (404, 405)
    assert snapshot() == before


def test_an_unknown_group_and_a_group_one_is_not_in_look_the_same(client, scene, other_group):
    client.force_login(scene["actors"]["member"])
    unknown = client.get(reverse("groups:group-detail", kwargs={"slug": "no-such-group"}))
    foreign = client.get(reverse("groups:group-detail", kwargs={"slug": other_group.slug}))
    assert unknown.status_code == foreign.status_code == 404


def test_a_removed_member_is_an_outsider(client, scene, group, member):
    Membership.objects.filter(user=member, group=group).update(status=Membership.Status.REMOVED)
    client.force_login(member)
    assert (
        client.get(reverse("groups:group-detail", kwargs={"slug": group.slug})).status_code == 404
    )


# --- Answering a message -------------------------------------------------------------------

BAD_REPLIES = {"another group's message": "foreign", "no such message": "999999", "no number": "x"}


@pytest.mark.parametrize("reply_to", BAD_REPLIES.values(), ids=BAD_REPLIES.keys())
@pytest.mark.parametrize("actor", ACTORS)
def test_a_reply_to_what_is_not_this_threads_message_is_refused(
    client, scene, group, actor, reply_to
):
    """The reply form and its link: an outsider 404, a role that may not post 403 on
    posting, everyone else a clear 400 for a message that is not this thread's; nothing
    is written."""
    ids = scene["ids"]
    if reply_to == "foreign":
        reply_to = str(scene["foreign_ids"]["message_id"])
    thread = {"slug": group.slug, "thread_id": ids["thread_id"]}
    refused = {"allowed": 400, "403": 403, "404": 404}
    expected_view = refused[expected_status(Capability.VIEW, actor)]
    expected_post = refused[expected_status(Capability.POST, actor)]
    client.force_login(scene["actors"][actor])
    before = snapshot()
    page = client.get(reverse("groups:thread-detail", kwargs=thread), {"reply_to": reply_to})
    assert page.status_code == expected_view
    posted = client.post(
        reverse("groups:message-post", kwargs=thread), {"body": "Hacked", "reply_to": reply_to}
    )
    assert posted.status_code == expected_post
    assert snapshot() == before
