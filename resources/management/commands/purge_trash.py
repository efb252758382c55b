from django.core.management.base import BaseCommand

from resources.services import TRASH_DAYS, trash_purge


class Command(BaseCommand):
    help = f"Delete documents that have been in the trash for more than {TRASH_DAYS} days."

    def handle(self, *args, **options):
        self.stdout.write(f"Purged {trash_purge()} document(s).")
