"""Facilitator moderation: reports, actions, blocked phrases, the log, live effects."""

import csv
import io
import zoneinfo
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from groups import events, services
from groups.access import PERMISSIONS, STAFF, Capability
from groups.models import (
    BlockedPhrase,
    Event,
    Membership,
    Message,
    ModerationAction,
    Report,
    Role,
)
from tests.groups.test_consumer import connect  # noqa: F401 — the socket fixture


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


@pytest.fixture
def message(member, thread):
    message, _ = services.message_send(
        actor=member, thread=thread, body="Kupcie tanie zegarki!", client_id="spam"
    )
    return message


def url(name, group, **kwargs):
    return reverse(f"groups:{name}", kwargs={"slug": group.slug, **kwargs})


def log_count() -> int:
    return ModerationAction.objects.count()


# --- The permission table -------------------------------------------------------------


def test_only_facilitators_and_staff_moderate():
    holders = {role for role, caps in PERMISSIONS.items() if Capability.MODERATE in caps}
    assert holders == {Role.FACILITATOR, STAFF}


# --- Reports --------------------------------------------------------------------------


def test_a_member_reports_a_message_once(client, login, observer, message, group):
    login(observer)
    page = client.get(url("message-report", group, message_id=message.pk))
    assert page.status_code == 200
    client.post(url("message-report", group, message_id=message.pk), {"reason": "spam"})
    client.post(url("message-report", group, message_id=message.pk), {"reason": "offensive"})
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.status) == (observer, "spam", "open")
    assert ModerationAction.objects.filter(kind="report").count() == 1


def test_other_needs_details_and_a_bad_report_writes_nothing(
    client, login, observer, message, group
):
    login(observer)
    response = client.post(url("message-report", group, message_id=message.pk), {"reason": "other"})
    assert response.status_code == 400
    response = client.post(url("message-report", group, message_id=message.pk), {"reason": "bored"})
    assert response.status_code == 400
    assert not Report.objects.exists()
    assert log_count() == 0


def test_reporting_is_rate_limited(observer, facilitator, thread, settings):
    settings.MESSAGE_RATE = "1000/second"
    for i in range(11):
        message, _ = services.message_send(
            actor=facilitator, thread=thread, body=f"m{i}", client_id=f"m{i}"
        )
        if i < 10:
            services.report_create(actor=observer, message=message, reason="spam")
    with pytest.raises(services.ServiceError) as refused:
        services.report_create(actor=observer, message=message, reason="spam")
    assert refused.value.code == "rate_limited"
    assert Report.objects.count() == 10


def test_nobody_reports_their_own_message(member, message):
    with pytest.raises(services.ServiceError):
        services.report_create(actor=member, message=message, reason="spam")


def test_the_queue_counts_in_the_navigation_and_decides_in_bulk(
    client, login, facilitator, observer, outsider, member_factory, message, group
):
    other = member_factory(group, email="other@gwd.test")
    first = services.report_create(actor=observer, message=message, reason="spam")
    second = services.report_create(actor=other, message=message, reason="offensive")
    login(facilitator)
    page = client.get(url("group-detail", group))
    assert '<span class="badge">1<' in page.content.decode()
    queue = client.get(url("moderation-queue", group))
    assert [len(e["reports"]) for e in queue.context["reported"]] == [2]
    client.post(
        url("reports-decide", group),
        {"report": [first.pk, second.pk], "decision": "resolve", "note": "ukryte"},
    )
    assert set(Report.objects.values_list("status", flat=True)) == {"resolved"}
    assert ModerationAction.objects.filter(kind="resolve").count() == 2


def test_site_staff_see_every_queue(client, login, user_factory, message, observer, group):
    staff = user_factory(email="ewa@zmp.gwd.test", is_staff=True)
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    services.report_create(actor=observer, message=message, reason="spam")
    login(staff)
    overview = client.get(reverse("groups:staff-moderation"))
    [row] = [g for g in overview.context["groups"] if g.pk == group.pk]
    assert row.open_reports == 1
    assert client.get(url("moderation-queue", group)).status_code == 200


def test_members_do_not_see_the_staff_overview(client, login, member):
    login(member)
    assert client.get(reverse("groups:staff-moderation")).status_code == 403


# --- Actions and the log ----------------------------------------------------------------


