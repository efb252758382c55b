"""The quick variant of bench/files.py: a few-MB document goes up through the
single-request form and in chunks, on the local disk and on S3, and comes down with the
same bytes. Nothing is lost; timings and memory are the benchmark's business."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from resources.models import Document
from tests.resources.test_chunked_uploads import big_pdf, downloaded, finish, send, staging  # noqa: F401
from tests.resources.test_library import private_files, upload_file, url  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def test_a_file_sent_either_way_comes_back_the_same(client, login, member, group, staging):  # noqa: F811
    content = big_pdf(3 * 1024 * 1024)
    login(member)
    classic = client.post(
        url("document-upload", group),
        {"file": upload_file("jednym.pdf", content), "title": "Jednym", "language": "pl"},
    )
    assert classic.status_code == 302
    # The same file again: the library would warn, and the person chose to go on.
    assert finish(client, group, send(client, group, content), duplicate_ok="1").status_code == 302
    for document in Document.objects.all():
        assert document.current_version.sha256 == hashlib.sha256(content).hexdigest()
        assert downloaded(client, document) == content
    assert Document.objects.count() == 2


def test_the_benchmark_run_small_loses_nothing():
    """bench/files.py against real daphne processes and a moto S3 server."""
    result = subprocess.run(
        [sys.executable, "bench/files.py", "--mb", "3", "--one-server"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    downloads = [line for line in result.stdout.splitlines() if line.startswith("| download")]
    assert len(downloads) == 4, result.stdout
    assert all(line.rstrip().endswith("| same |") for line in downloads), result.stdout
