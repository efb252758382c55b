"""A group's name and description in each language: the single name and description
become those of the group's first working language."""

from django.db import migrations, models

LANGUAGES = ("pl", "uk", "en")


def first_language(group) -> str:
    return next((code for code in group.working_languages or [] if code in LANGUAGES), "pl")


def split(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    for group in Group.objects.all():
        code = first_language(group)
        setattr(group, f"name_{code}", group.name)
        setattr(group, f"description_{code}", group.description)
        group.save(update_fields=[f"name_{code}", f"description_{code}"])


def join(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    for group in Group.objects.all():
        code = first_language(group)
        group.name = getattr(group, f"name_{code}") or group.name_pl or group.name_uk
        group.description = getattr(group, f"description_{code}")
        group.save(update_fields=["name", "description"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0007_folderfollow_to_resources"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="name_pl",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Polish"),
        ),
        migrations.AddField(
            model_name="group",
            name="name_uk",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Ukrainian"),
        ),
        migrations.AddField(
            model_name="group",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name="group",
            name="description_pl",
            field=models.TextField(blank=True, verbose_name="description in Polish"),
        ),
        migrations.AddField(
            model_name="group",
            name="description_uk",
            field=models.TextField(blank=True, verbose_name="description in Ukrainian"),
        ),
        migrations.AddField(
            model_name="group",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.RunPython(split, join),
        migrations.AlterModelOptions(
            name="group",
            options={
                "ordering": ["slug"],
                "verbose_name": "group",
                "verbose_name_plural": "groups",
            },
        ),
        migrations.RemoveField(model_name="group", name="name"),
        migrations.RemoveField(model_name="group", name="description"),
    ]
