"""The search pages: one group's, and one across all the groups a person belongs to."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from groups.access import (
    AuthenticatedHttpRequest,
    Capability,
    GroupAccess,
    capabilities,
    group_view,
)
from groups.models import Group, Membership, Thread, User
from gwd.http import parse_int
from search import selectors
from search.forms import Authors, SearchForm
from search.models import Entry, Kind
from search.selectors import Filters, Found, Scope, entry_search, excerpt

PER_PAGE = 20
PER_KIND = 5  # results of each kind shown when no kind is chosen


@dataclass
class Result:
    kind: str
    title: SafeString
    excerpt: SafeString
    url: str
    group: Group
    author: User | None
    entry: Entry
    thread_url: str  # this search narrowed to the message's thread, or ""
    file_url: str  # a file sent with a message: the file itself, or ""


@dataclass
class Section:
    kind: str
    label: str
    count: int
    more: bool  # more found than counted: the count reads "200+"
    results: list[Result]
    more_url: str  # all results of this kind, or "" when they are all shown


def _url(entry: Entry) -> str:
    slug = entry.group.slug
    match entry.kind:
        case Kind.THREAD:
            return reverse(
                "groups:thread-detail", kwargs={"slug": slug, "thread_id": entry.object_id}
            )
        case Kind.MESSAGE:
            return reverse(
                "groups:message-link", kwargs={"slug": slug, "message_id": entry.object_id}
            )
        case Kind.ATTACHMENT:
            # A file is shown where it was sent: under its message, in its thread.
            return reverse(
                "groups:message-link", kwargs={"slug": slug, "message_id": entry.message_id}
            )
        case Kind.MEETING:
            return reverse(
                "meetings:meeting-detail", kwargs={"slug": slug, "meeting_id": entry.object_id}
            )
        case Kind.MINUTES:
            url = reverse(
                "meetings:meeting-detail", kwargs={"slug": slug, "meeting_id": entry.object_id}
            )
            return f"{url}#minutes"
    return reverse(
        "resources:document-detail", kwargs={"slug": slug, "document_id": entry.object_id}
    )


class _Counted:
    """The results for the paginator, which knows their number already."""

    def __init__(self, found: Found) -> None:
        self.found = found

    def count(self) -> int:
        return self.found.total

    def __getitem__(self, part: slice) -> list[Entry]:
        return self.found.page(part.start or 0, part.stop)


def _query_string(request: AuthenticatedHttpRequest, **changes: str | None) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def _results(
    request: AuthenticatedHttpRequest, entries, query: str, *, narrow: bool
) -> list[Result]:
    results = []
    for entry in entries:
        thread_url = file_url = ""
        if narrow and entry.kind in (Kind.MESSAGE, Kind.ATTACHMENT) and entry.thread_id:
            thread_url = "?" + _query_string(request, thread=str(entry.thread_id), kind=None)
        if entry.kind == Kind.ATTACHMENT:
            # The file's own address checks, as the message does, who may open it.
            file_url = reverse(
                "resources:attachment-file",
                kwargs={"slug": entry.group.slug, "attachment_id": entry.object_id},
            )
        results.append(
            Result(
                kind=entry.kind,
                title=excerpt(entry.title, query, chars=300),
                excerpt=excerpt(entry.text, query) if entry.text else SafeString(""),
                url=_url(entry),
                group=entry.group,
                author=entry.author,
                entry=entry,
                thread_url=thread_url,
                file_url=file_url,
            )
        )
    return results


def _search(
    request: AuthenticatedHttpRequest,
    *,
    scope: Scope,
    authors: Authors,
    template: str,
    context: dict,
) -> HttpResponse:
    form = SearchForm(request.GET or None, authors=authors)
    thread = None
    found = None
    sections: list[Section] = []
    page: Page | None = None
    results: list[Result] = []
    query = ""
    if form.is_valid():
        data = form.cleaned_data
        query = data["q"].strip()
        if data["thread"] is not None:
            thread = Thread.objects.filter(pk=data["thread"], group_id__in=scope.readers).first()
            if thread is None:
                form.add_error(None, _("This thread is not one you can search."))
    if form.is_bound and form.is_valid() and query:
        data = form.cleaned_data
        filters = Filters(
            kind=data["kind"],
            author_id=data["author"],
            thread_id=thread.pk if thread else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            order=data["order"] or "best",
        )
        found = entry_search(scope=scope, query=query, filters=filters)
    if found is not None and form.cleaned_data["kind"]:
        number = parse_int(request.GET.get("page"), minimum=1, maximum=10_000) or 1
        page = Paginator(_Counted(found), PER_PAGE).get_page(number)  # type: ignore[arg-type]
        results = _results(request, page.object_list, query, narrow=thread is None)
    elif found is not None:
        labels = dict(Kind.choices)
        first = found.first_of_each_kind(PER_KIND)
        for kind in Kind.values:
            count = found.counts.get(kind, 0)
            entries = [entry for entry in first if entry.kind == kind]
            if not count or not entries:
                continue
            more = kind in found.more
            sections.append(
                Section(
                    kind=kind,
                    label=str(labels[kind]),
                    count=count,
                    more=more,
                    results=_results(request, entries, query, narrow=thread is None),
                    more_url="?" + _query_string(request, kind=kind)
                    if more or count > PER_KIND
                    else "",
                )
            )
    kinds = [
        (
            kind,
            label,
            found.counts.get(kind, 0) if found else 0,
            found is not None and kind in found.more,
            "?" + _query_string(request, kind=kind),
        )
        for kind, label in Kind.choices
    ]
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "query": query,
            "found": found,
            "count_all": sum(found.counts.values()) if found else 0,
            "more": bool(found and found.more),
            "more_here": bool(found and found.kind in found.more),
            "limit": selectors.LIMIT,  # read now: the tests lower it
            "sections": sections,
            "page": page,
            "results": results,
            "kinds": kinds,
            "all_kinds_url": "?" + _query_string(request, kind=None),
            "thread": thread,
            "without_thread_url": "?" + _query_string(request, thread=None),
            "page_prefix": _query_string(request) + "&" if request.GET else "",
        },
    )


@group_view(Capability.VIEW)
def group_search(request: AuthenticatedHttpRequest, access: GroupAccess) -> HttpResponse:
    """Everything one group wrote that this person may read."""
    group = access.group
    scope = Scope(readers=[group.pk], managers=[group.pk] if access.can_manage else [])
    authors = Authors.of([group.pk])
    return _search(
        request,
        scope=scope,
        authors=authors,
        template="search/group_search.html",
        context={"group": group, "access": access},
    )


@login_required
def search_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything written in the groups this person belongs to (not, for site staff,
    in every group: a search reaches no further than membership)."""
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("group")
    )
    readers, managers = [], []
    for membership in memberships:
        allowed = capabilities(user=request.user, group=membership.group, membership=membership)
        if Capability.VIEW in allowed:
            readers.append(membership.group_id)
        if Capability.MANAGE in allowed:
            managers.append(membership.group_id)
    authors = Authors.of(readers)
    return _search(
        request,
        scope=Scope(readers=readers, managers=managers),
        authors=authors,
        template="search/search.html",
        context={"groups": [m.group for m in memberships]},
    )