def test_hiding_tells_the_author_why_and_others_see_a_placeholder(
    client, login, facilitator, member, observer, message, group
):
    login(facilitator)
    client.post(
        url("message-moderate", group, message_id=message.pk),
        {"action": "hide", "reason": "Reklama"},
    )
    message.refresh_from_db()
    assert message.hidden_by == facilitator and message.hidden_reason == "Reklama"
    assert Event.objects.filter(type="message.hidden").count() == 1
    login(member)
    own = client.get(message.thread.get_absolute_url()).content.decode()
    assert "Reklama" in own
    login(observer)
    others = client.get(message.thread.get_absolute_url()).content.decode()
    assert "Reklama" not in others and "zegarki" not in others


def test_hiding_needs_a_reason_and_writes_nothing_without_one(facilitator, message):
    with pytest.raises(services.ServiceError):
        services.message_hide(actor=facilitator, message=message, reason="  ")
    message.refresh_from_db()
    assert message.hidden_at is None
    assert log_count() == 0


def test_permanent_deletion_removes_the_message_and_logs_it(
    client, login, facilitator, message, group
):
    login(facilitator)
    confirm = client.get(url("message-remove", group, message_id=message.pk))
    assert confirm.status_code == 200
    client.post(url("message-remove", group, message_id=message.pk), {"reason": "Spam"})
    assert not Message.objects.filter(pk=message.pk).exists()
    entry = ModerationAction.objects.get(kind="delete")
    assert entry.reason == "Spam" and "zegarki" in entry.target_label


def test_lock_pin_and_slow_mode(client, login, facilitator, member, thread, group):
    login(facilitator)
    for action in ("lock", "pin"):
        client.post(url("thread-moderate", group, thread_id=thread.pk), {"action": action})
    client.post(
        url("thread-moderate", group, thread_id=thread.pk),
        {"action": "slow_mode", "slow_mode": "60"},
    )
    thread.refresh_from_db()
    assert (thread.locked, thread.pinned, thread.slow_mode_seconds) == (True, True, 60)
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "lock",
        "pin",
        "slow_mode",
    ]
    with pytest.raises(services.ServiceError):
        services.message_send(actor=member, thread=thread, body="x", client_id="x")


def test_mute_and_unmute(client, login, facilitator, member, thread, group):
    membership = Membership.objects.get(user=member, group=group)
    login(facilitator)
    client.post(url("member-mute", group, membership_id=membership.pk), {"minutes": "60"})
    membership.refresh_from_db()
    assert membership.is_muted
    assert timezone.now() + timedelta(minutes=59) < membership.muted_until
    with pytest.raises(services.ServiceError) as refused:
        services.message_send(actor=member, thread=thread, body="x", client_id="x")
    assert refused.value.code == "muted"
    client.post(url("member-mute", group, membership_id=membership.pk), {"action": "unmute"})
    membership.refresh_from_db()
    assert not membership.is_muted
    assert list(ModerationAction.objects.values_list("kind", flat=True).order_by("pk")) == [
        "mute",
        "unmute",
    ]


def test_a_bad_mute_writes_nothing(client, login, facilitator, member, group):
    membership = Membership.objects.get(user=member, group=group)
    login(facilitator)
    client.post(url("member-mute", group, membership_id=membership.pk), {"minutes": "999999"})
    membership.refresh_from_db()
    assert not membership.is_muted
    assert log_count() == 0


def test_removal_is_logged(facilitator, member, group):
    membership = Membership.objects.get(user=member, group=group)
    services.membership_remove(actor=facilitator, membership=membership, reason="Nadużycia")
    entry = ModerationAction.objects.get()
    assert (entry.kind, entry.target_label, entry.reason) == (
        "remove",
        member.full_name,
        "Nadużycia",
    )


def test_every_action_writes_one_entry_and_refusals_none(facilitator, member, message, thread):
    services.message_hide(actor=facilitator, message=message, reason="r")
    services.message_unhide(actor=facilitator, message=message)
    services.thread_moderate(actor=facilitator, thread=thread, action="pin")
    assert log_count() == 3
    for refused in (
        lambda: services.message_unhide(actor=facilitator, message=message),
        lambda: services.thread_moderate(actor=facilitator, thread=thread, action="pin"),
        lambda: services.thread_moderate(actor=facilitator, thread=thread, action="explode"),
    ):
        with pytest.raises(services.ServiceError):
            refused()
    assert log_count() == 3


# --- The log is append-only -------------------------------------------------------------


def test_the_log_cannot_be_changed_or_deleted(facilitator, message):
    services.message_hide(actor=facilitator, message=message, reason="r")
    entry = ModerationAction.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        ModerationAction.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        ModerationAction.objects.all().delete()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE groups_moderationaction SET reason = 'x'")
    assert ModerationAction.objects.get().reason == "r"


