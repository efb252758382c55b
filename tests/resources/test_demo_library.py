"""The demonstration library: model documents written out as DOCX and PDF whose text the
library reads for search; the demo data loads twice without creating anything twice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from groups.models import Reaction
from meetings.models import ActionItem, Meeting, Minutes
from resources import demo, files
from resources.models import Document, DocumentVersion, Folder, MessageAttachment
from resources.search import document_search
from tests.resources.test_library import private_files  # noqa: F401 — a fixture


@pytest.mark.parametrize("model", [demo.ESCO_PL, demo.ESCO_UK, demo.TAX_PL, demo.TAX_UK])
@pytest.mark.parametrize("write", [demo.model_docx, demo.model_pdf])
def test_the_model_documents_are_real_files_with_readable_text(
    model,
    write,
    private_files,  # noqa: F811
):
    upload = SimpleUploadedFile("model", write(model))
    kind = files.sniff(upload)
    assert kind == (files.DOCX if write is demo.model_docx else files.PDF)
    text = " ".join(files.extract_text(files.store(upload, group_id=1).key, kind).text.split())
    heading, paragraphs = model.sections[-1]
    assert model.title in text and heading in text
    assert " ".join(paragraphs[0].split()[:4]) in text


@pytest.mark.django_db
def test_the_demo_data_shows_the_library_meetings_and_discussions(
    settings,
    private_files,  # noqa: F811
    run_tasks,
    django_capture_on_commit_callbacks,
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    run_tasks()
    counts = (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Folder.objects.count(),
        Meeting.objects.count(),
        ActionItem.objects.count(),
        Reaction.objects.count(),
    )
    template = Document.objects.get(title=demo.ESCO_TITLE_PL)
    assert template.is_template and template.shared_with_all
    assert template.versions.count() == 3
    assert "ESCO" in [str(tag) for tag in template.tags.all()]
    copy = template.adaptations.get()
    assert copy.group.slug == "gwd-miejska" and copy.source_version == template.versions.first()
    held = Meeting.objects.filter(status=Meeting.Status.HELD)
    assert held.count() == 2
    assert Minutes.objects.filter(meeting__in=held, status=Minutes.Status.PUBLISHED).count() == 2
    assert Reaction.objects.exists()
    # A message carries a photo (with its thumbnail), a PDF and a document of the library.
    carried = MessageAttachment.objects.filter(message__client_id="seed-attachments-1")
    assert sorted(carried.values_list("kind", flat=True)) == ["link", "upload", "upload"]
    assert carried.exclude(document__current_version__thumbnail_key="").count() == 1
    # The words inside the files are found, the adapted copy's too.
    for word in ("stopniodni", "градусо-діб", "ZIN-3"):
        assert document_search(Document.objects.all(), word).exists(), word
    assert document_search(Document.objects.filter(pk=copy.pk), "IPMVP").exists()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert counts == (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Folder.objects.count(),
        Meeting.objects.count(),
        ActionItem.objects.count(),
        Reaction.objects.count(),
    )
