"""A replay never shows more than the thread page shows now (DESIGN.md, delivery).

The event log names what changed; `resume` rebuilds each frame from the current state of
the message or thread, so text deleted, hidden, removed or edited away, and the name of
a deleted account, are not sent again to anyone.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups import events, services
from groups.models import Event, Message


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


def replay_after(group, seq: int) -> list[dict]:
    return [json.loads(text) for _seq, text in events.events_replay(group.pk, seq, 500)]


def replay_text(group, seq: int = 0) -> str:
    return "\n".join(text for _seq, text in events.events_replay(group.pk, seq, 500))


def post(member, thread, body: str, client_id: str) -> Message:
    message, _created = services.message_send(
        actor=member, thread=thread, body=body, client_id=client_id
    )
    return message


def test_a_message_deleted_by_its_author_replays_without_its_text(group, member, thread):
    before = events.latest_seq(group.pk)
    message = post(member, thread, "Tajne hasło do BIP", "d1")
    services.message_delete(actor=member, message=message)
    frames = replay_after(group, before)
    assert [f["type"] for f in frames] == ["message.new", "message.updated"]
    assert all(f["message"]["deleted"] and f["message"]["body"] == "" for f in frames)
    assert "Tajne hasło" not in replay_text(group)


def test_a_hidden_message_replays_without_its_text(group, member, facilitator, thread):
    before = events.latest_seq(group.pk)
    message = post(member, thread, "Obraźliwy wpis", "h1")
    services.message_hide(actor=facilitator, message=message, reason="spam")
    frames = replay_after(group, before)
    assert [f["type"] for f in frames] == ["message.new", "message.hidden"]
    assert frames[0]["message"]["hidden"] is True
    assert "Obraźliwy" not in replay_text(group)


def test_an_unhidden_message_replays_as_it_shows_now(group, member, facilitator, thread):
    before = events.latest_seq(group.pk)
    message = post(member, thread, "Wpis do wyjaśnienia", "u1")
    services.message_hide(actor=facilitator, message=message, reason="sprawdzam")
    services.message_unhide(actor=facilitator, message=message)
    frames = replay_after(group, before)
    assert [f["type"] for f in frames] == ["message.new", "message.updated", "message.updated"]
    assert all(f["message"]["body"] == "Wpis do wyjaśnienia" for f in frames)


def test_a_message_removed_for_good_replays_as_a_tombstone(group, member, facilitator, thread):
    before = events.latest_seq(group.pk)
    message = post(member, thread, "Dane osobowe mieszkańca", "r1")
    services.message_remove(actor=facilitator, message=message, reason="RODO")
    frames = replay_after(group, before)
    # Its numbers still count (no gap for the client), but nothing of it is left.
    assert [f["seq"] for f in frames] == [before + 1, before + 2]
    assert {f["type"] for f in frames} == {"message.updated"}
    assert all(f["message"] == frames[0]["message"] for f in frames)
    assert frames[0]["message"]["removed"] and frames[0]["message"]["author"] is None
    assert "Dane osobowe" not in replay_text(group)
    assert member.full_name not in replay_text(group, before)


def test_an_edited_message_replays_only_its_current_text(group, member, thread):
    before = events.latest_seq(group.pk)
    message = post(member, thread, "Pierwsza wersja z błędem", "e1")
    services.message_edit(actor=member, message=message, body="Poprawiona wersja")
    frames = replay_after(group, before)
    assert [f["message"]["body"] for f in frames] == ["Poprawiona wersja"] * 2
    assert "błędem" not in replay_text(group)


def test_a_deleted_account_leaves_no_name_in_any_replay(group, member_factory, thread):
    leaver = member_factory(group, full_name="Zofia Niepowtarzalna")
    post(leaver, thread, "Mój wkład", "a1")
    services.account_delete(actor=leaver)
    assert "Niepowtarzalna" not in replay_text(group)
    stored = list(Event.objects.filter(group=group).values())
    assert "Niepowtarzalna" not in json.dumps(stored, default=str)


def test_a_thread_change_replays_the_thread_as_it_is_now(group, facilitator, thread):
    before = events.latest_seq(group.pk)
    services.thread_moderate(actor=facilitator, thread=thread, action="lock")
    services.thread_moderate(actor=facilitator, thread=thread, action="unlock")
    frames = replay_after(group, before)
    assert [f["type"] for f in frames] == ["thread.updated", "thread.updated"]
    assert [f["thread"]["locked"] for f in frames] == [False, False]


def test_a_replay_costs_the_same_queries_however_many_events(group, member, thread, settings):
    settings.MESSAGE_RATE = "1000/second"
    before = events.latest_seq(group.pk)

    def replay_queries(count: int) -> int:
        for i in range(count):
            message = post(member, thread, f"nr {i}", f"q{count}-{i}")
            services.reaction_toggle(actor=member, message=message, emoji="👍")
        with CaptureQueriesContext(connection) as queries:
            assert len(events.events_replay(group.pk, before, 500)) >= 2 * count
        return len(queries)

    assert replay_queries(2) == replay_queries(20)