def test_the_log_is_shown_and_exported_as_csv(client, login, facilitator, member, message, group):
    services.message_hide(actor=facilitator, message=message, reason="Reklama; „spam”")
    login(facilitator)
    page = client.get(url("moderation-log", group))
    assert "Reklama" in page.content.decode()
    response = client.get(url("moderation-log-csv", group))
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == facilitator.full_name
    assert rows[1][4] == "Reklama; „spam”"
    login(member)
    assert client.get(url("moderation-log-csv", group)).status_code == 403


# --- Blocked phrases --------------------------------------------------------------------


def test_a_blocked_phrase_holds_the_message_for_review(
    client, login, facilitator, member, observer, thread, group
):
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="Tanie  Zegarki")
    before = events.latest_seq(group.pk)
    message, created = services.message_send(
        actor=member, thread=thread, body="Mam TANIE zegarki dla gmin", client_id="h"
    )
    assert created and message.is_held and message.seq == 0
    assert events.latest_seq(group.pk) == before  # nothing was announced
    login(observer)
    assert "TANIE" not in client.get(thread.get_absolute_url()).content.decode()
    login(member)
    assert "TANIE" in client.get(thread.get_absolute_url()).content.decode()

    login(facilitator)
    queue = client.get(url("moderation-queue", group))
    assert queue.context["held"] == [message]
    client.post(url("message-moderate", group, message_id=message.pk), {"action": "release"})
    message.refresh_from_db()
    assert not message.is_held and message.seq == before + 1
    assert list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "block_phrase",
        "hold",
        "release",
    ]


def test_a_rejected_held_message_is_deleted(facilitator, member, thread, group):
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="zegarki")
    message, _ = services.message_send(actor=member, thread=thread, body="zegarki", client_id="h")
    services.message_reject(actor=facilitator, message=message, reason="Reklama")
    assert not Message.objects.filter(pk=message.pk).exists()


def test_blocked_phrases_are_managed_by_facilitators(client, login, facilitator, member, group):
    login(facilitator)
    client.post(url("blocked-phrases", group), {"phrase": "oszustwo"})
    blocked = BlockedPhrase.objects.get()
    client.post(url("blocked-phrase-remove", group, phrase_id=blocked.pk))
    assert not BlockedPhrase.objects.exists()
    login(member)
    assert client.get(url("blocked-phrases", group)).status_code == 403


# --- Over the socket ----------------------------------------------------------------------

pytestmark_socket = pytest.mark.django_db(transaction=True)


@pytestmark_socket
async def test_a_hidden_message_disappears_from_every_connected_client(
    connect,  # noqa: F811
    facilitator,
    member,
    observer,
    group,
    message,
):
    _, marek = await connect(facilitator, group)
    _, anna = await connect(member, group)
    _, barbara = await connect(observer, group)
    await marek.send({"type": "message.hide", "id": message.pk, "reason": "Reklama"})
    for socket in (marek, anna, barbara):
        hidden = await socket.receive("message.hidden")
        assert hidden["id"] == message.pk
    personal = await anna.receive("moderation")
    assert (personal["action"], personal["reason"]) == ("hidden", "Reklama")
    for socket in (marek, anna, barbara):
        await socket.close()


@pytestmark_socket
async def test_a_member_cannot_moderate_over_the_socket(connect, member, group, message):  # noqa: F811
    _, anna = await connect(member, group)
    before = await sync_to_async(log_count)()
    await anna.send({"type": "message.hide", "id": message.pk, "reason": "x"})
    assert (await anna.receive("error"))["code"] == "forbidden"
    await anna.send({"type": "thread.lock", "thread": message.thread_id})
    assert (await anna.receive("error"))["code"] == "forbidden"
    await anna.send({"type": "member.mute", "user": anna and member.pk, "minutes": 10})
    assert (await anna.receive("error"))["code"] == "forbidden"
    assert await sync_to_async(log_count)() == before
    await anna.close()


@pytestmark_socket
async def test_a_facilitator_cannot_act_in_another_group_through_their_socket(
    connect,  # noqa: F811
    facilitator,
    group,
    other_group,
    member_factory,
):
    def foreign_objects():
        stranger = member_factory(other_group, Role.FACILITATOR, email="f@ppp.gwd.test")
        member_b = member_factory(other_group, Role.MEMBER, email="m@ppp.gwd.test")
        thread_b, message_b = services.thread_create(
            actor=stranger, group=other_group, title="B", body="b", client_id="b"
        )
        return thread_b, message_b, member_b

    thread_b, message_b, member_b = await sync_to_async(foreign_objects)()
    _, marek = await connect(facilitator, group)
    before = await sync_to_async(log_count)()
    for frame in (
        {"type": "message.hide", "id": message_b.pk, "reason": "x"},
        {"type": "thread.lock", "thread": thread_b.pk},
        {"type": "thread.pin", "thread": thread_b.pk},
        {"type": "member.mute", "user": member_b.pk, "minutes": 10},
    ):
        await marek.send(frame)
        assert (await marek.receive("error"))["code"] == "not_found", frame
    assert await sync_to_async(log_count)() == before
    await marek.close()


