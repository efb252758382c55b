"""Statements built by the ORM once and given their parameters at each use."""

import pytest

from groups.models import Membership
from search import forms
from search.forms import Authors
from search.statements import Statement, executed


def test_each_placeholder_is_given_its_value():
    statement = Statement(
        lambda kind, group: ("SELECT %s, %s, %s", ["x", kind, group]), "\x00kind", -1
    )
    assert statement.of("message", 7) == ("SELECT %s, %s, %s", ["x", "message", 7])
    # The statement itself is kept as it was built, for the next use.
    assert statement.of("thread", 8) == ("SELECT %s, %s, %s", ["x", "thread", 8])


@pytest.mark.parametrize("params", [["x"], ["\x00kind", "\x00kind"]], ids=["missing", "twice"])
def test_a_placeholder_not_found_once_is_refused(params):
    with pytest.raises(ValueError, match="once"):
        Statement(lambda kind: ("SELECT 1", params), "\x00kind")


def test_a_placeholder_is_not_mistaken_for_an_equal_value_of_another_type():
    # True == 1 in Python: a boolean parameter is not the integer placeholder.
    statement = Statement(lambda n: ("SELECT %s, %s", [True, n]), 1)
    assert statement.of(5) == ("SELECT %s, %s", [True, 5])


@pytest.mark.django_db
def test_executed_is_the_statement_the_orm_ran():
    sql, params = executed(lambda: Membership.objects.filter(group_id=-5).exists())
    assert "groups_membership" in sql
    assert -5 in params


@pytest.mark.django_db
def test_the_author_listing_is_built_once_for_any_groups_of_a_number(
    group, other_group, member, member_factory, monkeypatch
):
    """The ORM built the listing's aggregate for each search: 3 ms of its CPU."""
    colleague = member_factory(other_group, full_name="Celina Inna")
    built = []
    original = forms._listing_statement.__wrapped__

    def counted(vendor, groups):
        built.append(groups)
        return original(vendor, groups)

    forms._listing_statement.cache_clear()
    monkeypatch.setattr(forms, "_listing_statement", forms.functools.lru_cache(counted))
    assert Authors.of([group.pk]).ids() == {
        m.user_id for m in Membership.objects.filter(group=group)
    }
    assert Authors.of([other_group.pk]).ids() == {colleague.pk}
    assert Authors.of([group.pk, other_group.pk]).ids() >= {member.pk, colleague.pk}
    assert built == [1, 2]
    assert Authors.of([]).ids() == set()
