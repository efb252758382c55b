"""The lemmatisers' dictionaries are read when the server process starts: read on first
use, Polish took 4 s of CPU under the interpreter lock, and the first message indexed
after a start froze every socket of the process."""

import os
import subprocess
import sys

from django.conf import settings
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY

from search import lemmas

READ = (
    "from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY as f;"
    "from search import lemmas;"
    "print(f._get_dictionary.cache_info().currsize, lemmas._ukrainian.cache_info().currsize)"
)


def test_warm_reads_both_dictionaries():
    LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_clear()
    lemmas._ukrainian.cache_clear()
    lemmas.warm()
    assert LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize == 1
    assert lemmas._ukrainian.cache_info().currsize == 1


def test_the_server_application_has_read_them_when_it_is_loaded():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gwd.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import gwd.asgi;" + READ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split()[-2:] == ["1", "1"]
