"""Full-text search of the library: PostgreSQL text search where available, a simple
word match on SQLite. Both read the same folded text (see files.fold), because
PostgreSQL has no Polish or Ukrainian stemmer: words are matched by their beginnings
("umow" finds "umowa", "umowy")."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, F, QuerySet

from resources.files import fold
from resources.models import Document

WORD = re.compile(r"\w+", re.UNICODE)


class StoredVector(Expression):
    """The document's search vector: a column PostgreSQL computes from search_text
    (migration 0007) and that the GIN index holds. It is no model field, since SQLite has
    no such column, and nothing ever writes it."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_vector", []


def document_search(queryset: QuerySet[Document], text: str) -> QuerySet[Document]:
    """`queryset` (already scoped to what the person may see) narrowed to documents with
    every word of `text`, best matches first."""
    words = WORD.findall(fold(text))[:10]
    if not words:
        return queryset.none()
    if connection.vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
        # Matched with @@, not by rank > 0: ts_rank gives 1e-20 to a document without the
        # words.
        vector = StoredVector()
        return (
            queryset.alias(search=vector)
            .filter(search=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", F("updated_at").desc())
        )
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("-updated_at")


def document_index(document: Document) -> None:
    """Rebuild the folded search text of a document (title, description, tags, content)."""
    tags = " ".join(document.tags.values_list("name", flat=True))
    document.search_text = fold(
        " ".join([document.title, document.description, tags, document.content_text])
    )
    Document.objects.filter(pk=document.pk).update(search_text=document.search_text)
