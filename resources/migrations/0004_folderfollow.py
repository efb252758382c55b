"""FolderFollow comes from groups with its rows: the model is taken over as it is
(groups 0007 gave it up), then its table is renamed to the library's."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor):
    """Keep the permissions that name the model: its content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="groups", model="folderfollow").update(
        app_label="resources"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0007_folderfollow_to_resources"),
        ("resources", "0003_upload_session"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FolderFollow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "folder",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="resources.folder",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="groups.group",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="follows",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "groups_folderfollow",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "group", "folder"), name="follow_once"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("folder__isnull", True)),
                                fields=("user", "group"),
                                name="follow_library_once",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="folderfollow", table=None),
        migrations.RunPython(content_type_move, migrations.RunPython.noop),
    ]
