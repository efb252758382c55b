from django.core.management.base import BaseCommand

from resources.attachments import uploads_purge
from resources.services import (
    TRASH_DAYS,
    UPLOAD_SESSION_HOURS,
    trash_purge,
    upload_session_purge,
)


class Command(BaseCommand):
    help = (
        f"Delete documents that have been in the trash for more than {TRASH_DAYS} days, "
        f"and uploads left unfinished (or files sent for a message never sent) for more than "
        f"{UPLOAD_SESSION_HOURS} hours."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {trash_purge()} document(s).")
        self.stdout.write(f"Purged {upload_session_purge()} unfinished upload(s).")
        self.stdout.write(f"Purged {uploads_purge()} file(s) sent for no message.")
