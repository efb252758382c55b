"""GWD's middleware on the async road, as daphne runs it (the test client is sync)."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import AsyncClient
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def close_the_sync_threads_connection():
    """Signing in runs on asgiref's thread for sync code, which keeps its database
    connection: closed here, or the test database could not be dropped at the end."""
    yield
    await sync_to_async(connections.close_all)()


async def signed_in(user) -> AsyncClient:
    client = AsyncClient()
    await client.aforce_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


async def test_a_signed_in_official_reads_pages_in_their_profile_language(member, group):
    member.language = "uk"
    member.time_zone = "Europe/Kyiv"
    await member.asave(update_fields=["language", "time_zone"])
    client = await signed_in(member)
    response = await client.get(reverse("groups:group-detail", kwargs={"slug": group.slug}))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "uk"
    assert '<html lang="uk"' in response.text
    assert len(response.headers["X-Request-ID"]) == 32


async def test_staff_without_a_second_factor_are_sent_to_set_it_up(staff):
    client = await signed_in(staff)
    response = await client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


async def test_an_anonymous_visitor_goes_to_sign_in_and_keeps_a_sane_request_id():
    response = await AsyncClient().get("/", headers={"X-Request-ID": "proxy-id-123456"})
    assert response.status_code == 302
    assert response.headers["X-Request-ID"] == "proxy-id-123456"
