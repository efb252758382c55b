import json
from io import StringIO
from unittest import mock

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.urls import reverse

from gwd import health, metrics


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }


def test_healthz_reports_every_dependency(client, db, private_files):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "cache", "storage", "worker"}
    assert body["checks"]["worker"]["lag_seconds"] == 0


def test_healthz_says_503_when_a_dependency_fails(client, db, private_files):
    with mock.patch.object(health, "_storage", side_effect=OSError("disk gone")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "OSError"}


def test_counters_add_up(db):
    metrics.count("resumes")
    metrics.count("events_replayed", 50)
    metrics.count("events_replayed", 2)
    assert metrics.snapshot()["events_replayed"] == 52
    assert metrics.snapshot()["resumes"] == 1


def test_the_healthcheck_command_fails_loudly(db, private_files):
    out = StringIO()
    call_command("healthcheck", stdout=out)
    assert json.loads(out.getvalue())["ok"] is True
    with (
        mock.patch.object(health, "_database", side_effect=RuntimeError("down")),
        pytest.raises(CommandError),
    ):
        call_command("healthcheck", stdout=StringIO())


def test_healthz_tells_the_public_only_whether_it_is_ok(client, db, private_files):
    response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    with mock.patch.object(health, "_storage", side_effect=OSError("disk gone")):
        response = client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.7")
    assert (response.status_code, response.json()) == (503, {"ok": False})


def test_healthz_details_go_to_monitoring_addresses_and_staff(
    client, db, private_files, settings, user_factory
):
    settings.HEALTHZ_DETAIL_FROM = ["192.0.2.0/24"]
    assert "checks" in client.get(reverse("healthz"), REMOTE_ADDR="192.0.2.10").json()
    assert "checks" not in client.get(reverse("healthz"), REMOTE_ADDR="127.0.0.1").json()
    staff = user_factory(email="ops@zmp.gwd.test", is_staff=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    assert "counters" in client.get(reverse("healthz"), REMOTE_ADDR="203.0.113.7").json()
