"""Discussion services, rendering and pages (the socket is in test_consumer.py)."""

from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import events, services
from groups.models import Event, Membership, Mention, Message, MessageRevision, ReadPosition
from gwd.markdown import render


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


def send(user, thread, body="Dzień dobry", client_id=None):
    message, _created = services.message_send(
        actor=user, thread=thread, body=body, client_id=client_id or f"c-{body}-{user.pk}"
    )
    return message


# --- Rendering ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">x</a>',
        '<svg onload="alert(1)">',
        "<iframe src=//evil.example></iframe>",
        "[x](vbscript:msgbox(1))",
        "`<script>` **<b onmouseover=alert(1)>x</b>**",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_hostile_markup_comes_out_inert(payload):
    html, _mentions = render(payload)
    parser = TagCollector()
    parser.feed(html)
    assert parser.tags <= {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
    }
    for name, value in parser.attributes:
        assert name in {"href", "rel", "start"}, name
        if name == "href":
            assert value.split(":")[0].lower() in {"http", "https", "mailto"} or ":" not in value


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def test_the_markdown_subset_renders():
    html, _ = render("**ważne** _uwaga_\n\n- jeden\n- dwa\n\n> cytat\n\n`kod`")
    for tag in (
        "<strong>ważne</strong>",
        "<em>uwaga</em>",
        "<li>jeden</li>",
        "<blockquote>",
        "<code>kod</code>",
    ):
        assert tag in html


def test_links_get_nofollow_noopener():
    html, _ = render("[ZMP](https://www.zmp.poznan.pl)")
    assert 'rel="nofollow noopener noreferrer"' in html
    assert 'href="https://www.zmp.poznan.pl"' in html


def test_headings_and_images_are_not_rendered():
    html, _ = render("# Nagłówek\n\n![x](https://example.org/x.png)")
    assert "<h1" not in html and "<img" not in html


# --- Sending --------------------------------------------------------------------------


def test_a_message_gets_the_next_event_number_of_its_group(member, thread, group):
    before = events.latest_seq(group.pk)
    message = send(member, thread)
    assert message.seq == before + 1
    assert Event.objects.get(group=group, seq=message.seq).type == "message.new"
    thread.refresh_from_db()
    assert (thread.message_count, thread.last_seq) == (2, message.seq)


