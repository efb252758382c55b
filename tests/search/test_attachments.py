"""The files sent with messages are found by their names and the words inside them, as
long as their message is one every member reads, and lead to the message in its thread
and to the file."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services
from groups.models import BlockedPhrase
from resources import attachments
from resources import services as library
from resources.models import Document, MessageAttachment
from search.index import entry_refresh, index_rebuild
from search.models import Entry, Kind
from tests.resources.conftest import run_tasks  # noqa: F401 — the fixture
from tests.resources.test_library import private_files  # noqa: F401 — the fixture

CONTRACT = "Projekt umowy o poprawę efektywności energetycznej szkół."


@pytest.fixture
def write(django_capture_on_commit_callbacks):
    """write(fn, **kwargs) calls a service and runs what follows its commit (the index)."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def thread(write, facilitator, group):
    thread, _first = write(
        services.thread_create,
        actor=facilitator,
        group=group,
        title="Termomodernizacja szkół",
        body="Wzory do wymiany",
        client_id="t-1",
    )
    return thread


_client_ids = itertools.count(1)


def read_by_worker(document: Document, text: str) -> None:
    """The text the worker reads from the file, and the index told as the worker tells
    it (resources.tasks)."""
    Document.objects.filter(pk=document.pk).update(content_text=text)
    entry_refresh("document", document.pk)


def send_file(write, user, thread, *, name="zalacznik.txt", text=CONTRACT, body="W załączniku"):
    """A message of `user` with one file, whose text the worker has read."""
    document = attachments.attachment_upload(
        actor=user,
        group=thread.group,
        upload=SimpleUploadedFile(name, text.encode(), "text/plain"),
    )
    message, _created = write(
        services.message_send,
        actor=user,
        thread=thread,
        body=body,
        client_id=f"f-{next(_client_ids)}",
        uploads=[document.pk],
    )
    read_by_worker(document, text)
    return message


def results(client, group, q, **params) -> str:
    url = reverse("search:group-search", kwargs={"slug": group.slug})
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    page = response.content.decode().partition('class="tabs search-kinds"')[2]
    return page.partition("</nav>")[2].replace("<mark>", "").replace("</mark>", "")


def links(message) -> tuple[str, str]:
    """The addresses a result of the message's file leads to: the message, the file."""
    slug = message.group.slug
    attachment = message.attachments.get()
    return (
        reverse("groups:message-link", kwargs={"slug": slug, "message_id": message.pk}),
        reverse("resources:attachment-file", kwargs={"slug": slug, "attachment_id": attachment.pk}),
    )


# --- Found, and where it leads --------------------------------------------------------


def test_the_words_inside_a_file_find_it_and_lead_to_its_message_and_the_file(
    client, login, write, member, facilitator, thread
):
    message = send_file(write, facilitator, thread)
    login(member)
    page = results(client, thread.group, "umowa", kind="attachment")
    message_url, file_url = links(message)
    assert f'href="{message_url}"' in page
    assert f'href="{file_url}"' in page
    assert "zalacznik.txt" in page
    assert "Projekt umowy o poprawę" in page
    # The message's own text has none of the words: it is found through its file.
    assert not Entry.objects.filter(kind=Kind.MESSAGE, message=message, lemmas__contains=" umowa ")


def test_a_file_is_found_by_its_name(client, login, write, member, thread):
    message = send_file(write, member, thread, name="harmonogram-robot.txt", text="Lista zadań")
    login(member)
    page = results(client, thread.group, "harmonogram")
    assert f'href="{links(message)[0]}"' in page


def test_the_overview_shows_files_as_a_kind_of_their_own(client, login, write, member, thread):
    send_file(write, member, thread)
    login(member)
    response = client.get(
        reverse("search:group-search", kwargs={"slug": thread.group.slug}), {"q": "umowa"}
    )
    page = response.content.decode()
    assert 'id="found-attachment"' in page
    assert "?q=umowa&amp;kind=attachment" in page


