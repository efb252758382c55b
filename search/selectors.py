"""Reading the index: what a person may find, matched, filtered, counted and ordered.

A search is a fixed number of statements whatever the size of the index: the counts per
kind in one, the page of results (with its group, thread and author) in another.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Count, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import SafeString, mark_safe

from search.lemmas import fold, lemma, query_terms
from search.models import Audience, Entry

EXCERPT_CHARS = 240


@dataclass(frozen=True)
class Scope:
    """The groups a person searches: those they read, and of them those they manage
    (who also find drafts)."""

    readers: list[int]
    managers: list[int] = field(default_factory=list)

    def q(self) -> Q:
        return Q(group_id__in=self.readers, audience=Audience.READERS) | Q(
            group_id__in=self.managers, audience=Audience.MANAGERS
        )


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    author_id: int | None = None
    thread_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: str = "best"  # or "newest"


def _tsquery(terms: list[tuple[str, ...]]) -> str:
    # The words are \w+ (search.lemmas), quoted for to_tsquery all the same.
    return " & ".join(
        "(" + " | ".join("'" + form.replace("'", "") + "'" for form in forms) + ")"
        for forms in terms
    )


def _matching(queryset: QuerySet[Entry], terms: list[tuple[str, ...]]) -> QuerySet[Entry]:
    if connection.vendor == "postgresql":
        return queryset.filter(
            RawSQL(
                "search_entry.vector @@ to_tsquery('simple', %s)",
                [_tsquery(terms)],
                output_field=BooleanField(),
            )
        )
    for forms in terms:
        either = Q()
        for form in forms:
            either |= Q(lemmas__contains=f" {form} ")
        queryset = queryset.filter(either)
    return queryset


def _filtered(queryset: QuerySet[Entry], filters: Filters) -> QuerySet[Entry]:
    if filters.author_id is not None:
        queryset = queryset.filter(author_id=filters.author_id)
    if filters.thread_id is not None:
        queryset = queryset.filter(thread_id=filters.thread_id)
    if filters.date_from is not None:
        queryset = queryset.filter(date__date__gte=filters.date_from)
    if filters.date_to is not None:
        queryset = queryset.filter(date__date__lte=filters.date_to)
    return queryset


def _order(terms: list[tuple[str, ...]], order: str) -> list:
    if order == "best" and connection.vendor == "postgresql":
        rank = RawSQL(
            "ts_rank_cd(search_entry.vector, to_tsquery('simple', %s))",
            [_tsquery(terms)],
            output_field=FloatField(),
        )
        return [rank.desc(), F("date").desc(), F("pk").desc()]
    # SQLite has no rank over LIKE: best first is newest first there (docs/search.md).
    return [F("date").desc(), F("pk").desc()]


@dataclass
class Found:
    counts: dict[str, int]  # per kind, before the kind filter
    total: int  # of the chosen kind (or all)
    queryset: QuerySet[Entry]  # ordered, not yet sliced; only its ids are read
    order: list  # the ordering of `queryset`, for first_of_each_kind

    def page(self, start: int, stop: int) -> list[Entry]:
        """Entries `start` to `stop` in order: their ids are sorted, not the whole rows
        with their texts, then the rows are read (two statements)."""
        return _rows(list(self.queryset.values_list("pk", flat=True)[start:stop]))

    def first_of_each_kind(self, n: int) -> list[Entry]:
        """The first `n` entries of every kind, in order (two statements)."""
        place = Window(RowNumber(), partition_by=[F("kind")], order_by=self.order)
        ids = self.queryset.annotate(place=place).filter(place__lte=n)
        return _rows(list(ids.values_list("pk", flat=True)))


def _rows(ids: list[int]) -> list[Entry]:
    if not ids:
        return []
    rows = Entry.objects.select_related("group", "author").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def entry_search(*, scope: Scope, query: str, filters: Filters) -> Found | None:
    """Entries of `scope` with every word of `query` (in any of its forms) that pass
    `filters`; None when the query has no word."""
    terms = query_terms(query)
    if not terms:
        return None
    base = _filtered(_matching(Entry.objects.filter(scope.q()), terms), filters)
    counts = {
        row["kind"]: row["n"]
        for row in base.order_by().values("kind").annotate(n=Count("pk")).values("kind", "n")
    }
    if filters.kind:
        base = base.filter(kind=filters.kind)
        total = counts.get(filters.kind, 0)
    else:
        total = sum(counts.values())
    order = _order(terms, filters.order)
    ordered = base.order_by(*order)
    return Found(counts=counts, total=total, queryset=ordered, order=order)


def _matches(word: str, wanted: set[str]) -> bool:
    word = word.casefold()
    return fold(word) in wanted or lemma(word) in wanted


def excerpt(text: str, query: str, *, chars: int = EXCERPT_CHARS) -> SafeString:
    """A piece of `text` around its first matching word, escaped, with every word that
    matches the query (in any form) in <mark>."""
    wanted = {form for forms in query_terms(query) for form in forms}
    spans: list[tuple[int, int]] = []
    start, end = 0, min(len(text), chars)
    for match in re.finditer(r"\w+", text):
        if spans and match.start() >= end:
            break
        if not _matches(match.group(), wanted):
            continue
        if not spans and match.end() > end:
            # The first match lies further on: the piece starts a little before it, on
            # a word boundary.
            start = max(0, match.start() - chars // 3)
            space = text.find(" ", start, match.start())
            start = space + 1 if space != -1 else start
            end = min(len(text), start + chars)
        spans.append(match.span())
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end > end:
            break
        pieces.append(html.escape(text[position:span_start]))
        pieces.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    pieces.append(html.escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return mark_safe("".join(pieces))
