"""Answering a message: the reply names its original, may quote a part of it, and shows
the original's author and an excerpt only while every member can read the original."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import Message
from groups.payloads import message_payload
from groups.views.discussions import MESSAGES_PER_PAGE
from gwd.errors import ServiceError
from tests.groups.test_consumer import connect  # noqa: F401 (the socket fixture)


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


@pytest.fixture
def original(facilitator, thread):
    return send(facilitator, thread, "Termin składania ofert mija w piątek o **15:00**.")


def send(user, thread, body, **reply):
    message, _created = services.message_send(
        actor=user, thread=thread, body=body, client_id=f"c-{body}-{user.pk}", **reply
    )
    return message


def statements(captured) -> int:
    # The savepoints are the test's transaction around the service's own.
    return len([q for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


# --- The service --------------------------------------------------------------------


def test_a_reply_names_its_original_and_shows_its_author_and_start(member, original, thread):
    reply = send(member, thread, "Dziękuję", reply_to=original.pk)
    shown = message_payload(Message.objects.get(pk=reply.pk))["reply_to"]
    assert shown == {
        "id": original.pk,
        "state": "visible",
        "author": original.author.full_name,
        "quote": False,
        "excerpt": "Termin składania ofert mija w piątek o 15:00.",
    }


def test_a_reply_quotes_the_part_of_the_original_its_author_chose(member, original, thread):
    reply = send(member, thread, "Czy to pewne?", reply_to=original.pk, quote="w piątek o 15:00")
    shown = message_payload(reply)["reply_to"]
    assert shown["quote"] is True
    assert shown["excerpt"] == "w piątek o 15:00"


def test_a_quote_must_come_from_the_original(member, original, thread):
    with pytest.raises(ServiceError) as refused:
        send(member, thread, "Nie", reply_to=original.pk, quote="w sobotę")
    assert refused.value.code == "invalid"
    assert not Message.objects.filter(author=member).exists()


@pytest.mark.parametrize("reply_to", ["5", 1.5, True, -1, 0, [1]])
def test_a_reply_to_something_not_an_id_is_refused(member, thread, reply_to):
    with pytest.raises(ServiceError) as refused:
        send(member, thread, "Odpowiedź", reply_to=reply_to)
    assert refused.value.code == "invalid"
    assert not Message.objects.filter(author=member).exists()


def test_a_reply_to_a_message_of_another_thread_or_group_is_not_found(
    member, facilitator, group, other_group, thread, member_factory
):
    _elsewhere, first = services.thread_create(
        actor=facilitator, group=group, title="Inny", body="Inny wątek", client_id="t2"
    )
    stranger = member_factory(other_group, email="obcy@gwd.test")
    _foreign, foreign_first = services.thread_create(
        actor=stranger, group=other_group, title="Obcy", body="Obca grupa", client_id="t3"
    )
    for reply_to in (first.pk, foreign_first.pk, 999999):
        with pytest.raises(ServiceError) as refused:
            send(member, thread, f"Odpowiedź {reply_to}", reply_to=reply_to)
        assert refused.value.code == "not_found"
    assert not Message.objects.filter(author=member).exists()


@pytest.mark.parametrize("gone", ["deleted", "hidden"])
def test_a_reply_to_a_gone_message_is_refused(member, facilitator, original, thread, gone):
    if gone == "deleted":
        services.message_delete(actor=facilitator, message=original)
    else:
        services.message_hide(actor=facilitator, message=original, reason="Spam")
    with pytest.raises(ServiceError) as refused:
        send(member, thread, "Odpowiedź", reply_to=original.pk)
    assert refused.value.code == "not_found"


def test_an_original_deleted_later_shows_as_deleted_never_its_text(
    member, facilitator, original, thread
):
    reply = send(member, thread, "Dobrze", reply_to=original.pk, quote="w piątek")
    services.message_delete(actor=facilitator, message=original)
    shown = message_payload(Message.objects.get(pk=reply.pk))["reply_to"]
    assert shown == {"id": original.pk, "state": "deleted"}


def test_an_original_hidden_later_shows_as_hidden_never_its_quote(
    member, facilitator, original, thread
):
    reply = send(member, thread, "Dobrze", reply_to=original.pk, quote="w piątek")
    services.message_hide(actor=facilitator, message=original, reason="Spam")
    shown = message_payload(Message.objects.get(pk=reply.pk))["reply_to"]
    assert shown == {"id": original.pk, "state": "hidden"}
    services.message_unhide(actor=facilitator, message=original)
    assert message_payload(Message.objects.get(pk=reply.pk))["reply_to"]["excerpt"] == "w piątek"


def test_an_original_removed_for_good_leaves_the_reply_saying_so(
    member, facilitator, original, thread
):
    reply = send(member, thread, "Dobrze", reply_to=original.pk)
    services.message_remove(actor=facilitator, message=original, reason="Dane osobowe")
    shown = message_payload(Message.objects.get(pk=reply.pk))["reply_to"]
    assert shown == {"id": None, "state": "deleted"}


def test_the_excerpt_follows_the_originals_edits(member, facilitator, original, thread):
    reply = send(member, thread, "Dobrze", reply_to=original.pk)
    services.message_edit(actor=facilitator, message=original, body="Termin przesunięty.")
    shown = message_payload(Message.objects.get(pk=reply.pk))["reply_to"]
    assert shown["excerpt"] == "Termin przesunięty."


def test_a_reply_costs_one_statement_more_than_a_message(member_factory, group, thread, original):
    """Reading the original is the one statement an answer adds to the message path."""
    plain, answering = (member_factory(group, email=f"{n}@gwd.test") for n in ("p", "a"))
    with CaptureQueriesContext(connection) as without:
        send(plain, thread, "Zwykła")
    with CaptureQueriesContext(connection) as with_reply:
        send(answering, thread, "Odpowiedź", reply_to=original.pk, quote="w piątek")
    assert statements(with_reply) == statements(without) + 1 <= 11


# --- The pages without JavaScript ---------------------------------------------------


def test_the_reply_link_opens_the_form_with_the_original_chosen(client, login, member, original):
    login(member)
    page = client.get(original.thread.get_absolute_url())
    html = page.content.decode()
    assert f'href="?reply_to={original.pk}#reply-form"' in html
    answering = client.get(original.thread.get_absolute_url(), {"reply_to": original.pk})
    assert answering.status_code == 200
    form = answering.context["form"]
    assert form.initial["reply_to"] == original.pk
    assert answering.context["answered"] == original
    assert f'name="reply_to" value="{original.pk}"' in answering.content.decode()


@pytest.mark.parametrize("reply_to", ["abc", "999999", "-3", ""])
def test_the_reply_form_for_no_such_message_is_a_clear_400(client, login, member, thread, reply_to):
    login(member)
    page = client.get(thread.get_absolute_url(), {"reply_to": reply_to})
    assert page.status_code == 400
    assert page.context["reply_error"]
    assert 'class="form-errors" role="alert"' in page.content.decode()


def test_a_reply_posted_without_javascript_is_stored_and_shown(
    client, login, member, original, thread
):
    login(member)
    url = reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk})
    response = client.post(url, {"body": "Potwierdzam", "reply_to": original.pk})
    reply = Message.objects.get(author=member)
    assert response.status_code == 302 and response.url.endswith(f"#m{reply.pk}")
    assert reply.reply_to == original
    html = client.get(thread.get_absolute_url()).content.decode()
    link = reverse(
        "groups:message-link", kwargs={"slug": thread.group.slug, "message_id": original.pk}
    )
    assert f'class="reply-quote__link" href="{link}"' in html
    assert 'class="reply-quote__excerpt">Termin składania ofert mija w piątek o 15:00.<' in html


@pytest.mark.parametrize("reply_to", ["abc", "999999", "1.5"])
def test_a_reply_posted_to_no_such_message_is_a_400_and_writes_nothing(
    client, login, member, thread, reply_to
):
    login(member)
    url = reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk})
    before = Message.objects.count()
    response = client.post(url, {"body": "Potwierdzam", "reply_to": reply_to})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Message.objects.count() == before


def test_a_reply_posted_to_another_groups_message_is_a_400_and_writes_nothing(
    client, login, member, thread, other_group, member_factory
):
    stranger = member_factory(other_group, email="obcy@gwd.test")
    _foreign, foreign_first = services.thread_create(
        actor=stranger, group=other_group, title="Obcy", body="Obca grupa", client_id="t3"
    )
    login(member)
    url = reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk})
    before = Message.objects.count()
    response = client.post(url, {"body": "Potwierdzam", "reply_to": foreign_first.pk})
    assert response.status_code == 400
    assert Message.objects.count() == before
    assert "Obca grupa" not in response.content.decode()


def test_a_hidden_original_shows_its_state_on_the_page_never_its_text(
    client, login, member, facilitator, original, thread
):
    send(member, thread, "Dobrze", reply_to=original.pk, quote="w piątek o 15:00")
    services.message_hide(actor=facilitator, message=original, reason="Spam")
    login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'class="reply-quote reply-quote--hidden"' in html
    assert "w piątek o 15:00" not in html


def test_the_message_link_opens_the_page_that_holds_it(client, login, member, thread, settings):
    settings.MESSAGE_RATE = "1000/second"
    early = send(member, thread, "Pierwsza")
    for n in range(MESSAGES_PER_PAGE):
        send(member, thread, f"Kolejna {n}")
    latest = Message.objects.filter(thread=thread).order_by("-seq").first()
    login(member)

    def link(message):
        return reverse(
            "groups:message-link", kwargs={"slug": thread.group.slug, "message_id": message.pk}
        )

    assert client.get(link(latest)).url == f"{thread.get_absolute_url()}#m{latest.pk}"
    older = client.get(link(early)).url
    assert older == f"{thread.get_absolute_url()}?before={early.seq + 1}#m{early.pk}"
    page = client.get(older.split("#")[0])
    assert early in [message for message, _payload, _html in page.context["message_rows"]]


def test_the_message_link_of_another_group_or_a_held_message_is_not_found(
    client, login, member, observer, facilitator, thread, other_group, member_factory
):
    stranger = member_factory(other_group, email="obcy@gwd.test")
    _foreign, foreign_first = services.thread_create(
        actor=stranger, group=other_group, title="Obcy", body="Obca grupa", client_id="t3"
    )
    held = Message.objects.create(
        thread=thread, group=thread.group, author=facilitator, body="x", html="x",
        client_id="held", seq=0, held_at=thread.created_at,
    )  # fmt: skip
    login(observer)
    for message_id in (foreign_first.pk, held.pk, 999999):
        url = reverse(
            "groups:message-link", kwargs={"slug": thread.group.slug, "message_id": message_id}
        )
        assert client.get(url).status_code == 404


def test_the_thread_page_shows_replies_in_a_fixed_number_of_queries(
    client, login, member_factory, group, thread, original, settings
):
    settings.MESSAGE_RATE = "1000/second"
    viewer = member_factory(group, email="viewer@gwd.test")
    login(viewer)

    def queries_after(replies: int) -> int:
        for n in range(replies):
            author = member_factory(group, email=f"r{replies}-{n}@gwd.test")
            send(author, thread, f"Odpowiedź {replies}-{n}", reply_to=original.pk)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(thread.get_absolute_url()).status_code == 200
        return len(captured)

    queries_after(0)  # the first visit also records where the viewer has read to
    assert queries_after(2) == queries_after(10)


# --- The thread list ----------------------------------------------------------------


def test_the_thread_list_names_who_started_and_who_wrote_last(
    client, login, member, facilitator, thread
):
    send(member, thread, "Ostatnie słowo")
    login(facilitator)
    html = client.get(
        reverse("groups:thread-list", kwargs={"slug": thread.group.slug})
    ).content.decode()
    row = html[html.index(f'data-thread="{thread.pk}"') :]
    starter = row[row.index('class="thread-row__starter">') :][:200]
    last = row[row.index('class="thread-row__last">') :][:200]
    assert facilitator.full_name in starter
    assert member.full_name in last


# --- The socket ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_reply_over_the_socket_reaches_another_member_with_its_quote(
    connect,  # noqa: F811
    member,
    facilitator,
    group,
    thread,
    original,
):
    _ok, author = await connect(member, group)
    _ok, reader = await connect(facilitator, group)
    await author.send(
        {
            "type": "message.send",
            "thread": thread.pk,
            "body": "Czy to pewne?",
            "client_id": "r1",
            "reply_to": original.pk,
            "quote": "w piątek",
        }
    )
    assert (await author.receive("message.ack"))["client_id"] == "r1"
    frame = await reader.receive("message.new")
    assert frame["message"]["reply_to"]["id"] == original.pk
    assert frame["message"]["reply_to"]["excerpt"] == "w piątek"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "reply_to, code",
    [("5", "invalid"), (999999, "not_found"), (True, "invalid")],
)
async def test_a_bad_reply_over_the_socket_is_an_error_frame_and_writes_nothing(
    connect,  # noqa: F811
    member,
    group,
    thread,
    reply_to,
    code,
):
    _ok, socket = await connect(member, group)
    frame = {
        "type": "message.send",
        "thread": thread.pk,
        "body": "Odpowiedź",
        "client_id": "r2",
        "reply_to": reply_to,
    }
    await socket.send(frame)
    error = await socket.receive("error")
    assert error["code"] == code
    await socket.send({**frame, "reply_to": None, "quote": 5})
    assert (await socket.receive("error"))["code"] == "invalid"
    assert not await _has_written(member)


@pytest.mark.django_db(transaction=True)
async def test_an_observer_cannot_reply_over_the_socket(
    connect,  # noqa: F811
    observer,
    group,
    thread,
    original,
):
    _ok, socket = await connect(observer, group)
    await socket.send(
        {
            "type": "message.send",
            "thread": thread.pk,
            "body": "Odpowiedź",
            "client_id": "r3",
            "reply_to": original.pk,
        }
    )
    assert (await socket.receive("error"))["code"] == "forbidden"
    assert not await _has_written(observer)


async def _has_written(user) -> bool:
    return await sync_to_async(Message.objects.filter(author=user).exists)()
