"""What GWD writes to its log for ordinary refusals and warnings."""

import logging

from django.conf import settings
from django.urls import reverse


def test_a_refused_request_is_one_line_without_a_traceback(client, login, member, group, caplog):
    login(member)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("groups:group-settings", kwargs={"slug": group.slug}))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None and record.exc_text is None


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    record.status_code = 500
    record.exc_info = (ValueError, ValueError("boom"), None)
    logging.getLogger("django.request").filters[0].filter(record)
    assert record.exc_info is not None


def test_djangos_lines_are_printed_once():
    """Only the root's console handler prints; Django's own (with DEBUG) is gone."""
    django_logger = logging.getLogger("django")
    streams = [h for h in django_logger.handlers if isinstance(h, logging.StreamHandler)]
    assert streams == [] and django_logger.propagate
    assert settings.LOGGING["loggers"]["django"]["handlers"] == ["mail_admins"]
