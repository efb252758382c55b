from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from groups.access import permission_table_markdown


class Command(BaseCommand):
    help = "Write docs/permissions.md from the permission table in groups/access.py."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        path.write_text(permission_table_markdown(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