@pytestmark_socket
async def test_mute_and_lock_apply_to_the_very_next_frame(
    connect,  # noqa: F811
    facilitator,
    member,
    group,
    thread,
):
    _, marek = await connect(facilitator, group)
    _, anna = await connect(member, group)
    await marek.send({"type": "member.mute", "user": member.pk, "minutes": 30})
    notice = await anna.receive("moderation")
    assert notice["action"] == "muted" and notice["until"]
    await anna.send({"type": "message.send", "thread": thread.pk, "body": "x", "client_id": "a"})
    assert (await anna.receive("error"))["code"] == "muted"

    await sync_to_async(Membership.objects.filter(user=member).update)(muted_until=None)
    await marek.send({"type": "thread.lock", "thread": thread.pk})
    locked = await anna.receive("thread.updated")
    assert locked["thread"]["locked"]
    await anna.send({"type": "message.send", "thread": thread.pk, "body": "y", "client_id": "b"})
    assert (await anna.receive("error"))["code"] == "locked"
    await marek.close()
    await anna.close()


@pytestmark_socket
async def test_a_removed_members_socket_closes_within_a_second_and_cannot_reconnect(
    connect,  # noqa: F811
    facilitator,
    member,
    group,
):
    _, anna = await connect(member, group)
    membership = await sync_to_async(Membership.objects.get)(user=member, group=group)
    await sync_to_async(services.membership_remove)(actor=facilitator, membership=membership)
    closed = None
    for _ in range(10):
        output = await anna.communicator.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            closed = output
            break
    assert closed == {"type": "websocket.close", "code": 4404}
    connected, _ = await connect(member, group)
    assert not connected


# --- Held and hidden messages are out of sight everywhere -----------------------------


@pytest.fixture
def held(facilitator, member, thread, group):
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="zegarki")
    message, _ = services.message_send(
        actor=member, thread=thread, body="Tanie zegarki tutaj", client_id="held-1"
    )
    assert message.is_held
    return message


def test_a_held_message_cannot_be_seen_or_reported_by_others(
    client, login, observer, member_factory, held, group
):
    other = member_factory(group, email="inna@gmina.gwd.test")
    for person in (observer, other):
        login(person)
        page = client.get(url("message-report", group, message_id=held.pk))
        assert page.status_code == 404
        assert b"zegarki" not in page.content
        response = client.post(url("message-report", group, message_id=held.pk), {"reason": "spam"})
        assert response.status_code == 404
    assert not Report.objects.exists()


def test_a_hidden_message_cannot_be_reported(client, login, observer, facilitator, message, group):
    services.message_hide(actor=facilitator, message=message, reason="spam")
    login(observer)
    client.post(url("message-report", group, message_id=message.pk), {"reason": "spam"})
    assert not Report.objects.exists()


@pytestmark_socket
async def test_a_held_message_is_not_found_over_the_socket(
    connect,  # noqa: F811
    member_factory,
    held,
    group,
):
    other = await sync_to_async(member_factory)(group, email="inna@gmina.gwd.test")
    _, socket = await connect(other, group)
    await socket.send({"type": "message.report", "id": held.pk, "reason": "spam"})
    assert (await socket.receive("error", "report.ack"))["code"] == "not_found"
    await socket.send({"type": "reaction.toggle", "message": held.pk, "emoji": "👍"})
    assert (await socket.receive("error"))["code"] == "not_found"
    assert not await sync_to_async(Report.objects.exists)()
    await socket.close()


def test_a_muted_member_cannot_publish_by_editing(facilitator, member, message, group):
    membership = Membership.objects.get(user=member, group=group)
    services.member_mute(actor=facilitator, membership=membership, minutes=30, reason="")
    with pytest.raises(services.ServiceError) as refused:
        services.message_edit(actor=member, message=message, body="Nowy tekst po wyciszeniu")
    assert refused.value.code == "muted"
    message.refresh_from_db()
    assert message.body == "Kupcie tanie zegarki!" and message.edited_at is None


