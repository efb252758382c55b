"""A word found in most entries: the counts stop and say so, and the pages reach the newest
LIMIT matches of a kind, still within what a person may read. A chosen kind is counted up
to search.selectors.LIMIT, the others up to GLANCE. Both are lowered here so a handful of
messages is "more than" either."""

# ruff: noqa: F811 (the fixtures of test_search are used here under their names)

import pytest
from django.urls import reverse

from groups import services
from search import selectors
from tests.search.test_search import found, meetings, post, search, thread, write  # noqa: F401


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(selectors, "LIMIT", 3)
    monkeypatch.setattr(selectors, "GLANCE", 2)
    return 3


@pytest.fixture
def many(write, member, thread, settings):
    """Five messages with "umowa", the oldest first."""
    settings.MESSAGE_RATE = "100/10seconds"
    return [post(write, member, thread, f"Umowa numer {n}") for n in range(1, 6)]


@pytest.mark.parametrize("order", ["best", "newest"])
def test_a_kind_with_more_than_the_limit_shows_its_newest_and_says_there_are_more(
    client, login, member, group, many, limit, order
):
    login(member)
    response = search(client, group, "umowa", kind="message", order=order)
    assert response.status_code == 200
    assert [r.entry.object_id for r in response.context["results"]] == [
        m.pk for m in reversed(many[2:])
    ]
    assert response.context["more_here"]
    page = response.content.decode()
    assert '<span class="badge badge--muted">3+</span>' in page
    assert "widać najnowsze 3" in page
    assert response.context["page"].paginator.num_pages == 1
    # A page past the newest three is the last page, not an error.
    assert search(client, group, "umowa", kind="message", page=2).status_code == 200


def test_the_overview_counts_a_common_kind_as_more_and_links_its_newest(
    client, login, member, group, many, limit
):
    login(member)
    response = search(client, group, "umowa")
    (section,) = response.context["sections"]
    # Without a kind chosen, every kind is counted at a glance: "2+", not "3+".
    assert (section.kind, section.count, section.more) == ("message", 2, True)
    page = response.content.decode()
    assert '<span class="badge badge--muted">2+</span>' in page
    assert "<mark>Umowa</mark> numer 5" in page
    assert "Pokaż więcej wyników tego rodzaju" in page
    assert "Pokaż najnowsze" not in page


def test_the_kinds_not_chosen_are_counted_at_a_glance(
    client, login, member, group, thread, write, limit, settings
):
    """The chosen kind is counted as far as its pages reach, the others only as far as
    their tabs need: counting a common word's messages to a thousand was most of the
    search's SQL."""
    settings.MESSAGE_RATE = "100/10seconds"
    post(write, member, thread, "Umowa numer 1")
    write(
        services.thread_create,
        actor=member,
        group=group,
        title="Umowa",
        body="Umowa",
        client_id="umowa-thread",
    )
    for n in range(2, 5):
        post(write, member, thread, f"Umowa numer {n}")
    login(member)
    # One thread titled "Umowa"; five messages, its first among them.
    response = search(client, group, "umowa", kind="thread")
    found = response.context["found"]
    assert found.counts == {"thread": 1, "message": 2}
    assert found.more == frozenset({"message"})
    response = search(client, group, "umowa", kind="message")
    found = response.context["found"]
    assert found.counts == {"thread": 1, "message": 3}
    assert found.more == frozenset({"message"})
    assert found.total == 3


def test_a_kind_under_the_limit_keeps_its_exact_count(client, login, member, group, many):
    login(member)
    response = search(client, group, "umowa", kind="message")
    assert response.context["found"].total == 5
    assert not response.context["more_here"]
    assert '<span class="badge badge--muted">5</span>' in response.content.decode()


def test_over_the_limit_drafts_stay_with_those_who_manage(
    client,
    login,
    write,
    facilitator,
    member,
    observer,
    meetings,
    monkeypatch,
):
    monkeypatch.setattr(selectors, "LIMIT", 1)
    draft, _held = meetings
    group = draft.group
    write(
        services.thread_create,
        actor=facilitator,
        group=group,
        title="Budżet obywatelski 2027",
        body="Budżet na oświetlenie",
        client_id="budget-1",
    )
    for reader in (member, observer):
        login(reader)
        assert "Szkic" not in found(client, group, "budżet")
        assert "Szkic" not in found(client, group, "budżet", kind="meeting")
    login(facilitator)
    assert "Szkic" in found(client, group, "budżet", kind="meeting")


def test_over_the_limit_the_search_across_groups_stays_in_ones_own(
    client, login, write, member, many, other_group, member_factory, limit
):
    other = member_factory(other_group, email="inny@gwd.test")
    for n in range(5):
        write(
            services.thread_create,
            actor=other,
            group=other_group,
            title=f"Umowa w innej grupie {n}",
            body="Umowa",
            client_id=f"other-{n}",
        )
    login(member)
    response = client.get(reverse("search:search"), {"q": "umowa", "kind": "message"})
    page = response.content.decode()
    assert "<mark>Umowa</mark> numer 5" in page
    assert "innej grupie" not in page


def test_each_kind_is_counted_and_shown_in_its_own_section(
    client, login, member, group, thread, write
):
    """The counts and the first results of every kind are one statement compiled once
    and given each kind in turn: each section holds its own kind and its own count."""
    for n in range(3):
        post(write, member, thread, f"Stawki w gminie numer {n}")
    login(member)
    response = search(client, group, "stawki")
    sections = {section.kind: section for section in response.context["sections"]}
    # The thread's title and its first message, and the three messages.
    assert {kind: section.count for kind, section in sections.items()} == {
        "thread": 1,
        "message": 4,
    }
    for kind, section in sections.items():
        assert {result.kind for result in section.results} == {kind}
    assert len(sections["message"].results) == 4
