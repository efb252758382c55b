"""The fixed cast and factories every test shares: a group with its facilitator,
member and observer, an outsider, site staff, and the factories that make more."""

import itertools
import os

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from channels.layers import channel_layers
from django.core.cache import cache

from groups.models import Group, GroupKind, Institution, Membership, Role, User
from gwd import ratelimit

# Browser tests run on their own (`make test-e2e`): Playwright's event loop and
# pytest-asyncio do not share a process.
collect_ignore_glob = [] if os.environ.get("GWD_E2E") else ["e2e/*"]

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _test_settings(settings, _static_root):
    # The suite runs with DEBUG off like production, but over plain HTTP and with a fast
    # hasher; static files come from the finders, not a collected manifest.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SERVESTATIC_USE_MANIFEST = False
    settings.STATIC_ROOT = _static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each test runs in its own event loop; channels_redis keeps asyncio locks that bind
    # to the loop that first waited on them, so every test gets a new layer object.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the cache; one test's failures must not lock out the next.
    cache.clear()
    ratelimit.reset()
    yield
    cache.clear()


_sequence = itertools.count(1)


@pytest.fixture
def user_factory(db):
    """Returns a function that makes a verified user: user_factory(email=..., language=...)."""

    def make(
        *,
        email: str | None = None,
        full_name: str = "Jan Kowalski",
        password: str = PASSWORD,
        verified: bool = True,
        institution: Institution | None = None,
        **fields,
    ) -> User:
        email = email or f"user{next(_sequence)}@gwd.test"
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            institution=institution,
            **fields,
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def alice(user_factory) -> User:
    """An ordinary verified official."""
    return user_factory(email="alice@kielce.gwd.test", full_name="Alicja Nowak")


@pytest.fixture
def staff(user_factory) -> User:
    return user_factory(
        email="staff@gwd.test", full_name="Ewa Zielińska", is_staff=True, is_superuser=True
    )


@pytest.fixture
def site_staff(user_factory) -> User:
    """The Association's staff member, with two-factor authentication set up."""
    user = user_factory(email="staff@zmp.gwd.test", full_name="Ewa Zielińska", is_staff=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def group_factory(db):
    """group_factory(slug=..., name=..., **fields) → a group, urban and working in Polish
    by default; `name` is its name in its first working language."""

    def make(*, slug: str, name: str | None = None, **fields) -> Group:
        fields.setdefault("kind", GroupKind.URBAN)
        fields.setdefault("working_languages", ["pl"])
        first = fields["working_languages"][0]
        fields.setdefault(f"name_{first}", name or slug.replace("-", " ").title())
        return Group.objects.create(slug=slug, **fields)

    return make


@pytest.fixture
def member_factory(user_factory):
    """member_factory(group, role, **user_fields) → a user with an active membership."""

    def make(group: Group, role: str = Role.MEMBER, **user_fields) -> User:
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
def facilitator(member_factory, group, kielce) -> User:
    return member_factory(
        group,
        Role.FACILITATOR,
        email="facilitator@kielce.gwd.test",
        full_name="Marek Kowalski",
        institution=kielce,
    )


@pytest.fixture
def member(member_factory, group) -> User:
    return member_factory(
        group, Role.MEMBER, email="member@lublin.gwd.test", full_name="Anna Nowak"
    )


@pytest.fixture
def observer(member_factory, group) -> User:
    return member_factory(
        group, Role.OBSERVER, email="observer@mswia.gwd.test", full_name="Barbara Mazur"
    )


@pytest.fixture
def outsider(user_factory) -> User:
    return user_factory(email="outsider@sopot.gwd.test", full_name="Beata Michalska")


@pytest.fixture
def login(client):
    """login(user) signs the test client in as `user` and returns the client."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
