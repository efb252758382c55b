"""The quick variant of bench/pages.py: `manage.py bench_data` at two small sizes leaves the
data exactly as the services would, and each page the benchmark measures runs the same
number of queries at both sizes, at most 12. Timings are the benchmark's business."""

import io
import json
from collections import defaultdict

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max
from django.test.utils import CaptureQueriesContext

from groups import events
from groups.models import (
    REACTIONS,
    Event,
    EventSequence,
    Group,
    Membership,
    Message,
    ReadPosition,
    Role,
    TerritorialUnit,
    Thread,
)
from indicators.models import Indicator
from resources import search
from resources.models import Document

SIZES = {
    # Lists shorter than a page at the small size and full pages at the large one, so
    # that a query per row would show as a difference.
    "small": {"members": 8, "messages": 120, "documents": 40, "meetings": 8},
    "large": {"members": 30, "messages": 700, "documents": 150, "meetings": 40},
}
# The indicators' generator (manage.py bench_indicators) at the same two sizes.
FIGURES = {
    "small": {"units": 4, "indicators": 6, "years": 2},
    "large": {"units": 30, "indicators": 45, "years": 3},
}
QUERY = "umowa"


@pytest.fixture
def generated(db, settings, tmp_path):
    """Both sizes in one database, each with its neighbour group; files in tmp_path."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    settings.S3_BUCKET = ""
    for prefix, size in SIZES.items():
        call_command("bench_data", prefix=prefix, stdout=io.StringIO(), **size)
        call_command("bench_indicators", group=prefix, stdout=io.StringIO(), **FIGURES[prefix])
    return SIZES


def pages(group: Group) -> dict[str, str]:
    thread = Thread.objects.filter(group=group).order_by("-message_count").first()
    indicator = Indicator.objects.get(group=group, code="bench-004")
    unit = TerritorialUnit.objects.of_group(group).order_by("pk").last()
    return {
        "indicator comparison": f"/groups/{group.slug}/indicators/compare/"
        f"?indicator={indicator.pk}&year=2025&unit={unit.pk}",
        "municipality profile": f"/groups/{group.slug}/indicators/units/{unit.pk}/profile/",
        "dashboard": f"/groups/{group.slug}/",
        "big thread": f"/groups/{group.slug}/threads/{thread.pk}/",
        "library": f"/groups/{group.slug}/library/",
        "library search": f"/library/search/?q={QUERY}",
        "search in the library": f"/groups/{group.slug}/library/?q={QUERY}",
        "group search": f"/groups/{group.slug}/search/?q={QUERY}",
        "group search, documents": f"/groups/{group.slug}/search/?q={QUERY}&kind=document",
    }


def queries_of(client, group: Group) -> dict[str, int]:
    member = Membership.objects.filter(group=group, role=Role.MEMBER).order_by("pk").first()
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    counts = {}
    for name, path in pages(group).items():
        assert client.get(path).status_code == 200, path  # the first visit may write
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        if "search" in name:  # rows were found and rendered
            found = ("results", "page", "sections")  # the group search overview: sections
            assert any(response.context.get(key) for key in found), path
        counts[name] = len(queries)
    return counts


def test_each_page_runs_the_same_queries_at_both_sizes(client, generated):
    small, large = (queries_of(client, Group.objects.get(slug=s)) for s in generated)
    assert small == large
    assert max(large.values()) <= 12, large


def test_the_sizes_asked_for_are_made(generated):
    for prefix, size in generated.items():
        group = Group.objects.get(slug=prefix)
        assert Membership.objects.active().filter(group=group).count() == size["members"]
        assert Message.objects.filter(group=group).count() == size["messages"]
        assert Document.objects.filter(group=group).count() == size["documents"]
        neighbour = Group.objects.get(slug=f"{prefix}-2")
        assert Message.objects.filter(group=neighbour).count() == size["messages"] // 10


def test_the_event_log_has_every_message_and_ends_where_the_rows_are(generated):
    for group in Group.objects.filter(slug__in=[*generated, *(f"{s}-2" for s in generated)]):
        seqs = sorted(Event.objects.filter(group=group).values_list("seq", flat=True))
        last = EventSequence.objects.get(group=group).last_seq
        assert seqs == list(range(1, last + 1)), group.slug  # numbered without gaps
        # A replay of everything: each frame built from the rows as they are now.
        frames = [json.loads(text) for _seq, text in events.events_replay(group.pk, 0, last)]
        assert [f["seq"] for f in frames] == seqs
        assert not any(f["message"].get("removed") for f in frames if "message" in f)
        new = {f["seq"]: f["message"]["id"] for f in frames if f["type"] == "message.new"}
        assert new == dict(Message.objects.filter(group=group).values_list("seq", "pk"))
        # The last frame about each message says what the row says now.
        last_frame = {f["message"]["id"]: f["message"] for f in frames if "message" in f}
        reactions: dict[int, dict[str, list[int]]] = defaultdict(dict)
        for message_id, emoji, user_id in (
            Message.objects.filter(group=group, reactions__isnull=False)
            .order_by("reactions__created_at")
            .values_list("pk", "reactions__emoji", "reactions__user_id")
        ):
            reactions[message_id].setdefault(emoji, []).append(user_id)
        for message in Message.objects.filter(group=group):
            frame = last_frame[message.pk]
            expected = {
                e: reactions[message.pk][e] for e in REACTIONS if e in reactions[message.pk]
            }
            assert (frame["deleted"], frame["reactions"]) == (message.is_deleted, expected)


def test_thread_counters_and_read_positions_match_the_messages(generated):
    threads = Thread.objects.filter(group__slug__in=generated).annotate(
        count=Count("messages"),
        last=Max("messages__seq"),
        latest=Max("messages__created_at"),
    )
    for thread in threads:
        assert (thread.message_count, thread.last_seq) == (thread.count, thread.last)
        assert thread.last_activity_at == thread.latest
    wrote = (
        Message.objects.filter(group__slug__in=generated)
        .values("author", "thread")
        .annotate(last=Max("seq"))
    )
    read = {
        (p.user_id, p.thread_id): p.last_read_seq
        for p in ReadPosition.objects.filter(thread__group__slug__in=generated)
    }
    assert read == {(w["author"], w["thread"]): w["last"] for w in wrote}


def test_every_document_has_its_files_and_the_search_text_indexing_makes(generated):
    documents = Document.objects.filter(group__slug__in=generated).prefetch_related("versions")
    for document in documents:
        versions = sorted(document.versions.all(), key=lambda v: v.number)
        assert document.current_version_id == versions[-1].pk
        for version in versions:
            assert default_storage.size(version.storage_key) == version.size
        stored = document.search_text
        search.document_index(document)
        assert document.search_text == stored
