"""Reading the index: what a person may find, matched, filtered, counted and ordered.

A search is a fixed number of statements whatever the size of the index: the counts per
kind in one, the page of results (with its group, thread and author) in another.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from search.lemmas import forms, query_terms
from search.models import Audience, Entry, Kind
from search.statements import Statement

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
    """`queryset` narrowed to the entries with every word of `terms`. On PostgreSQL the
    GIN index on (group, kind, words) finds them (migration 0003)."""
    if connection.vendor == "postgresql":
        return queryset.filter(
            RawSQL(
                "search_entry.vector @@ to_tsquery('simple', %s)",
                [_tsquery(terms)],
                output_field=BooleanField(),
            )
        )
    for either_form in terms:
        either = Q()
        for form in either_form:
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


# The matches of each kind that are counted and ordered. A common word is in a fifth
# of everything a group wrote; counting every match and ranking it read the whole
# table (docs/search.md, Speed). Past this many a kind reads "1 000+", and its pages
# reach the newest LIMIT matches, best first among them or newest first.
LIMIT = 1_000
# The kinds not chosen, and every kind on the overview, are counted only this far: their
# tabs and headings need no more than "200+", and counting a common word's messages to
# LIMIT read 8,000 rows to find them, most of such a search's SQL (docs/search.md).
GLANCE = 200
# The overview shows the first five of each kind: best first, they are the best of the
# newest this many, since ranking reads each candidate's words again (a document's are
# long, kept aside by PostgreSQL) and a thousand of them were most of the overview's SQL.
OVERVIEW_CANDIDATES = 100


def _sql(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


# No entry's kind: where it lands among a statement's parameters, each kind is put.
KIND = "\x00kind"


@dataclass
class Found:
    counts: dict[str, int]  # per kind, before the kind filter: the chosen at most LIMIT,
    # the others at most GLANCE
    more: frozenset[str]  # the kinds with more matches than they were counted to
    total: int  # of the chosen kind (or all), at most LIMIT a kind
    matching: QuerySet[Entry]  # matched and filtered, of every kind
    terms: list[tuple[str, ...]]
    order: str
    kind: str
    # The statements of `_ids_sql` by (start, stop, candidates), compiled once.
    _statements: dict[tuple[int, int, int], Statement] = field(default_factory=dict, repr=False)

    def _ids_sql(
        self, kind: str, start: int, stop: int, candidates: int = LIMIT
    ) -> tuple[str, list]:
        """The statement reading entries `start` to `stop` of one kind in order, as
        (id, rank, date), ordered by rank then newest (rank is 0 when ordering by date).
        Best first ranks the newest `candidates` matches only."""
        stop = min(stop, LIMIT)
        shape = (start, stop, candidates)
        if shape not in self._statements:
            # Compiled once and given each kind: the ORM compiling it again for each
            # of seven kinds was most of the CPU of the first results of each kind.
            self._statements[shape] = Statement(
                lambda kind: self._kind_ids_sql(kind, start, stop, candidates), KIND
            )
        return self._statements[shape].of(kind)

    def _kind_ids_sql(self, kind: str, start: int, stop: int, candidates: int) -> tuple[str, list]:
        newest = self.matching.filter(kind=kind).order_by("-date", "-pk")
        if self.order == "best" and connection.vendor == "postgresql":
            # The rank is computed for the candidates only: reading the vector of every
            # match (a document's is long, kept aside by PostgreSQL) cost most.
            inner, params = _sql(newest.values_list("id", "date")[:candidates])
            sql = (
                "SELECT candidates.id AS id, candidates.date AS date,"  # noqa: S608
                " ts_rank_cd(search_entry.vector, to_tsquery('simple', %s)) AS rank"
                f" FROM ({inner}) AS candidates"
                " JOIN search_entry ON search_entry.id = candidates.id"
                " ORDER BY rank DESC, date DESC, id DESC LIMIT %s OFFSET %s"
            )
            return sql, [_tsquery(self.terms), *params, stop - start, start]
        # SQLite has no rank over LIKE: best first is newest first there.
        unranked = newest.annotate(rank=Value(0.0, output_field=FloatField()))
        inner, params = _sql(unranked.values_list("id", "date", "rank")[start:stop])
        # Every part is the ORM's own SQL with its parameters, or a fixed word.
        sql = (
            f"SELECT id, rank, date FROM ({inner}) AS candidates"  # noqa: S608
            " ORDER BY rank DESC, date DESC, id DESC"
        )
        return sql, params

    def page(self, start: int, stop: int) -> list[Entry]:
        """Entries `start` to `stop` of the chosen kind, in order: their ids are
        ordered, not the whole rows with their texts, then the rows are read (two
        statements)."""
        if start >= min(stop, LIMIT, self.counts.get(self.kind, 0)):
            return []
        sql, params = self._ids_sql(self.kind, start, stop)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return _rows([row[0] for row in cursor.fetchall()])

    def first_of_each_kind(self, n: int) -> list[Entry]:
        """The first `n` entries of every kind found, in order (two statements)."""
        parts, params = [], []
        for number, kind in enumerate(kind for kind in Kind.values if self.counts.get(kind)):
            sql, more = self._ids_sql(kind, 0, n, candidates=OVERVIEW_CANDIDATES)
            parts.append(f"SELECT %s AS part, id, rank, date FROM ({sql}) AS kind{number}")  # noqa: S608
            params += [number, *more]
        if not parts:
            return []
        union = " UNION ALL ".join(parts)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM ({union}) AS firsts"  # noqa: S608
                " ORDER BY part, rank DESC, date DESC, id DESC",
                params,
            )
            return _rows([row[0] for row in cursor.fetchall()])


def _rows(ids: list[int]) -> list[Entry]:
    if not ids:
        return []
    # Not the lemmas: as long as the text again, and only the index reads them.
    rows = Entry.objects.select_related("group", "author").defer("lemmas").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def _counted_to(matching: QuerySet[Entry], most: int) -> Statement:
    return Statement(
        lambda kind: _sql(matching.filter(kind=kind).order_by().values("pk")[: most + 1]), KIND
    )


def _counts(matching: QuerySet[Entry], caps: dict[str, int]) -> dict[str, int]:
    """The matches of each kind, each counted up to its cap + 1, in one statement."""
    parts, params = [], []
    statements = {most: _counted_to(matching, most) for most in set(caps.values())}
    for kind in Kind.values:
        sql, more = statements[caps[kind]].of(kind)
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS {kind}")  # noqa: S608
        params += [kind, *more]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {kind: n for kind, n in cursor.fetchall() if n}


def entry_search(*, scope: Scope, query: str, filters: Filters) -> Found | None:
    """Entries of `scope` with every word of `query` (in any of its forms) that pass
    `filters`; None when the query has no word."""
    terms = query_terms(query)
    if not terms:
        return None
    entries = Entry.objects.filter(scope.q())
    matching = _filtered(_matching(entries, terms), filters)
    # The chosen kind as far as its pages reach, the others at a glance.
    caps = {kind: LIMIT if kind == filters.kind else min(GLANCE, LIMIT) for kind in Kind.values}
    counted = _counts(matching, caps) if scope.readers or scope.managers else {}
    more = frozenset(kind for kind, n in counted.items() if n > caps[kind])
    counts = {kind: min(n, caps[kind]) for kind, n in counted.items()}
    total = counts.get(filters.kind, 0) if filters.kind else sum(counts.values())
    return Found(
        counts=counts,
        more=more,
        total=total,
        matching=matching,
        terms=terms,
        order=filters.order,
        kind=filters.kind,
    )


def _matches(word: str, wanted: set[str]) -> bool:
    folded, base = forms(word)
    return folded in wanted or base in wanted


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
