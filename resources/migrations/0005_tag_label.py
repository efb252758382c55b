"""Tags keep the spelling they were given. Until now every tag was lower-cased on the way
in ("ESCO" became "esco"); the spelling is recovered from the titles and descriptions of
the tag's documents where a word there folds to the tag, and otherwise stays as stored."""

import re

from django.db import migrations, models


def recover_labels(apps, schema_editor):
    Tag = apps.get_model("resources", "Tag")
    for tag in Tag.objects.filter(label=""):
        label = tag.name
        texts = tag.documents.values_list("title", "description")[:50]
        pattern = re.compile(rf"(?<!\w){re.escape(tag.name)}(?!\w)", re.IGNORECASE)
        for text in (t for pair in texts for t in pair):
            found = pattern.search(text)
            if found and found.group(0).casefold() == tag.name:
                label = found.group(0)
                break
        tag.label = label
        tag.save(update_fields=["label"])


class Migration(migrations.Migration):
    dependencies = [("resources", "0004_folderfollow")]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="label",
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.RunPython(recover_labels, migrations.RunPython.noop),
    ]
