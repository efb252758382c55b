"""The thread page's message rows come from the cache: each reader still sees exactly
what the template would render for them now (groups/message_rows.py)."""

import re

import pytest
from django.core.cache import cache

from groups import message_rows, services
from groups.access import Capability, group_access
from groups.models import Role
from groups.services import moderation
from tests.groups.test_replies import send


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Umowa ESCO", body="Wzór umowy", client_id="t1"
    )
    return thread


def page(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    text = response.content.decode()
    # What differs from one response to the next whatever the rows: tokens and nonces.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def rows_of(html: str) -> str:
    return html[html.index('id="messages"') : html.index('id="typing"')]


def test_rows_from_the_cache_are_what_the_template_renders_for_the_reader(
    client, login, member, facilitator, thread, monkeypatch
):
    original = send(facilitator, thread, "Termin mija w **piątek**.")
    send(member, thread, "Dziękuję", reply_to=original.pk)
    services.reaction_toggle(actor=member, message=original, emoji="👍")
    login(member)
    first = page(client, thread)  # rendered and kept
    assert page(client, thread) == first  # from the cache
    # The page's own include, row by row, without the cache:
    monkeypatch.setattr(message_rows, "rendered_rows", lambda *, rows, **_: [None] * len(rows))
    assert page(client, thread) == first
    assert "piątek" in rows_of(first) and "Dziękuję" in rows_of(first)


def test_each_reader_sees_their_own_rows_in_their_own_language(
    client, login, member, member_factory, group, thread
):
    mine = send(member, thread, "Mój wpis")
    report = f"/messages/{mine.pk}/report/"
    colleague = member_factory(
        group, Role.MEMBER, email="ewa@lublin.gwd.test", full_name="Ewa", language="pl"
    )
    ukrainian = member_factory(
        group, Role.MEMBER, email="olena@zhytomyr.gwd.test", full_name="Olena", language="uk"
    )
    login(colleague)  # the row is kept as a colleague sees it, with the link to report it
    assert report in rows_of(page(client, thread))
    login(member)
    own = rows_of(page(client, thread))
    assert report not in own  # nobody reports their own message
    assert 'class="message message--own"' in own
    login(ukrainian)
    theirs = rows_of(page(client, thread))
    assert report in theirs
    assert "Відповісти" in theirs and "Odpowiedz" not in theirs


@pytest.mark.parametrize("change", ["edit", "react", "hide", "rename", "original deleted"])
def test_a_change_to_what_a_row_shows_shows_at_once(
    client, login, member, facilitator, thread, change
):
    member.language = "en"  # the assertions' words
    member.save(update_fields=["language"])
    original = send(facilitator, thread, "Stawka wynosi 1 zł.")
    reply = send(member, thread, "Od kiedy?", reply_to=original.pk)
    login(member)
    before = rows_of(page(client, thread))
    if change == "edit":
        services.message_edit(actor=facilitator, message=original, body="Stawka wynosi 2 zł.")
        expected = "2 zł"
    elif change == "react":
        services.reaction_toggle(actor=facilitator, message=reply, emoji="👍")
        expected = 'data-emoji="👍"'
    elif change == "hide":
        moderation.message_hide(actor=facilitator, message=original, reason="Nieaktualne")
        expected = "hidden by a facilitator"
    elif change == "rename":
        facilitator.full_name = "Marek Nowy"
        facilitator.save(update_fields=["full_name"])
        expected = "Marek Nowy"
    else:
        services.message_delete(actor=facilitator, message=original)
        expected = "The message answered was deleted."
    after = rows_of(page(client, thread))
    assert after != before
    assert expected in after


def test_a_locked_thread_offers_no_reply_even_on_rows_kept_before(
    client, login, member, facilitator, thread
):
    send(facilitator, thread, "Pytanie")
    login(member)
    assert 'data-action="reply"' in rows_of(page(client, thread))
    moderation.thread_moderate(actor=facilitator, thread=thread, action="lock")
    assert 'data-action="reply"' not in rows_of(page(client, thread))


def test_facilitators_rows_are_rendered_for_each_request_never_kept(
    client, login, member, facilitator, thread
):
    message = send(member, thread, "Do ukrycia")
    login(member)
    page(client, thread)
    login(facilitator)
    shown = rows_of(client.get(thread.get_absolute_url()).content.decode())
    assert f'id="hide-reason-{message.pk}"' in shown
    assert "csrfmiddlewaretoken" in shown
    access = group_access(user=facilitator, slug=thread.group.slug, capability=Capability.VIEW)
    assert message_rows.rendered_rows(
        user=facilitator, access=access, thread=thread, rows=[(message, {})]
    ) == [None]


def test_the_thread_page_is_shown_while_the_cache_is_down(
    client, login, member, facilitator, thread, monkeypatch
):
    send(facilitator, thread, "Czy ktoś ma wzór?")
    login(member)

    tried = []

    def down(*_args, **_kwargs):
        tried.append(True)
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    assert "Czy ktoś ma wzór?" in rows_of(page(client, thread))
    assert len(tried) == 2  # read, then keep: both refused, the page shown all the same