def test_a_retry_with_the_same_client_id_returns_the_stored_message(member, thread):
    first, created = services.message_send(
        actor=member, thread=thread, body="Raz", client_id="same"
    )
    again, created_again = services.message_send(
        actor=member, thread=thread, body="Raz", client_id="same"
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert Message.objects.filter(author=member, client_id="same").count() == 1


@pytest.mark.parametrize(
    "body, code", [("", "empty"), ("   ", "empty"), ("x" * 10_001, "too_long"), (42, "invalid")]
)
def test_bad_bodies_are_refused_and_nothing_is_written(member, thread, body, code):
    before = Event.objects.count()
    with pytest.raises(services.ServiceError) as refused:
        services.message_send(actor=member, thread=thread, body=body, client_id="bad")
    assert refused.value.code == code
    assert Event.objects.count() == before
    assert not Message.objects.filter(client_id="bad").exists()


def test_a_locked_thread_refuses_messages(member, thread):
    thread.locked = True
    thread.save()
    with pytest.raises(services.ServiceError) as refused:
        send(member, thread)
    assert refused.value.code == "locked"


def test_a_muted_member_cannot_post(member, thread, group):
    Membership.objects.filter(user=member, group=group).update(
        muted_until=timezone.now() + timedelta(minutes=10)
    )
    with pytest.raises(services.ServiceError) as refused:
        send(member, thread)
    assert refused.value.code == "muted"
    assert refused.value.retry_after > 500


def test_sending_too_fast_is_refused_with_a_wait(member, thread, settings):
    settings.MESSAGE_RATE = "3/10seconds"
    for i in range(3):
        send(member, thread, body=f"m{i}")
    with pytest.raises(services.ServiceError) as refused:
        send(member, thread, body="one too many")
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.retry_after <= 10


def test_slow_mode_spaces_one_members_messages(member, thread):
    thread.slow_mode_seconds = 60
    thread.save()
    send(member, thread, body="pierwsza")
    with pytest.raises(services.ServiceError) as refused:
        send(member, thread, body="druga")
    assert refused.value.code == "slow_mode"


def test_nothing_is_announced_when_the_transaction_rolls_back(
    member, thread, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(events, "send_to_group") as ring,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        try:
            with transaction.atomic():
                send(member, thread, body="wycofana")
                raise RuntimeError("something later in the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    ring.assert_not_called()
    assert not Message.objects.filter(body="wycofana").exists()


def test_an_announcement_happens_after_commit(member, thread, django_capture_on_commit_callbacks):
    with mock.patch.object(events, "send_to_group") as ring:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            message = send(member, thread, body="po zatwierdzeniu")
        ring.assert_not_called()
        for callback in callbacks:
            callback()
    ring.assert_called_once()
    assert ring.call_args.kwargs["seq"] == message.seq


# --- Mentions -------------------------------------------------------------------------


def test_a_mention_notifies_only_group_members(
    member, observer, outsider, thread, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(events, "send_to_users") as push,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = send(
            member,
            thread,
            body=f"@**{observer.full_name}** i @**{outsider.full_name}**, zobaczcie.",
        )
    assert list(Mention.objects.values_list("user_id", flat=True)) == [observer.pk]
    sent = [(uid, frame) for c in push.call_args_list for uid, frame in c.args[0].items()]
    mentions = [uid for uid, frame in sent if frame["type"] == "mention"]
    assert mentions == [observer.pk]
    bells = [uid for uid, frame in sent if frame["type"] == "notification"]
    # The mentioned member's bell, and the thread starter's (a reply); never the outsider's.
    assert observer.pk in bells and outsider.pk not in bells
    assert f'data-user="{observer.pk}"' in message.html
    assert f"@**{outsider.full_name}**" not in message.html  # stays text, not a mention
    assert 'class="mention"' in message.html and message.html.count('class="mention"') == 1


def test_a_removed_member_is_not_mentioned(facilitator, member, thread, group):
    Membership.objects.filter(user=member, group=group).update(status="removed")
    send(facilitator, thread, body=f"@**{member.full_name}**")
    assert not Mention.objects.exists()


# --- Editing, deleting, reacting ------------------------------------------------------


def test_editing_keeps_the_history(member, thread):
    message = send(member, thread, body="Pierwsza wersja")
    services.message_edit(actor=member, message=message, body="Druga wersja")
    message.refresh_from_db()
    assert message.body == "Druga wersja" and message.edited_at
    assert list(MessageRevision.objects.values_list("body", flat=True)) == ["Pierwsza wersja"]
    assert Event.objects.filter(type="message.updated").count() == 1


def test_only_the_author_edits_or_deletes(member, facilitator, thread):
    message = send(member, thread)
    for change in (
        lambda: services.message_edit(actor=facilitator, message=message, body="x"),
        lambda: services.message_delete(actor=facilitator, message=message),
    ):
        with pytest.raises(services.ServiceError) as refused:
            change()
        assert refused.value.code == "forbidden"


def test_deleting_leaves_a_placeholder_without_the_text(member, thread):
    message = send(member, thread, body="Do usunięcia")
    services.message_edit(actor=member, message=message, body="Poprawione")
    services.message_delete(actor=member, message=message)
    message.refresh_from_db()
    assert message.deleted_at and message.body == "" and message.html == ""
    assert not message.revisions.exists()
    payload = services.message_payload(message)
    assert payload["deleted"] and payload["body"] == ""


def test_reactions_toggle(member, observer, thread):
    message = send(member, thread)
    services.reaction_toggle(actor=observer, message=message, emoji="👍")
    assert services.message_payload(message)["reactions"] == {"👍": [observer.pk]}
    services.reaction_toggle(actor=observer, message=message, emoji="👍")
    assert services.message_payload(message)["reactions"] == {}
    with pytest.raises(services.ServiceError):
        services.reaction_toggle(actor=observer, message=message, emoji="💩")


# --- Reading ----------------------------------------------------------------------------


def test_read_positions_never_move_back(member, facilitator, thread):
    send(facilitator, thread, body="a")
    second = send(facilitator, thread, body="b")
    services.thread_read(actor=member, thread=thread, seq=second.seq)
    services.thread_read(actor=member, thread=thread, seq=1)
    assert ReadPosition.objects.get(user=member, thread=thread).last_read_seq == second.seq


# --- Pages ------------------------------------------------------------------------------


def test_the_thread_list_counts_unread_messages(client, login, member, facilitator, thread):
    send(facilitator, thread, body="nowa 1")
    send(facilitator, thread, body="nowa 2")
    login(member)
    response = client.get(reverse("groups:thread-list", kwargs={"slug": thread.group.slug}))
    row = next(iter(response.context["page"]))
    assert row.unread == 3  # the first message and two more
    client.get(thread.get_absolute_url())
    response = client.get(reverse("groups:thread-list", kwargs={"slug": thread.group.slug}))
    assert next(iter(response.context["page"])).unread == 0


def test_a_thread_reads_without_javascript_and_the_form_posts(client, login, member, thread):
    login(member)
    page = client.get(thread.get_absolute_url())
    assert "Wzór umowy" in page.content.decode()
    response = client.post(
        reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk}),
        {"body": "Wysłane zwykłym formularzem"},
    )
    message = Message.objects.get(body="Wysłane zwykłym formularzem")
    assert response.url.endswith(f"#m{message.pk}")


def test_an_empty_form_post_writes_nothing(client, login, member, thread):
    login(member)
    client.post(
        reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk}),
        {"body": ""},
    )
    assert Message.objects.count() == 1


