"""Start the hourly digest task if it is not already waiting in the queue.

The task re-enqueues itself each hour; run this once after deploying (and `make run`
does it), it is safe to run again.
"""

from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groups.tasks import digests_send


class Command(BaseCommand):
    help = "Make sure the hourly e-mail digest task is queued."

    def handle(self, *args, **options):
        waiting = DBTaskResult.objects.filter(
            task_path=digests_send.module_path, status=TaskResultStatus.READY
        ).exists()
        if waiting:
            self.stdout.write("The digest task is already queued.")
            return
        digests_send.enqueue(reschedule=True)
        self.stdout.write("The digest task has been queued.")
