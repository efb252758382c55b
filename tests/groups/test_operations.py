"""Running GWD: request ids and logs, outages of PostgreSQL and Redis, personal data."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from groups import events, services
from groups.models import Membership, Message, User
from gwd.logs import JsonFormatter, RequestIdFilter


@pytest.fixture
def thread(facilitator, group):
    thread, _ = services.thread_create(
        actor=facilitator, group=group, title="Drogi gminne", body="Start", client_id="s"
    )
    return thread


def test_every_response_carries_a_request_id_and_a_sane_one_is_kept(client, db):
    response = client.get(reverse("account_login"))
    assert len(response["X-Request-ID"]) == 32
    kept = client.get(reverse("account_login"), headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept["X-Request-ID"] == "proxy-abc-12345"
    odd = client.get(reverse("account_login"), headers={"X-Request-ID": "<script>"})
    assert odd["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id():
    from gwd.logs import request_id

    token = request_id.set("req-12345678")
    try:
        record = logging.LogRecord("gwd", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "req-12345678"
    assert line["message"] == "hello world"


def test_an_unreachable_database_gives_a_503_page_without_a_trace(member, login, db):
    browser = Client(raise_request_exception=False)
    browser.force_login(member)
    with mock.patch.object(
        Membership.objects, "active", side_effect=OperationalError("connection refused")
    ):
        response = browser.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Traceback" not in body and "connection refused" not in body


def test_any_other_error_shows_no_trace(member, db):
    browser = Client(raise_request_exception=False)
    browser.force_login(member)
    with mock.patch.object(Membership.objects, "active", side_effect=RuntimeError("secret")):
        response = browser.get(reverse("home"))
    assert response.status_code == 500
    assert "secret" not in response.content.decode()


def test_a_redis_outage_does_not_lose_a_message(client, login, member, thread):
    login(member)
    with mock.patch.object(events, "send_to_group", side_effect=ConnectionError("redis down")):
        response = client.post(
            reverse(
                "groups:message-post", kwargs={"slug": thread.group.slug, "thread_id": thread.pk}
            ),
            {"body": "Zapisane mimo awarii Redis"},
        )
    assert response.status_code == 302
    assert Message.objects.filter(body="Zapisane mimo awarii Redis").exists()


def test_a_member_downloads_their_data(client, login, member, thread, facilitator):
    services.message_send(actor=member, thread=thread, body="Moja wiadomość", client_id="m")
    services.message_send(actor=facilitator, thread=thread, body="Cudza", client_id="c")
    login(member)
    response = client.get(reverse("groups:personal-data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["email"] == member.email
    assert [m["text"] for m in data["messages"]] == ["Moja wiadomość"]
    assert [m["group"] for m in data["memberships"]] == [thread.group.name_pl]


def test_deleting_an_account_keeps_messages_as_a_former_member(client, member, thread):
    message, _ = services.message_send(actor=member, thread=thread, body="Zostanę", client_id="z")
    services.account_delete(actor=member)
    assert not User.objects.filter(pk=member.pk).exists()
    message.refresh_from_db()
    assert message.author is None and message.body == "Zostanę"
    assert services.message_payload(message)["author"] is None


def test_the_last_facilitator_cannot_delete_their_account(facilitator, group):
    with pytest.raises(services.ServiceError):
        services.account_delete(actor=facilitator)
    assert User.objects.filter(pk=facilitator.pk).exists()


def test_account_deletion_asks_for_the_password_again(client, login, member):
    login(member)
    response = client.post(reverse("groups:account-delete"))
    assert response.status_code == 302
    assert "reauthenticate" in response.url
    assert User.objects.filter(pk=member.pk).exists()
