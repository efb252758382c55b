"""Library search finds documents with every word, on SQLite and PostgreSQL alike, and
the lists of a large library are read through indexes, not by reading every document."""

import pytest
from django.db import connection
from django.urls import reverse

from resources import search
from resources.models import Document
from resources.search import document_index, document_search
from tests.groups.cluster import require_service


@pytest.fixture
def postgresql():
    """These tests read PostgreSQL's query plans of its own indexes: they run when the
    suite runs on PostgreSQL (as CI's second run does), and say how otherwise."""
    require_service("DATABASE_URL", "postgres")


@pytest.fixture
def document_factory(group, facilitator):
    def make(title: str, *, target=None) -> Document:
        document = Document.objects.create(
            group=target or group, title=title, created_by=facilitator
        )
        search.document_index(document)
        return document

    return make


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_a_search_finds_only_the_documents_with_every_word(
    client, login, member, group, document_factory
):
    both = document_factory("Umowa ESCO: termomodernizacja szkół")
    document_factory("Umowa najmu lokalu użytkowego")
    document_factory("Termomodernizacja budynku urzędu")
    login(member)
    everywhere = client.get(reverse("resources:search"), {"q": "umowa termomodernizacja"})
    in_group = client.get(
        reverse("resources:library", kwargs={"slug": group.slug}),
        {"q": "Umowa Termomodernizacja"},
    )
    assert [d.pk for d in everywhere.context["results"]] == [both.pk]
    assert [d.pk for d in in_group.context["page"]] == [both.pk]


def test_a_word_in_no_document_finds_nothing(client, login, member, document_factory):
    document_factory("Uchwała w sprawie opłaty targowej")
    login(member)
    response = client.get(reverse("resources:search"), {"q": "uchwała ciepłownictwo"})
    assert list(response.context["results"]) == []


def test_the_search_matches_and_ranks_the_stored_vector_its_gin_index_holds(
    postgresql, document_factory
):
    document_factory("Umowa ESCO")
    with connection.cursor() as cursor:
        # A tiny table is cheaper to read whole; forbid that to see whether the index
        # fits the column the search uses at all. (On a large library the pages' own
        # queries use it: bench/pages.py --explain shows their plans.)
        cursor.execute("SET LOCAL enable_seqscan = off")
    searched = plan(document_search(Document.objects.all(), "umowa esco"))
    assert "resources_document_search_vector_gin" in searched
    # Ranking reads the stored vector: rebuilding it per match was most of a search.
    assert "to_tsvector" not in searched


def test_the_stored_vector_follows_the_text_at_once(postgresql, document_factory):
    document = document_factory("Umowa ESCO")
    document.title = "Regulamin parkingu"
    document_index(document)
    assert not document_search(Document.objects.all(), "esco").exists()
    assert list(document_search(Document.objects.all(), "parkingu")) == [document]


def test_the_latest_documents_are_read_in_order_from_their_index(
    postgresql, group, document_factory
):
    for n in range(3):
        document_factory(f"Dokument {n}")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    latest = plan(Document.objects.alive().filter(group=group)[:5])
    assert "document_alive_latest_idx" in latest
    assert "Sort" not in latest