def test_the_words_read_later_by_the_worker_are_found(
    client,
    login,
    member,
    thread,
    private_files,  # noqa: F811
    run_tasks,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        document = attachments.attachment_upload(
            actor=member,
            group=thread.group,
            upload=SimpleUploadedFile("bez-slow.txt", CONTRACT.encode(), "text/plain"),
        )
        message, _created = services.message_send(
            actor=member, thread=thread, body="Plik", client_id="w-1", uploads=[document.pk]
        )
    login(member)
    assert links(message)[0] not in results(client, thread.group, "umowa")
    # The worker reads the file and the index takes its words once that commits.
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert f'href="{links(message)[0]}"' in results(client, thread.group, "umowa")


def test_the_search_across_groups_finds_files_of_ones_own_groups_only(
    client, login, write, member, thread, other_group, member_factory
):
    message = send_file(write, member, thread)
    stranger = member_factory(other_group, email="obcy@ppp.gwd.test")
    everywhere = reverse("search:search")
    login(member)
    assert f'href="{links(message)[0]}"' in client.get(everywhere, {"q": "umowa"}).content.decode()
    login(stranger)
    page = client.get(everywhere, {"q": "umowa"}).content.decode()
    assert links(message)[0] not in page
    assert "zalacznik.txt" not in page


def test_an_observer_finds_the_files_members_read_and_an_outsider_nothing(
    client, login, write, member, observer, outsider, thread
):
    message = send_file(write, member, thread)
    login(observer)
    assert f'href="{links(message)[0]}"' in results(client, thread.group, "umowa")
    login(outsider)
    url = reverse("search:group-search", kwargs={"slug": thread.group.slug})
    assert client.get(url, {"q": "umowa"}).status_code == 404


def test_the_filters_apply_to_files_as_to_their_messages(
    client, login, write, member, facilitator, thread, group
):
    mine = send_file(write, member, thread)
    other, _first = write(
        services.thread_create,
        actor=facilitator,
        group=group,
        title="Inny wątek",
        body="Inne",
        client_id="t-2",
    )
    theirs = send_file(write, facilitator, other)
    login(member)
    by_member = results(client, group, "umowa", author=member.pk)
    assert links(mine)[0] in by_member and links(theirs)[0] not in by_member
    in_thread = results(client, group, "umowa", thread=other.pk)
    assert links(theirs)[0] in in_thread and links(mine)[0] not in in_thread


def test_a_linked_library_document_is_found_as_a_document_not_again_as_a_file(
    client, login, write, member, facilitator, thread, group
):
    document = library.document_upload(
        actor=facilitator,
        group=group,
        upload=SimpleUploadedFile("wzor.txt", b"Wzor", "text/plain"),
        title="Wzór umowy ESCO",
    )
    entry_refresh("document", document.pk)
    message, _created = write(
        services.message_send,
        actor=member,
        thread=thread,
        body="Zobaczcie wzór",
        client_id="l-1",
        documents=[document.pk],
    )
    assert message.attachments.get().kind == MessageAttachment.Kind.LINK
    assert not Entry.objects.filter(kind=Kind.ATTACHMENT).exists()
    assert Entry.objects.filter(kind=Kind.DOCUMENT, document=document).count() == 1


# --- Only while the message is read by every member -----------------------------------


def test_a_hidden_messages_file_goes_at_once_and_comes_back_when_it_is_shown(
    client, login, write, member, facilitator, thread
):
    message = send_file(write, member, thread)
    # Nothing that follows the commit runs here: the entry goes with the change itself.
    services.message_hide(actor=facilitator, message=message, reason="Poza tematem")
    assert not Entry.objects.filter(message=message).exists()
    login(facilitator)
    assert "zalacznik.txt" not in results(client, thread.group, "umowa")
    write(services.message_unhide, actor=facilitator, message=message)
    assert f'href="{links(message)[0]}"' in results(client, thread.group, "umowa")


def test_a_deleted_messages_file_goes_at_once(write, member, thread):
    message = send_file(write, member, thread)
    assert Entry.objects.filter(kind=Kind.ATTACHMENT, message=message).count() == 1
    services.message_delete(actor=member, message=message)
    assert not Entry.objects.filter(message=message).exists()


def test_a_held_messages_file_is_not_found_until_it_is_released(
    client, login, write, member, facilitator, thread
):
    BlockedPhrase.objects.create(group=thread.group, phrase="przetarg", created_by=facilitator)
    message = send_file(write, member, thread, body="Przetarg w załączniku")
    assert message.is_held
    assert not Entry.objects.filter(message=message).exists()
    login(facilitator)
    assert "zalacznik.txt" not in results(client, thread.group, "umowa")
    write(services.message_release, actor=facilitator, message=message)
    assert f'href="{links(message)[0]}"' in results(client, thread.group, "umowa")


def test_a_removed_messages_file_leaves_no_entry(write, member, facilitator, thread):
    message = send_file(write, member, thread)
    write(services.message_remove, actor=facilitator, message=message, reason="Spam")
    assert not Entry.objects.filter(kind=Kind.ATTACHMENT).exists()


def test_a_file_put_in_the_trash_goes_at_once_and_comes_back_when_restored(
    client, login, write, member, facilitator, thread
):
    message = send_file(write, member, thread)
    document = message.attachments.get().document
    library.document_trash(actor=facilitator, document=document)
    assert not Entry.objects.filter(kind=Kind.ATTACHMENT).exists()
    write(library.document_restore, actor=facilitator, document=document)
    login(member)
    assert f'href="{links(message)[0]}"' in results(client, thread.group, "umowa")


def test_a_file_deleted_for_good_takes_its_entry(write, member, facilitator, thread):
    message = send_file(write, member, thread)
    document = message.attachments.get().document
    library.document_trash(actor=facilitator, document=document)
    write(library.document_delete, actor=facilitator, document=Document.objects.get(pk=document.pk))
    assert not Entry.objects.filter(kind=Kind.ATTACHMENT).exists()


def test_a_file_under_no_message_yet_is_not_found(member, group):
    document = attachments.attachment_upload(
        actor=member,
        group=group,
        upload=SimpleUploadedFile("czeka.txt", CONTRACT.encode(), "text/plain"),
    )
    read_by_worker(document, CONTRACT)
    assert not Entry.objects.filter(document=document).exists()


# --- The index as a whole, and the cost ------------------------------------------------


def test_rebuilding_writes_the_same_entries_files_included_once(write, member, thread):
    send_file(write, member, thread)
    send_file(write, member, thread, name="drugi.txt")
    before = sorted(Entry.objects.values_list("kind", "object_id", "lemmas", "message_id"))
    assert sum(1 for entry in before if entry[0] == Kind.ATTACHMENT) == 2
    assert index_rebuild() == len(before)
    after = sorted(Entry.objects.values_list("kind", "object_id", "lemmas", "message_id"))
    assert before == after


def test_finding_files_costs_no_more_statements_than_finding_messages(
    client, login, write, member, thread, settings
):
    settings.MESSAGE_RATE = "100/10seconds"
    url = reverse("search:group-search", kwargs={"slug": thread.group.slug})
    login(member)

    def statements(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured.captured_queries)

    write(services.message_send, actor=member, thread=thread, body="Umowa bez pliku", client_id="q")
    without_files = statements({"q": "umowa"}), statements({"q": "umowa", "kind": "message"})
    for _n in range(6):
        send_file(write, member, thread)
    with_files = statements({"q": "umowa"}), statements({"q": "umowa", "kind": "attachment"})
    assert with_files == without_files
