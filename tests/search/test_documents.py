"""A document is found by the words inside its file once the worker has read them, its
spreadsheets and presentations too."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resources import services
from tests.resources.conftest import run_tasks  # noqa: F401 — the fixture
from tests.resources.test_library import private_files  # noqa: F401 — the fixture
from tests.resources.test_office_text import make_ods, make_pptx, make_xlsx


@pytest.mark.parametrize(
    ("make", "name", "asked"),
    [
        (make_xlsx, "stawki.xlsx", "stawki"),
        (make_ods, "umowy.ods", "договору"),
        (make_pptx, "prezentacja.pptx", "termomodernizacji"),
    ],
)
def test_the_words_inside_an_uploaded_file_are_found(
    client,
    login,
    facilitator,
    member,
    group,
    private_files,  # noqa: F811
    run_tasks,  # noqa: F811
    make,
    name,
    asked,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            actor=facilitator,
            group=group,
            folder=None,
            title="Plik bez słów w tytule",
            upload=SimpleUploadedFile(name, make()),
        )
    # The worker reads the file and the index takes its words once that commits.
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    login(member)
    url = reverse("search:group-search", kwargs={"slug": group.slug})
    page = client.get(url, {"q": asked, "kind": "document"}).content.decode()
    detail = reverse(
        "resources:document-detail", kwargs={"slug": group.slug, "document_id": document.pk}
    )
    assert f'href="{detail}"' in page
