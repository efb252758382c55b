import time

from django.core.management.base import BaseCommand

from search.index import index_rebuild


class Command(BaseCommand):
    help = "Write the search index anew from every thread, message, meeting and document."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        written = index_rebuild()
        self.stdout.write(f"{written} entries in {time.monotonic() - started:.1f} s")
