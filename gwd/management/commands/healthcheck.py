import json

from django.core.management.base import BaseCommand, CommandError

from gwd.health import report


class Command(BaseCommand):
    help = "Check the database, cache, storage and task worker; exit 1 if any fails."

    def handle(self, *args, **options):
        result = report()
        self.stdout.write(json.dumps(result, indent=2))
        if not result["ok"]:
            raise CommandError("GWD is not healthy")
