"""Fifty people voting at the same moment on PostgreSQL are all counted, exactly once."""

import threading

import pytest
from django.db import connection, connections

from decisions import services
from decisions.models import Ballot, Participation
from decisions.selectors import poll_results
from groups.access import group_access
from groups.models import Role

VOTERS = 50

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite has one writer"
)


def run_together(work, people):
    """Run work(person) for everyone at once: all threads wait at a barrier first."""
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def one(person):
        try:
            barrier.wait(timeout=30)
            work(person)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_voters_are_each_counted_once(poll_factory, member_factory, group):
    poll = poll_factory("single")
    first = poll.options.first()
    people = [member_factory(group, Role.MEMBER) for _ in range(VOTERS)]

    def cast(person):
        access = group_access(user=person, slug=group.slug, capability="view")
        services.vote_cast(actor=person, access=access, poll=poll, marks={first.pk: 1})

    assert run_together(cast, people) == []
    assert Participation.objects.filter(poll=poll).count() == VOTERS
    assert Ballot.objects.filter(poll=poll).count() == VOTERS
    assert poll_results(poll)["counts"][first.pk] == VOTERS


@pytest.mark.django_db(transaction=True)
def test_one_person_voting_twice_at_once_gets_one_vote(poll_factory, member, group):
    poll = poll_factory("single", anonymous=True)
    first = poll.options.first()
    refused = []

    def cast(_n):
        access = group_access(user=member, slug=group.slug, capability="view")
        try:
            services.vote_cast(actor=member, access=access, poll=poll, marks={first.pk: 1})
        except services.ServiceError as error:
            refused.append(error.code)

    assert run_together(cast, list(range(10))) == []
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert refused == ["voted"] * 9
