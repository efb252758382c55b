"""The fixed cast and factories every test shares."""

import itertools
import os

import pytest
from allauth.account.models import EmailAddress
from channels.layers import channel_layers
from django.core.cache import cache

from groups.models import Institution, User
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
