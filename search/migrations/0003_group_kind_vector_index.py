"""The words' GIN index also holds each entry's group and kind (btree_gin), so that a
search counts and collects the matches of one group and kind from the index alone: with
the words alone PostgreSQL read every entry holding a word (2,119 for "umowa
termomodernizacja", 1,405 pages) to find none of them a message, and for a common word
it walked a kind's entries by date testing each one's words (docs/search.md, Speed).

btree_gin is one of PostgreSQL's trusted extensions: a database owner may create it
without being a superuser. SQLite has no vector and needs neither."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX search_entry_group_kind_vector ON search_entry"
    " USING GIN (group_id, kind, vector)",
    "DROP INDEX search_entry_vector",
]
BACKWARD = [
    "CREATE INDEX search_entry_vector ON search_entry USING GIN (vector)",
    "DROP INDEX search_entry_group_kind_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_entry_kind_attachment"),
    ]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
