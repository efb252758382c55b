from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.access import (
    PERMISSIONS,
    STAFF,
    Capability,
    group_access,
    group_object_get,
    permission_table_markdown,
)
from groups.models import Membership, Role

ROOT = Path(__file__).resolve().parents[2]


def test_docs_permissions_md_is_rendered_from_the_table():
    shipped = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert shipped == permission_table_markdown(), "run: python manage.py permissions_doc"


def test_the_table_gives_each_role_what_the_design_says():
    assert PERMISSIONS[Role.FACILITATOR] == frozenset(Capability)
    assert PERMISSIONS[Role.MEMBER] == {
        Capability.VIEW,
        Capability.POST,
        Capability.UPLOAD,
        Capability.REPORT,
    }
    assert PERMISSIONS[Role.OBSERVER] == {Capability.VIEW}
    assert Capability.POST not in PERMISSIONS[STAFF]


@pytest.mark.parametrize("capability", list(Capability))
def test_access_follows_the_table_for_every_role(
    capability, group, facilitator, member, observer, outsider
):
    for user, role in [
        (facilitator, Role.FACILITATOR),
        (member, Role.MEMBER),
        (observer, Role.OBSERVER),
    ]:
        if capability in PERMISSIONS[role]:
            assert group_access(user=user, slug=group.slug, capability=capability).group == group
        else:
            with pytest.raises(PermissionDenied):
                group_access(user=user, slug=group.slug, capability=capability)
    with pytest.raises(Http404):
        group_access(user=outsider, slug=group.slug, capability=capability)


def test_an_archived_group_allows_only_view_and_manage(group, facilitator):
    group.archived = True
    group.save()
    access = group_access(user=facilitator, slug=group.slug, capability="view")
    assert access.allowed == {Capability.VIEW, Capability.MANAGE}


def test_objects_of_another_group_are_not_found(group, other_group, facilitator, member_factory):
    stranger = member_factory(other_group)
    access = group_access(user=facilitator, slug=group.slug, capability="manage")
    foreign = Membership.objects.get(user=stranger)
    with pytest.raises(Http404):
        group_object_get(access, Membership.objects.all(), foreign.pk)
    with pytest.raises(Http404):
        group_object_get(access, Membership.objects.all(), "not-a-number")


def test_a_slug_that_is_no_slug_is_a_404_before_any_query(member, group, django_assert_num_queries):
    # Slugs also come from forms (a template adapted into a group): a NUL, which
    # PostgreSQL refuses in text, must not reach the database.
    for slug in (f"{group.slug}\x00", "", "a/b", None):
        with django_assert_num_queries(0), pytest.raises(Http404):
            group_access(user=member, slug=slug, capability=Capability.VIEW)


def test_an_id_past_64_bits_looked_up_through_a_foreign_key_is_not_found(group, member):
    access = group_access(user=member, slug=group.slug, capability="view")
    with pytest.raises(Http404):
        group_object_get(access, Membership.objects.all(), 2**64 + 5, pk_field="user_id")


def test_a_member_is_let_in_with_one_statement(
    member, group, other_group, django_assert_num_queries
):
    """Every group page starts here: the member's group and membership are one read."""
    with django_assert_num_queries(1):
        access = group_access(user=member, slug=group.slug, capability=Capability.VIEW)
    assert access.group == group
    assert access.membership.group is access.group
    # Another group, one that does not exist and a removed membership: the same 404.
    with django_assert_num_queries(1), pytest.raises(Http404):
        group_access(user=member, slug=other_group.slug, capability=Capability.VIEW)
    with pytest.raises(Http404):
        group_access(user=member, slug="no-such-group", capability=Capability.VIEW)
    Membership.objects.filter(user=member, group=group).update(status=Membership.Status.REMOVED)
    with pytest.raises(Http404):
        group_access(user=member, slug=group.slug, capability=Capability.VIEW)