def test_an_edit_into_a_blocked_phrase_is_refused(facilitator, member, thread, group):
    clean, _ = services.message_send(
        actor=member, thread=thread, body="Dzień dobry", client_id="clean-1"
    )
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="zegarki")
    before = events.latest_seq(group.pk)
    with pytest.raises(services.ServiceError) as refused:
        services.message_edit(actor=member, message=clean, body="Tanie ZEGARKI tutaj")
    assert refused.value.code == "blocked_phrase"
    clean.refresh_from_db()
    assert clean.body == "Dzień dobry"
    assert events.latest_seq(group.pk) == before  # nothing was announced


# --- Reports end when their message is hidden or removed --------------------------------


def test_the_queue_offers_hiding_beside_deleting(
    client, login, facilitator, observer, message, group
):
    services.report_create(actor=observer, message=message, reason="spam")
    login(facilitator)
    page = client.get(url("moderation-queue", group)).content.decode()
    hide = url("message-moderate", group, message_id=message.pk)
    assert f'action="{hide}"' in page and 'name="action" value="hide"' in page
    assert url("message-remove", group, message_id=message.pk) in page


def test_hiding_from_the_queue_resolves_every_report_on_the_message(
    client, login, facilitator, observer, member_factory, message, group
):
    other = member_factory(group, email="other@gwd.test")
    services.report_create(actor=observer, message=message, reason="spam")
    services.report_create(actor=other, message=message, reason="offensive")
    login(facilitator)
    response = client.post(
        url("message-moderate", group, message_id=message.pk),
        {"action": "hide", "reason": "Reklama", "next": "queue"},
    )
    assert response.url == url("moderation-queue", group)
    message.refresh_from_db()
    assert message.is_hidden
    assert set(Report.objects.values_list("status", "decided_by")) == {("resolved", facilitator.pk)}
    resolved = ModerationAction.objects.filter(kind="resolve")
    assert resolved.count() == 2 and {e.reason for e in resolved} == {"Reklama"}
    assert client.get(url("moderation-queue", group)).context["reported"] == []


def test_hiding_by_any_road_resolves_the_reports(facilitator, observer, message):
    services.report_create(actor=observer, message=message, reason="spam")
    services.message_hide(actor=facilitator, message=message, reason="Reklama")
    assert Report.objects.get().status == Report.Status.RESOLVED


def test_a_decided_report_stays_as_it_was_when_the_message_is_hidden(
    facilitator, observer, message, group
):
    report = services.report_create(actor=observer, message=message, reason="spam")
    services.reports_decide(actor=facilitator, group=group, report_ids=[report.pk], resolve=False)
    services.message_hide(actor=facilitator, message=message, reason="Reklama")
    assert Report.objects.get().status == Report.Status.DISMISSED
    assert ModerationAction.objects.filter(kind="resolve").count() == 0


def test_removing_a_message_resolves_its_reports_in_the_log(
    client, login, facilitator, observer, message, group
):
    services.report_create(actor=observer, message=message, reason="spam")
    login(facilitator)
    client.post(url("message-remove", group, message_id=message.pk), {"reason": "Spam"})
    assert not Report.objects.exists()  # they go with the message
    kinds = list(ModerationAction.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["report", "resolve", "delete"]


def test_a_message_its_author_deletes_keeps_its_reports_for_a_facilitator(
    client, login, facilitator, member, observer, message, group
):
    """Deleting one's own message does not make the reports about it go away: posting,
    waiting to be reported and deleting would hide a pattern from the facilitators."""
    services.report_create(actor=observer, message=message, reason="spam")
    services.message_delete(actor=member, message=message)
    assert Report.objects.get().status == Report.Status.OPEN
    assert not ModerationAction.objects.filter(kind="resolve").exists()
    login(facilitator)
    reported = client.get(url("moderation-queue", group)).context["reported"]
    assert [entry["message"].pk for entry in reported] == [message.pk]


def test_the_mute_confirmation_names_the_member_and_the_time_in_the_readers_zone(
    client, login, facilitator, member, group
):
    facilitator.time_zone = "Europe/Kyiv"
    facilitator.save(update_fields=["time_zone"])
    membership = Membership.objects.get(user=member, group=group)
    login(facilitator)
    response = client.post(
        url("member-mute", group, membership_id=membership.pk), {"minutes": "60"}, follow=True
    )
    membership.refresh_from_db()
    until = timezone.localtime(membership.muted_until, zoneinfo.ZoneInfo("Europe/Kyiv"))
    [notice] = [str(m) for m in response.context["messages"]]
    assert "Anna Nowak" in notice and until.strftime("%H:%M") in notice
    response = client.post(
        url("member-mute", group, membership_id=membership.pk), {"action": "unmute"}, follow=True
    )
    [notice] = [str(m) for m in response.context["messages"]]
    assert "Anna Nowak" in notice
