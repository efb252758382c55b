"""Static files as production serves them."""

import json
import re

from django.core.management import call_command
from django.test import override_settings

STORAGE = {"BACKEND": "gwd.storage.StaticFilesStorage"}


def test_the_discussion_modules_import_each_other_by_their_hashed_names(settings, tmp_path):
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, "staticfiles": STORAGE}
    ):
        call_command("collectstatic", "--no-input", verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    main = (tmp_path / paths["js/discussion/main.js"]).read_text()
    imported = re.findall(r'from\s*"\./([^"]+)"', main)
    assert imported, "main.js imports its modules"
    for name in imported:
        assert f"js/discussion/{name}" in paths.values(), name
        assert re.fullmatch(r"[a-z]+\.[0-9a-f]{12}\.js", name), name
