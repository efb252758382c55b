"""FolderFollow belongs to the library: its state moves to resources (0004), which keeps
the table and its rows."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_event_refs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FolderFollow")],
            database_operations=[],
        ),
    ]
