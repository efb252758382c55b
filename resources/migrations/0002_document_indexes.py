from django.conf import settings
from django.db import migrations, models

# The library search (resources/search.py) matches documents with
#   to_tsvector('simple', coalesce(search_text, '')) @@ <query>
# and this GIN index is on exactly that expression. PostgreSQL only: SQLite searches the
# same folded text with LIKE and has no such index.
CREATE_SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS resources_document_search_gin ON resources_document "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, ''::text)))"
)
DROP_SEARCH_INDEX = "DROP INDEX IF EXISTS resources_document_search_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_notifications"),
        ("resources", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="document",
            index=models.Index(
                condition=models.Q(("deleted_at", None)),
                fields=["group", "-updated_at", "-id"],
                name="document_alive_latest_idx",
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
