"""The fixed cast of a group: facilitator, member, observer, outsider and site staff."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from groups.models import Group, GroupKind, Institution, Membership, Role
from tests.conftest import PASSWORD


@pytest.fixture
def group_factory(db):
    def make(*, slug: str, name: str | None = None, **fields) -> Group:
        fields.setdefault("kind", GroupKind.URBAN)
        fields.setdefault("working_languages", ["pl"])
        return Group.objects.create(
            slug=slug, name=name or slug.replace("-", " ").title(), **fields
        )

    return make


@pytest.fixture
def member_factory(user_factory):
    """member_factory(group, role, **user_fields) → a user with an active membership."""

    def make(group: Group, role: str = Role.MEMBER, **user_fields):
        user = user_factory(**user_fields)
        Membership.objects.create(user=user, group=group, role=role, institution=user.institution)
        return user

    return make


@pytest.fixture
def kielce(db) -> Institution:
    return Institution.objects.create(name="Urząd Miasta Kielce", kind="city", code="2661011")


@pytest.fixture
def group(group_factory) -> Group:
    return group_factory(slug="gwd-miejska", name="GWD miejska")


@pytest.fixture
def other_group(group_factory) -> Group:
    return group_factory(slug="ppp", name="Partnerstwo publiczno-prywatne", kind=GroupKind.PPP)


@pytest.fixture
def facilitator(member_factory, group, kielce):
    return member_factory(
        group,
        Role.FACILITATOR,
        email="facilitator@kielce.gwd.test",
        full_name="Marek Kowalski",
        institution=kielce,
    )


@pytest.fixture
def member(member_factory, group):
    return member_factory(
        group, Role.MEMBER, email="member@lublin.gwd.test", full_name="Anna Nowak"
    )


@pytest.fixture
def observer(member_factory, group):
    return member_factory(
        group, Role.OBSERVER, email="observer@mswia.gwd.test", full_name="Barbara Mazur"
    )


@pytest.fixture
def outsider(user_factory):
    return user_factory(email="outsider@sopot.gwd.test", full_name="Beata Michalska")


@pytest.fixture
def site_staff(user_factory):
    """The Association's staff member, with two-factor authentication set up."""
    user = user_factory(email="staff@zmp.gwd.test", full_name="Ewa Zielińska", is_staff=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def login(client):
    """login(user) signs the test client in as `user` and returns the client."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


__all__ = ["PASSWORD"]
