"""Without its script the reply form searches the whole library for a document to link
(?library= on the thread page), not only the latest ones: what the reader's library
shows, at most COMPOSER_DOCUMENTS, and a clear word for a search it cannot make."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from resources import attachments
from resources.models import Document
from resources.search import document_index

SEARCH_INPUT = 'name="library"'


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Termomodernizacja", body="Wzory", client_id="t1"
    )
    return thread


def document(group, author, title, **fields) -> Document:
    made = Document.objects.create(group=group, title=title, created_by=author, **fields)
    document_index(made)
    return made


@pytest.fixture
def old_contract(group, facilitator):
    """A document older than the latest COMPOSER_DOCUMENTS, which the form does not offer
    before a search."""
    contract = document(group, facilitator, "Wzór umowy ESCO")
    Document.objects.filter(pk=contract.pk).update(
        updated_at=timezone.now() - timezone.timedelta(days=400)
    )
    for n in range(attachments.COMPOSER_DOCUMENTS):
        document(group, facilitator, f"Sprawozdanie {n}")
    return contract


def page(client, thread, **params) -> tuple[int, str]:
    response = client.get(thread.get_absolute_url(), params)
    return response.status_code, response.content.decode()


def offered(html: str) -> list[int]:
    """The documents the plain form's list offers to link."""
    select = re.search(r'<select id="attach-documents".*?</select>', html, re.S)
    return [int(pk) for pk in re.findall(r'value="(\d+)"', select.group())] if select else []


def test_the_form_offers_the_latest_documents_and_searches_the_whole_library(
    client, login, member, thread, old_contract
):
    login(member)
    status, html = page(client, thread)
    assert status == 200
    assert SEARCH_INPUT in html
    assert old_contract.pk not in offered(html)
    status, html = page(client, thread, library="umowy")
    assert status == 200
    assert offered(html) == [old_contract.pk]
    assert 'value="umowy"' in html  # the search box keeps the words


def test_the_search_finds_only_what_the_readers_library_shows(
    client, login, member, facilitator, thread, group, other_group, member_factory
):
    mine = document(group, facilitator, "Umowa o oświetlenie")
    document(group, facilitator, "Umowa w koszu", deleted_at=timezone.now())
    document(group, member, "Umowa w załączniku", is_attachment=True)
    stranger = member_factory(other_group, email="obcy@ppp.gwd.test")
    document(other_group, stranger, "Umowa innej grupy")
    login(member)
    status, html = page(client, thread, library="umowa")
    assert status == 200
    assert offered(html) == [mine.pk]
    assert "innej grupy" not in html and "w koszu" not in html


def test_the_search_offers_at_most_composer_documents(
    client, login, member, facilitator, thread, group, monkeypatch
):
    monkeypatch.setattr(attachments, "COMPOSER_DOCUMENTS", 3)
    for n in range(5):
        document(group, facilitator, f"Umowa {n}")
    login(member)
    assert len(offered(page(client, thread, library="umowa")[1])) == 3


def test_a_search_that_finds_nothing_says_so(client, login, member, thread, old_contract):
    login(member)
    status, html = page(client, thread, library="kanalizacja")
    assert status == 200
    assert offered(html) == []
    assert 'id="library-search-status"' in html and "kanalizacja" in html


@pytest.mark.parametrize("query", ["", "   ", "\x00", "a" * 2000, "%", "umowy\x00" * 300])
def test_a_search_it_cannot_make_gets_a_clear_word_and_the_latest_documents(
    client, login, member, thread, old_contract, query
):
    login(member)
    status, html = page(client, thread, library=query)
    assert status == 200
    assert 'id="library-search-error"' in html
    assert "\x00" not in html


def test_a_nul_inside_the_words_is_dropped(client, login, member, thread, old_contract):
    login(member)
    assert offered(page(client, thread, library="umo\x00wy")[1]) == [old_contract.pk]


def test_a_document_found_is_linked_by_the_plain_form(client, login, member, thread, old_contract):
    login(member)
    response = client.post(
        reverse("groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk}),
        {"body": "Wzór w bibliotece", "documents": [old_contract.pk]},
    )
    assert response.status_code == 302
    message = thread.messages.order_by("-seq").first()
    assert list(message.attachments.values_list("document_id", flat=True)) == [old_contract.pk]


def test_an_observer_gets_no_picker_and_no_documents(client, login, observer, thread, old_contract):
    login(observer)
    status, html = page(client, thread, library="umowy")
    assert status == 200
    assert SEARCH_INPUT not in html
    assert "Wzór umowy ESCO" not in html


def test_an_outsider_gets_404_and_a_visitor_is_sent_to_sign_in(
    client, login, outsider, thread, old_contract
):
    assert page(client, thread, library="umowy")[0] == 302
    login(outsider)
    status, html = page(client, thread, library="umowy")
    assert status == 404
    assert "Wzór umowy ESCO" not in html


def test_the_search_keeps_the_message_being_answered(client, login, member, thread, old_contract):
    first = thread.messages.get()
    login(member)
    status, html = page(client, thread, reply_to=first.pk, library="umowy")
    assert status == 200
    assert offered(html) == [old_contract.pk]
    assert f'name="reply_to" value="{first.pk}" form="library-search"' in html