def test_starting_a_thread_from_the_form(client, login, member, group):
    login(member)
    response = client.post(
        reverse("groups:thread-create", kwargs={"slug": group.slug}),
        {"title": "Podatek od nieruchomości", "body": "Jak liczycie ulgi?"},
    )
    assert response.status_code == 302
    assert Message.objects.get().body == "Jak liczycie ulgi?"


def test_an_observer_cannot_start_a_thread(client, login, observer, group):
    login(observer)
    response = client.post(
        reverse("groups:thread-create", kwargs={"slug": group.slug}),
        {"title": "x", "body": "y"},
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_discussion_pages_run_a_fixed_number_of_queries(
    client, login, member, facilitator, thread, group, settings
):
    settings.MESSAGE_RATE = "1000/second"
    login(member)
    thread_list = reverse("groups:thread-list", kwargs={"slug": group.slug})
    client.get(thread.get_absolute_url())  # the first visit creates the read position
    few = (count_queries(client, thread_list), count_queries(client, thread.get_absolute_url()))
    for i in range(30):
        message = send(facilitator, thread, body=f"wiadomość {i}")
        services.reaction_toggle(actor=member, message=message, emoji="👍")
        services.thread_create(
            actor=facilitator, group=group, title=f"Wątek {i}", body="x", client_id=f"t{i}"
        )
    many = (count_queries(client, thread_list), count_queries(client, thread.get_absolute_url()))
    assert few == many
    # The thread page: two of them are the messages' attachments and the documents the
    # reply form offers to link.
    assert max(many) <= 14


def test_facilitators_read_the_edit_history(client, login, member, facilitator, thread):
    message = send(member, thread, body="Przed")
    services.message_edit(actor=member, message=message, body="Po")
    url = reverse(
        "groups:message-history", kwargs={"slug": thread.group.slug, "message_id": message.pk}
    )
    login(facilitator)
    assert "Przed" in client.get(url).content.decode()
    login(member)
    assert client.get(url).status_code == 403


def test_member_search_finds_only_this_groups_members(client, login, member, outsider, group):
    login(member)
    url = reverse("groups:member-search", kwargs={"slug": group.slug})
    names = [m["name"] for m in client.get(url, {"q": "a"}).json()["members"]]
    assert member.full_name in names
    assert outsider.full_name not in names


def test_posting_costs_the_same_queries_however_many_took_part(member_factory, group, thread):
    """A reply notifies every earlier participant, in a fixed number of statements."""

    def queries_for_a_reply_after(participants: int) -> int:
        for n in range(participants):
            send(member_factory(group, email=f"p{participants}-{n}@gwd.test"), thread)
        replying = member_factory(group, email=f"r{participants}@gwd.test")
        with CaptureQueriesContext(connection) as captured:
            send(replying, thread)
        # The savepoints are the test's transaction around the service's own.
        return len(
            [
                q
                for q in captured.captured_queries
                if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
            ]
        )

    assert queries_for_a_reply_after(2) == queries_for_a_reply_after(12) <= 10


def test_a_thread_title_loses_bidi_controls_and_line_breaks(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator,
        group=group,
        title="Faktura\u202e\n fdp.exe\u2066",
        body="Treść",
        client_id="bidi-1",
    )
    assert thread.title == "Faktura fdp.exe"


def test_a_message_loses_bidi_controls_and_keeps_everything_else(member, group, thread):
    message, _ = services.message_send(
        actor=member, thread=thread, body="Załącznik:\u202e fdp.exe\n**pilne**", client_id="b2"
    )
    assert message.body == "Załącznik: fdp.exe\n**pilne**"
