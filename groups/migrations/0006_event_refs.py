"""Events name the message or thread they are about instead of storing the frame as
first sent: replays are rebuilt from the current state (no deleted or edited text)."""

import json

from django.db import migrations, models


def frames_to_refs(apps, schema_editor):
    Event = apps.get_model("groups", "Event")
    batch = []
    for event in Event.objects.only("pk", "type", "frame").iterator(chunk_size=2000):
        try:
            frame = json.loads(event.frame)
        except ValueError:
            frame = {}
        if event.type == "thread.updated":
            event.thread_id = (frame.get("thread") or {}).get("id")
        elif event.type == "message.hidden":
            event.message_id, event.thread_id = frame.get("id"), frame.get("thread")
        else:
            message = frame.get("message") or {}
            event.message_id, event.thread_id = message.get("id"), message.get("thread")
        batch.append(event)
        if len(batch) >= 2000:
            Event.objects.bulk_update(batch, ["message_id", "thread_id"])
            batch = []
    if batch:
        Event.objects.bulk_update(batch, ["message_id", "thread_id"])


class Migration(migrations.Migration):
    dependencies = [("groups", "0005_notifications")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="message_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="thread_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(frames_to_refs, migrations.RunPython.noop),
        migrations.RemoveField(model_name="event", name="frame"),
    ]
