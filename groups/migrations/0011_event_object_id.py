"""An event of a higher app's type names the row it is about (a poll's, say), as a
message's names its message: replays are rebuilt from that row as it is now."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0010_territorial_units")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="object_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
    ]
