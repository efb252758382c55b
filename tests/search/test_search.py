"""Search over what a group wrote: word forms, what may be found, filters, the pages."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import Role
from meetings import services as meeting_services
from resources import services as library_services
from resources.models import Document
from search.index import entry_refresh, index_rebuild
from search.models import Entry
from search.selectors import excerpt


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
        title="Podatek od nieruchomości — stawki na 2027",
        body="Jakie stawki planujecie?",
        client_id="t-1",
    )
    return thread


_client_ids = itertools.count(1)


def post(write, user, thread, body):
    message, _created = write(
        services.message_send,
        actor=user,
        thread=thread,
        body=body,
        client_id=f"c-{next(_client_ids)}",
    )
    return message


def search(client, group, q, params=None, **more):
    url = reverse("search:group-search", kwargs={"slug": group.slug})
    return client.get(url, {"q": q} | (params or {}) | more)


def found(client, group, q, *, marks: bool = False, **params) -> str:
    """The page of results, without the marks on matching words unless `marks`."""
    response = search(client, group, q, **params)
    assert response.status_code == 200
    # The results come after the form, which repeats the query.
    page = response.content.decode().partition('class="tabs search-kinds"')[2]
    page = page.partition("</nav>")[2]
    return page if marks else page.replace("<mark>", "").replace("</mark>", "")


# --- Word forms, on SQLite and PostgreSQL alike -------------------------------------


def test_stawki_finds_the_thread_about_the_rates(client, login, member, thread):
    login(member)
    assert "stawki na 2027" in found(client, thread.group, "stawki")


@pytest.mark.parametrize(
    ("written", "asked"),
    [
        ("Stawki podatku rosną.", "stawka"),
        ("Nowa stawka od stycznia.", "stawki"),
        ("Brak stawek w uchwale.", "stawka"),
        ("Projekt umowy jest gotowy.", "umowa"),
        ("Zapis w umowie o ESCO.", "umowa"),
        ("Podpisana umowa.", "umowy"),
        ("Як щодо договору з підрядником?", "договір"),
        ("Договір підписано.", "договору"),
        ("Спільна громада Житомира.", "громади"),
        ("Spotkanie w Łodzi", "lodzi"),
        ("Protokół z posiedzenia", "protokol"),
        ("Wysokość opłaty", "wysokosc"),
        ("Спільне засідання", "засідання"),
    ],
)
def test_a_word_finds_its_other_forms_and_folds_diacritics(
    client, login, write, member, group, written, asked
):
    thread, _first = write(
        services.thread_create,
        actor=member,
        group=group,
        title="Różne",
        body="Dzień dobry",
        client_id="forms",
    )
    post(write, member, thread, written)
    login(member)
    page = found(client, thread.group, asked, kind="message", marks=True)
    assert "1 result" in page or "1 wynik" in page
    assert "<mark>" in page


def test_every_word_of_the_query_must_be_there(client, login, write, member, thread):
    post(write, member, thread, "Umowa na oświetlenie")
    post(write, member, thread, "Umowa na ogrzewanie")
    login(member)
    page = found(client, thread.group, "umowy ogrzewanie", kind="message")
    assert "ogrzewanie" in page
    assert "oświetlenie" not in page


# --- What may be found --------------------------------------------------------------


def test_the_index_follows_an_edit_at_once(client, login, write, member, thread):
    message = post(write, member, thread, "Pierwsza wersja o chodnikach")
    write(services.message_edit, actor=member, message=message, body="Teraz o latarniach")
    login(member)
    assert "latarniach" in found(client, thread.group, "latarnia", kind="message")
    assert "chodnik" not in found(client, thread.group, "chodnikach", kind="message")
    assert Entry.objects.filter(message=message).count() == 1


def test_deleted_and_hidden_messages_are_never_found(
    client, login, write, member, facilitator, thread
):
    deleted = post(write, member, thread, "Wiadomość o kanalizacji usunięta")
    hidden = post(write, member, thread, "Wiadomość o kanalizacji ukryta")
    write(services.message_delete, actor=member, message=deleted)
    write(services.message_hide, actor=facilitator, message=hidden, reason="Poza tematem")
    login(facilitator)
    page = found(client, thread.group, "kanalizacja")
    assert "usunięta" not in page
    assert "ukryta" not in page
    write(services.message_unhide, actor=facilitator, message=hidden)
    assert "ukryta" in found(client, thread.group, "kanalizacja")


def test_a_hidden_or_deleted_message_loses_its_entry_in_the_same_transaction(
    write, member, facilitator, thread
):
    hidden = post(write, member, thread, "Wiadomość o wodociągach")
    deleted = post(write, member, thread, "Druga o wodociągach")
    # Nothing that follows the commit runs here: the entries go with the change itself.
    services.message_hide(actor=facilitator, message=hidden, reason="Poza tematem")
    services.message_delete(actor=member, message=deleted)
    assert not Entry.objects.filter(message__in=[hidden, deleted]).exists()


def test_a_held_message_is_not_found_and_a_removed_one_leaves_no_entry(
    client, login, write, member, facilitator, thread
):
    from groups.models import BlockedPhrase

    BlockedPhrase.objects.create(group=thread.group, phrase="przetarg", created_by=facilitator)
    held = post(write, member, thread, "Ustawiony przetarg na mosty")
    assert held.is_held
    login(facilitator)
    assert "mosty" not in found(client, thread.group, "most")
    visible = post(write, member, thread, "Naprawa mostów")
    write(services.message_remove, actor=facilitator, message=visible, reason="Spam")
    assert not Entry.objects.filter(object_id=visible.pk, kind="message").exists()


@pytest.fixture
def meetings(write, facilitator, group):
    starts = timezone.now() + dt.timedelta(days=7)
    common = {"actor": facilitator, "group": group, "starts_at": starts}
    common["time_zone"] = "Europe/Warsaw"
    common["ends_at"] = starts + dt.timedelta(hours=2)
    draft = write(
        meeting_services.meeting_schedule, title="Szkic: budżet obywatelski", draft=True, **common
    )
    held = write(
        meeting_services.meeting_schedule,
        title="Spotkanie o oświetleniu",
        description="Omówimy umowy ESCO.",
        **common,
    )
    write(
        meeting_services.minutes_save,
        actor=facilitator,
        meeting=held,
        text="Ustalono harmonogram modernizacji.",
        decisions="",
        publish=False,
    )
    return draft, held


def test_drafts_and_unpublished_minutes_are_found_only_by_those_who_manage(
    client, login, write, facilitator, member, observer, meetings
):
    draft, held = meetings
    group = draft.group
    for reader in (member, observer):
        login(reader)
        assert "budżet" not in found(client, group, "budżetu")
        assert "harmonogram" not in found(client, group, "harmonogramu")
        assert "oświetleniu" in found(client, group, "umowa")
    login(facilitator)
    assert "budżet" in found(client, group, "budżetu")
    assert "harmonogram" in found(client, group, "harmonogramu")
    write(
        meeting_services.minutes_save,
        actor=facilitator,
        meeting=held,
        text="Ustalono harmonogram modernizacji.",
        decisions="Przyjęto plan.",
        publish=True,
    )
    login(observer)
    assert "harmonogram" in found(client, group, "harmonogramu")


def test_a_document_in_the_trash_is_not_found(client, login, write, facilitator, member, group):
    document = Document.objects.create(
        group=group,
        title="Wzór umowy ESCO",
        content_text="Umowa o poprawę efektywności energetycznej",
        created_by=facilitator,
    )
    entry_refresh("document", document.pk)
    login(member)
    assert "Wzór" in found(client, group, "efektywność", kind="document")
    write(library_services.document_trash, actor=facilitator, document=document)
    assert "Wzór" not in found(client, group, "efektywność")


def test_the_search_across_groups_reaches_only_ones_own_groups(
    client, login, write, member, thread, other_group, member_factory, group
):
    other = member_factory(other_group, email="inny@gwd.test")
    _elsewhere, _first = write(
        services.thread_create,
        actor=other,
        group=other_group,
        title="Stawki w innej grupie",
        body="Tu też o stawkach",
        client_id="o-1",
    )
    login(member)
    page = client.get(reverse("search:search"), {"q": "stawka"}).content.decode()
    assert "<mark>stawki</mark> na 2027" in page
    assert "innej grupie" not in page
    login(other)
    page = client.get(reverse("search:search"), {"q": "stawka"}).content.decode()
    assert "innej grupie" in page
    assert "stawki na 2027" not in page


def test_an_outsider_gets_404_and_a_visitor_is_sent_to_sign_in(client, login, outsider, thread):
    assert search(client, thread.group, "stawki").status_code == 302
    login(outsider)
    assert search(client, thread.group, "stawki").status_code == 404
    page = client.get(reverse("search:search"), {"q": "stawki"}).content.decode()
    assert "stawki na 2027" not in page


# --- Filters, order, bad input ------------------------------------------------------


def test_filters_by_kind_author_date_and_thread(
    client, login, write, member, facilitator, thread, group
):
    post(write, member, thread, "Oświetlenie uliczne od członka")
    post(write, facilitator, thread, "Oświetlenie uliczne od moderatorki")
    other, _first = write(
        services.thread_create,
        actor=member,
        group=group,
        title="Inny wątek",
        body="Oświetlenie w parku",
        client_id="t-2",
    )
    login(member)
    by_member = found(client, group, "oświetlenie", author=member.pk, kind="message")
    assert "od członka" in by_member
    assert "od moderatorki" not in by_member
    in_thread = found(client, group, "oświetlenie", thread=other.pk)
    assert "w parku" in in_thread
    assert "uliczne" not in in_thread
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "uliczne" not in found(client, group, "oświetlenie", date_from=tomorrow)
    today = timezone.localdate().isoformat()
    assert "uliczne" in found(client, group, "oświetlenie", date_from=today, date_to=today)
    newest = found(client, group, "oświetlenie", kind="message", order="newest")
    assert newest.index("w parku") < newest.index("od członka")


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "everything"},
        {"author": "abc"},
        {"author": "99999999"},
        {"thread": "-1"},
        {"thread": "99999999"},
        {"date_from": "2027-13-40"},
        {"date_from": "2027-02-01", "date_to": "2027-01-01"},
        {"order": "random"},
        {"page": "x"},
        {"q": "a" * 500},
        {"q": "\x00"},
    ],
)
def test_bad_input_gets_a_clear_page_not_an_error(client, login, member, thread, params):
    login(member)
    response = search(client, thread.group, "stawki", params)
    assert response.status_code == 200
    page = response.content.decode()
    if "page" not in params:
        assert 'role="alert"' in page or "Nothing found" in page or "Nic nie" in page


def test_a_thread_of_another_group_is_refused(
    client, login, write, member, thread, other_group, member_factory
):
    other = member_factory(other_group, email="obcy@gwd.test")
    elsewhere, _first = write(
        services.thread_create,
        actor=other,
        group=other_group,
        title="Stawki obce",
        body="Stawki gdzie indziej",
        client_id="o-2",
    )
    login(member)
    page = search(client, thread.group, "stawki", thread=elsewhere.pk).content.decode()
    assert 'role="alert"' in page
    assert "obce" not in page


def test_a_message_result_opens_the_message_in_its_thread(client, login, write, member, thread):
    message = post(write, member, thread, "Ulga dla przedsiębiorców")
    login(member)
    link = reverse(
        "groups:message-link", kwargs={"slug": thread.group.slug, "message_id": message.pk}
    )
    page = found(client, thread.group, "ulga")
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 302
    assert response.url.endswith(f"#m{message.pk}")


def test_excerpts_mark_the_words_and_escape_the_rest():
    text = "Uwaga <script>alert(1)</script> na stawki & opłaty"
    piece = excerpt(text, "stawka")
    assert "<script>" not in piece
    assert "&lt;script&gt;" in piece
    assert "<mark>stawki</mark>" in piece
    long = "słowo " * 200 + "umowie " + "słowo " * 200
    piece = excerpt(long, "umowa")
    assert piece.startswith("…") and piece.endswith("…")
    assert "<mark>umowie</mark>" in piece


# --- Cost ---------------------------------------------------------------------------


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_a_search_costs_the_same_queries_however_much_it_finds(
    client, login, write, member, facilitator, thread, group, meetings, settings
):
    settings.MESSAGE_RATE = "100/10seconds"
    url = reverse("search:group-search", kwargs={"slug": group.slug})
    login(member)
    params = {"q": "oświetlenie umowa"}
    post(write, member, thread, "Oświetlenie i umowa")
    few = (
        count_queries(client, url, params),
        count_queries(client, url, {**params, "kind": "message"}),
    )
    for i in range(12):
        post(write, member if i % 2 else facilitator, thread, f"Oświetlenie i umowa {i}")
        write(
            services.thread_create,
            actor=member,
            group=group,
            title=f"Umowa na oświetlenie {i}",
            body="x",
            client_id=f"q{i}",
        )
    many = (
        count_queries(client, url, params),
        count_queries(client, url, {**params, "kind": "message"}),
    )
    assert few == many
    assert max(many) <= 12
    everywhere = reverse("search:search")
    assert count_queries(client, everywhere, params) <= 12


def test_rebuilding_writes_the_same_entries(write, member, thread, meetings):
    post(write, member, thread, "Umowa o oświetlenie")
    before = sorted(Entry.objects.values_list("kind", "object_id", "lemmas", "audience"))
    assert index_rebuild() == len(before)
    after = sorted(Entry.objects.values_list("kind", "object_id", "lemmas", "audience"))
    assert before == after


def test_observers_can_search_but_roles_do_not_widen_it(
    client, login, observer, member_factory, group, thread
):
    login(observer)
    assert "stawki na 2027" in found(client, group, "stawka")
    former = member_factory(group, role=Role.MEMBER, email="byly@gwd.test")
    former.memberships.update(status="left")
    login(former)
    assert search(client, group, "stawka").status_code == 404


def test_a_messages_file_is_not_found_on_its_own(facilitator, group):
    document = Document.objects.create(
        group=group,
        title="Załącznik z umową",
        content_text="Umowa",
        created_by=facilitator,
        is_attachment=True,
    )
    entry_refresh("document", document.pk)
    assert not Entry.objects.filter(document=document).exists()


def test_the_results_are_read_without_the_words_the_index_keeps(
    client, login, member, thread, group
):
    """An entry's lemmas are as long as its text again (a document's can be a book's):
    the results show the text, so only the text is read."""
    login(member)
    url = reverse("search:group-search", kwargs={"slug": group.slug})
    with CaptureQueriesContext(connection) as captured:
        assert "<mark>stawki</mark> na 2027" in client.get(url, {"q": "stawki"}).content.decode()
    rows = [q["sql"] for q in captured.captured_queries if '"search_entry"."text"' in q["sql"]]
    assert rows, "the results' rows are read"
    assert all('"search_entry"."lemmas"' not in sql for sql in rows)
