"""What the first request or message would load with the interpreter lock held is loaded
when the server process starts: read on first use, the Polish lemmatiser's dictionary
took 4 s of CPU and the URLconf 2 s, and every socket of the process froze meanwhile."""

import os
import subprocess
import sys

from django.conf import settings
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY

from search import lemmas

READ = (
    "import sys;"
    "from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY as f;"
    "from search import lemmas;"
    "print(f._get_dictionary.cache_info().currsize, lemmas._ukrainian.cache_info().currsize,"
    " int('gwd.urls' in sys.modules))"
)


def test_warm_reads_both_dictionaries():
    LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_clear()
    lemmas._ukrainian.cache_clear()
    lemmas.warm()
    assert LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize == 1
    assert lemmas._ukrainian.cache_info().currsize == 1


def test_the_server_application_has_loaded_them_when_it_is_loaded():
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
    # The URLconf too: its views and what they import took 2 s on the first link built.
    assert done.stdout.split()[-3:] == ["1", "1", "1"]
