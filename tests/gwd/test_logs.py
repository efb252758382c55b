"""What GWD writes to its log for ordinary refusals and warnings."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
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


def printing_handlers(name: str) -> list[logging.Handler]:
    """The handlers that print a line logged on `name`, up the propagation chain (pytest's
    capture handlers aside)."""
    found: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        found += [
            h
            for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.parametrize(
    "name",
    [
        "groups.services",
        "django.request",
        "django.security.csrf",
        "django.tasks",
        "django_tasks_db",
        "gwd.mail",
    ],
)
def test_every_warning_is_printed_by_one_handler(name):
    assert len(printing_handlers(name)) == 1


def test_a_refusal_prints_as_one_line(client, login, member, group, caplog):
    login(member)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("groups:group-settings", kwargs={"slug": group.slug}))
    [record] = [r for r in caplog.records if r.name == "django.request"]
    [console] = printing_handlers("django.request")
    for record_filter in logging.getLogger("django.request").filters:
        record_filter.filter(record)
    assert "\n" not in console.format(record)


def test_development_mail_is_a_file_and_one_log_line(settings, tmp_path, caplog):
    settings.MAILERS = {
        "default": {
            "BACKEND": "gwd.logs.LoggedFileEmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    with caplog.at_level(logging.INFO, logger="gwd.mail"):
        mail.send_mail("Digest of the week", "A long body\n" * 200, None, ["anna@lublin.gwd.test"])
    [record] = [r for r in caplog.records if r.name == "gwd.mail"]
    line = record.getMessage()
    assert "anna@lublin.gwd.test" in line and "Digest of the week" in line and "\n" not in line
    [written] = list(tmp_path.iterdir())
    assert "A long body" in written.read_text()


def settings_mailer(**environ: str) -> dict:
    """MAILERS["default"] as gwd.settings makes it from this environment, in a fresh
    interpreter (settings are read once)."""
    environ = {**{k: v for k, v in os.environ.items() if k != "EMAIL_URL"}, **environ}
    script = "import json, gwd.settings as s; print(json.dumps(s.MAILERS['default']))"
    result = subprocess.run(
        [sys.executable, "-c", script], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_development_without_a_mail_url_writes_mail_to_files():
    assert settings_mailer(DEBUG="1")["BACKEND"] == "gwd.logs.LoggedFileEmailBackend"
    assert settings_mailer(DEBUG="1", EMAIL_URL="console://")["BACKEND"].endswith(
        "console.EmailBackend"
    )
    assert settings_mailer(DEBUG="0")["BACKEND"].endswith("console.EmailBackend")


def test_starting_prints_no_pdf_progress():
    """WeasyPrint narrates each step of every PDF, and of its own style sheets when it is
    imported; a start of GWD printed three such lines. Its warnings still come through."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": "x" * 60, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "weasyprint" not in result.stdout + result.stderr
    assert logging.getLogger("weasyprint").getEffectiveLevel() == logging.WARNING
