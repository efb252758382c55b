"""A word found in most entries: the counts stop at search.selectors.LIMIT and say so,
and the pages reach the newest LIMIT matches of a kind, still within what a person may
read. LIMIT is lowered here so a handful of messages is "more than LIMIT"."""

# ruff: noqa: F811 (the fixtures of test_search are used here under their names)

import pytest
from django.urls import reverse

from groups import services
from search import selectors
from tests.search.test_search import found, meetings, post, search, thread, write  # noqa: F401


@pytest.fixture
def limit(monkeypatch):
    monkeypatch.setattr(selectors, "LIMIT", 3)
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
    assert '<span class="badge badge--muted">3+</span>' in response.content.decode()
    assert response.context["page"].paginator.num_pages == 1
    # A page past the newest three is the last page, not an error.
    assert search(client, group, "umowa", kind="message", page=2).status_code == 200


def test_the_overview_counts_a_common_kind_as_more_and_links_its_newest(
    client, login, member, group, many, limit
):
    login(member)
    response = search(client, group, "umowa")
    (section,) = response.context["sections"]
    assert (section.kind, section.count, section.more) == ("message", 3, True)
    page = response.content.decode()
    assert '<span class="badge badge--muted">3+</span>' in page
    assert "<mark>Umowa</mark> numer 5" in page


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
