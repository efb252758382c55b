from unittest import mock

import pytest
from django.core.management import call_command


@pytest.fixture
def run_tasks(db):
    """run_tasks() runs what waits for the task worker: the text of uploaded files is
    read there, after the upload, never inside its request."""

    def run() -> None:
        # The worker closes old connections before each task; inside the test's
        # transaction (on PostgreSQL) that would close the very connection the test runs
        # in. The test's connection is fresh, so there is nothing old to close.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command(
                "db_worker", "--batch", "--queue-name", "*", "--backend", "reminders", verbosity=0
            )

    return run
