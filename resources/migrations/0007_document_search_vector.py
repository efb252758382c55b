from django.db import migrations

# The library search ranks its matches. With the vector as an index expression only,
# PostgreSQL rebuilt to_tsvector of every match to rank it: 120 of the 135 ms of a search
# matching 1,263 of 11,000 documents (docs/performance.md, (c)). The vector is now a
# stored column, computed when search_text is written, and the GIN index is on it.
# PostgreSQL only: SQLite searches the same folded text with LIKE.
FORWARD = [
    "ALTER TABLE resources_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, COALESCE(search_text, ''::text))) STORED",
    "CREATE INDEX resources_document_search_vector_gin ON resources_document "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS resources_document_search_gin",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS resources_document_search_gin ON resources_document "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, ''::text)))",
    "ALTER TABLE resources_document DROP COLUMN search_vector",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("resources", "0006_message_attachments")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
