"""The document library: uploads checked by content, private storage (local and S3),
downloads, versions, templates shared across groups, adaptations, trash and search."""

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Membership, Role
from gwd.errors import ServiceError
from resources import files, services
from resources.models import Document, DocumentVersion


def make_pdf(text: str) -> bytes:
    """A small valid PDF whose only page shows `text` (ASCII)."""
    stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def upload_file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


@pytest.fixture
def private_files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files", "base_url": None},
        },
    }
    settings.S3_BUCKET = ""
    return tmp_path / "files"


@pytest.fixture
def upload(facilitator, group, private_files, django_capture_on_commit_callbacks, run_tasks):
    """upload(...) → a new document, its text read as the worker reads it."""

    def make(name="Umowa ESCO.pdf", content=None, user=None, target=None, **fields) -> Document:
        content = content if content is not None else make_pdf("Umowa ESCO termomodernizacja")
        with django_capture_on_commit_callbacks(execute=True):
            document = services.document_upload(
                actor=user or facilitator,
                group=target or group,
                upload=upload_file(name, content),
                title=fields.pop("title", name),
                **fields,
            )
        run_tasks()
        document.refresh_from_db()
        return document

    return make


def url(name, group, **kwargs):
    return reverse(f"resources:{name}", kwargs={"slug": group.slug, **kwargs})


# --- Uploads ------------------------------------------------------------------------------


def test_an_upload_is_stored_under_a_generated_key_with_its_facts(upload, group, private_files):
    document = upload()
    version = document.current_version
    assert version.storage_key.startswith(f"groups/{group.pk}/")
    assert "Umowa" not in version.storage_key
    assert (version.content_type, version.original_name) == ("application/pdf", "Umowa ESCO.pdf")
    assert len(version.sha256) == 64 and version.size > 100
    assert (private_files / version.storage_key).exists()


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("wzor.docx", make_docx("Wzór umowy"), files.DOCX),
        ("stawki.csv", b"gmina;stawka\nKielce;1,20\n", files.CSV),
        ("notatka.txt", "Podatek od nieruchomości".encode("cp1250"), files.TXT),
        ("mapa.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, files.PNG),
        ("zdjecie.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, files.JPEG),
    ],
)
def test_accepted_types_are_recognised_by_content(upload, name, content, kind):
    assert upload(name=name, content=content).current_version.content_type == kind


@pytest.mark.parametrize(
    "name, content",
    [
        ("umowa.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        (
            "logo.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
        ),
        ("obraz.svg", b'<svg onload="alert(1)"></svg>'),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("pusty.pdf", b""),
    ],
)
def test_malicious_or_unknown_uploads_are_refused_and_nothing_is_stored(
    client, login, member, group, private_files, name, content
):
    login(member)
    response = client.post(
        url("document-upload", group), {"file": upload_file(name, content), "language": "pl"}
    )
    assert response.status_code == 400
    assert response.context["error_message"] or response.context["upload_form"].errors
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in private_files.rglob("*"))


def test_a_path_in_the_name_and_control_characters_are_dropped(upload):
    document = upload(name="..\\..\\etc/passwd\x00\x1b.txt", content=b"zwykly tekst")
    assert document.current_version.original_name == "passwd.txt"
    long = upload(name="a" * 300 + ".pdf")
    assert len(long.current_version.original_name) <= 200
    assert long.current_version.original_name.endswith(".pdf")


def test_an_upload_over_the_limit_is_refused(client, login, member, group, settings, private_files):
    settings.UPLOAD_MAX_BYTES = 1024
    login(member)
    response = client.post(
        url("document-upload", group),
        {"file": upload_file("duzy.txt", b"x" * 5000), "language": "pl"},
    )
    assert response.status_code == 413
    assert response.context["error_message"]
    assert not Document.objects.exists()


def test_an_observer_cannot_upload(client, login, observer, group, private_files):
    login(observer)
    response = client.post(
        url("document-upload", group), {"file": upload_file("a.txt", b"tekst"), "language": "pl"}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_failed_row_write_leaves_no_file(upload, private_files, monkeypatch, group, facilitator):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(DocumentVersion.objects, "create", broken)
    with pytest.raises(RuntimeError):
        upload()
    assert not any(p.is_file() for p in private_files.rglob("*"))


# --- Downloads ----------------------------------------------------------------------------


def test_download_streams_with_a_safe_attachment_name(client, login, member, upload, group):
    document = upload(name="Umowa – wzór „ESCO”.pdf")
    login(member)
    response = client.get(
        url(
            "version-download",
            group,
            document_id=document.pk,
            version_id=document.current_version_id,
        )
    )
    assert response.status_code == 200
    assert response.streaming
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=utf-8''Umowa%20%E2%80%93%20wz%C3%B3r%20%E2%80%9EESCO%E2%80%9D.pdf" in disposition
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_pdf_may_open_inline(client, login, member, upload, group):
    document = upload()
    login(member)
    response = client.get(
        url(
            "version-download",
            group,
            document_id=document.pk,
            version_id=document.current_version_id,
        )
        + "?inline=1"
    )
    assert response["Content-Disposition"].startswith("inline;")


def test_every_version_stays_downloadable(client, login, member, upload, group, facilitator):
    document = upload(content=make_pdf("wersja pierwsza"))
    first = document.current_version
    services.version_upload(
        actor=facilitator,
        document=document,
        upload=upload_file("v2.pdf", make_pdf("druga")),
        change_note="Poprawki RIO",
    )
    document.refresh_from_db()
    assert document.current_version.number == 2
    login(member)
    old = client.get(url("version-download", group, document_id=document.pk, version_id=first.pk))
    assert b"pierwsza" in b"".join(old.streaming_content)


# --- Templates, adaptations -----------------------------------------------------------------


def test_a_template_shared_with_all_is_found_by_a_word_inside_and_adapted(
    client, login, upload, facilitator, group, other_group, member_factory, user_factory
):
    template = upload(content=make_pdf("Umowa o poprawe efektywnosci energetycznej ESCO"))
    services.document_share(
        actor=facilitator, document=template, is_template=True, share_with_all=True, groups=[]
    )
    reader = member_factory(other_group, Role.MEMBER, email="plock@gwd.test")
    login(reader)
    found = client.get(reverse("resources:search"), {"q": "efektywnosci"})
    assert [d.pk for d in found.context["results"]] == [template.pk]
    response = client.post(
        reverse("resources:template-adapt", kwargs={"document_id": template.pk}),
        {"group": other_group.slug},
    )
    copy = Document.objects.get(group=other_group)
    assert response.url == copy.get_absolute_url()
    assert (copy.source_document, copy.source_version) == (template, template.current_version)
    assert copy.current_version.storage_key != template.current_version.storage_key
    assert copy.current_version.sha256 == template.current_version.sha256
    login(facilitator)
    page = client.get(template.get_absolute_url())
    assert [c.pk for c in page.context["adaptations"]] == [copy.pk]


def test_search_never_returns_another_groups_document(
    client, login, upload, other_group, member_factory
):
    upload(content=make_pdf("Tajny projekt uchwaly Kielce"))
    stranger = member_factory(other_group, Role.MEMBER, email="sopot@gwd.test")
    login(stranger)
    assert list(client.get(reverse("resources:search"), {"q": "uchwaly"}).context["results"]) == []
    assert client.get(reverse("resources:template-list")).context["templates"].count() == 0


def test_search_folds_polish_letters(client, login, member, upload, group):
    upload(name="notatka.txt", content="Łódź, Bielsko-Biała: opłata śmieciowa".encode())
    login(member)
    for query in ("lodz", "ŁÓDŹ", "oplata smiec"):
        response = client.get(url("library", group), {"q": query})
        assert response.context["page"].paginator.count == 1, query


def test_a_template_shared_with_chosen_groups_only(
    upload, facilitator, other_group, group_factory, member_factory
):
    other_group.accepts_join_requests = True  # a group the facilitator may know of
    other_group.save()
    template = upload()
    services.document_share(
        actor=facilitator,
        document=template,
        is_template=True,
        share_with_all=False,
        groups=[other_group],
    )
    inside = member_factory(other_group, email="in@gwd.test")
    third = group_factory(slug="trzecia")
    outside = member_factory(third, email="out@gwd.test")
    assert Document.objects.for_user(inside).filter(pk=template.pk).exists()
    assert not Document.objects.for_user(outside).filter(pk=template.pk).exists()


@pytest.fixture
def groups_around(group_factory, member_factory, facilitator):
    """Groups a facilitator of `group` may know of, or not: a private one they are also a
    member of, an open one, a private stranger, an archived one of theirs."""
    theirs = group_factory(slug="druga-ich")
    member_factory(theirs, Role.OBSERVER, email="ich@gwd.test")
    Membership.objects.create(user=facilitator, group=theirs, role=Role.MEMBER)
    archived = group_factory(slug="dawna", archived=True)
    Membership.objects.create(user=facilitator, group=archived, role=Role.MEMBER)
    return {
        "theirs": theirs,
        "open": group_factory(slug="otwarta", accepts_join_requests=True),
        "private": group_factory(slug="prywatna"),
        "archived": archived,
    }


def share(client, document, **fields):
    return client.post(
        url("document-share", document.group, document_id=document.pk),
        {"is_template": "on", **fields},
    )


def test_the_share_page_offers_only_groups_the_person_may_know_of(
    client, login, facilitator, upload, group, other_group, groups_around
):
    document = upload()
    login(facilitator)
    page = client.get(url("document-share", group, document_id=document.pk))
    offered = {g.slug for g in page.context["form"].fields["groups"].queryset}
    assert offered == {"druga-ich", "otwarta"}
    assert b"prywatna" not in page.content and other_group.name_pl.encode() not in page.content


def test_sharing_with_a_group_one_may_not_know_of_is_refused_and_nothing_is_written(
    client, login, facilitator, upload, group, other_group, groups_around
):
    document = upload()
    login(facilitator)
    for stranger in (other_group, groups_around["private"], groups_around["archived"]):
        response = share(client, document, groups=[groups_around["open"].pk, stranger.pk])
        assert response.status_code == 400
        assert response.context["form"].errors["groups"] == [str(services.SHARE_REFUSED)]
        document.refresh_from_db()
        assert not document.is_template and not document.shared_with.exists()
    with pytest.raises(ServiceError):
        services.document_share(
            actor=facilitator,
            document=document,
            is_template=True,
            share_with_all=False,
            groups=[other_group],
        )
    document.refresh_from_db()
    assert not document.is_template and not document.shared_with.exists()


def test_sharing_keeps_the_groups_someone_else_shared_with(
    client, login, facilitator, upload, group, groups_around, member_factory
):
    document = upload()
    colleague = member_factory(group, Role.FACILITATOR, email="druga@gwd.test")
    Membership.objects.create(user=colleague, group=groups_around["private"])
    services.document_share(
        actor=colleague,
        document=document,
        is_template=True,
        share_with_all=False,
        groups=[groups_around["private"]],
    )
    login(facilitator)  # who does not know of the private group
    assert share(client, document, groups=[groups_around["open"].pk]).status_code == 302
    assert {g.slug for g in document.shared_with.all()} == {"otwarta", "prywatna"}


def test_only_templates_can_be_adapted(upload, facilitator, other_group):
    with pytest.raises(ServiceError):
        services.document_adapt(actor=facilitator, template=upload(), group=other_group)


# --- Who may change a document --------------------------------------------------------------
#
# Its author or a facilitator of its group renames it and uploads its versions; a model
# template, which other groups read and download, only a facilitator of its own group.


def rename(client, document, title="Zmieniony tytuł"):
    return client.post(
        url("document-edit", document.group, document_id=document.pk),
        {"title": title, "language": "pl"},
    )


def new_version(client, document, text="Nowa wersja"):
    return client.post(
        url("version-upload", document.group, document_id=document.pk),
        {"file": upload_file("v2.pdf", make_pdf(text)), "change_note": "poprawki"},
    )


def unchanged(document) -> bool:
    before = (document.title, document.current_version_id)
    document.refresh_from_db()
    return (document.title, document.current_version_id) == before


def test_a_member_may_not_rename_or_replace_someone_elses_document(
    client, login, member, upload, group
):
    document = upload()  # by the facilitator
    login(member)
    assert client.get(url("document-edit", group, document_id=document.pk)).status_code == 403
    assert rename(client, document).status_code == 403
    assert new_version(client, document).status_code == 403
    assert unchanged(document) and document.versions.count() == 1
    page = client.get(document.get_absolute_url())
    assert not page.context["can_change"]
    assert b"version-upload" not in page.content and b"/edit/" not in page.content


def test_the_author_renames_and_replaces_their_document(client, login, member, upload, group):
    document = upload(user=member)
    login(member)
    assert client.get(document.get_absolute_url()).context["can_change"]
    assert rename(client, document).status_code == 302
    assert new_version(client, document).status_code == 302
    document.refresh_from_db()
    assert document.title == "Zmieniony tytuł" and document.current_version.number == 2


def test_a_facilitator_renames_and_replaces_anyones_document(
    client, login, member, facilitator, upload, group
):
    document = upload(user=member)
    login(facilitator)
    assert rename(client, document).status_code == 302
    assert new_version(client, document).status_code == 302
    document.refresh_from_db()
    assert document.title == "Zmieniony tytuł" and document.current_version.number == 2


def test_a_shared_template_is_changed_only_by_its_groups_facilitators(
    client, login, member, facilitator, upload, group
):
    template = upload(user=member)
    services.document_share(
        actor=facilitator, document=template, is_template=True, share_with_all=True, groups=[]
    )
    login(member)  # its author, but other groups download it now
    assert rename(client, template).status_code == 403
    assert new_version(client, template).status_code == 403
    trash = client.post(url("document-trash", group, document_id=template.pk))
    assert trash.status_code == 403
    assert unchanged(template) and template.deleted_at is None
    login(facilitator)
    assert rename(client, template).status_code == 302
    assert new_version(client, template).status_code == 302


def test_a_member_of_another_group_who_adapts_a_template_cannot_change_the_original(
    client, login, facilitator, upload, group, other_group, member_factory
):
    template = upload()
    services.document_share(
        actor=facilitator, document=template, is_template=True, share_with_all=True, groups=[]
    )
    reader = member_factory(other_group, Role.MEMBER, email="plock@gwd.test")
    login(reader)
    client.post(
        reverse("resources:template-adapt", kwargs={"document_id": template.pk}),
        {"group": other_group.slug},
    )
    copy = Document.objects.get(group=other_group)
    assert rename(client, copy, "Nasza wersja").status_code == 302  # their copy is theirs
    assert new_version(client, copy).status_code == 302
    for slug in (group.slug, other_group.slug):
        for name in ("document-edit", "version-upload"):
            address = reverse(
                f"resources:{name}", kwargs={"slug": slug, "document_id": template.pk}
            )
            assert client.post(address, {"title": "Podmiana", "language": "pl"}).status_code == 404
    assert unchanged(template) and template.versions.count() == 1
    assert client.get(
        reverse("resources:template-detail", kwargs={"document_id": template.pk})
    ).context["versions"] == [template.current_version]


# --- Trash ----------------------------------------------------------------------------------


def test_trash_and_restore(client, login, member, facilitator, upload, group):
    document = upload(user=member)
    login(member)
    client.post(url("document-trash", group, document_id=document.pk))
    document.refresh_from_db()
    assert document.deleted_at is not None
    assert client.get(document.get_absolute_url()).status_code == 404
    login(facilitator)
    trash = client.get(url("trash", group))
    assert list(trash.context["documents"]) == [document]
    client.post(url("document-restore", group, document_id=document.pk))
    document.refresh_from_db()
    assert document.deleted_at is None


def test_a_member_cannot_trash_someone_elses_document(client, login, member, upload, group):
    document = upload()
    login(member)
    assert client.post(url("document-trash", group, document_id=document.pk)).status_code == 403
    document.refresh_from_db()
    assert document.deleted_at is None


# --- S3 through a local S3-compatible server ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    """moto in server mode, a real HTTP S3 endpoint for boto3 to talk to."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    # A generous bound: on a machine whose cores are busy, moto takes long to import.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            requests.get(endpoint, timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    else:
        process.terminate()
        pytest.fail("the local S3 server did not start")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(settings, s3_server):
    import boto3

    bucket = "gwd-test"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="eu-central-1",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    settings.S3_BUCKET = bucket
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "region_name": "eu-central-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    return client, bucket


def test_s3_upload_uses_the_key_layout_and_no_public_acl(
    s3, facilitator, group, django_capture_on_commit_callbacks, run_tasks
):
    client, bucket = s3
    with django_capture_on_commit_callbacks(execute=True):
        document = services.document_upload(
            actor=facilitator,
            group=group,
            upload=upload_file("umowa.pdf", make_pdf("S3 ESCO")),
            title="Umowa",
        )
    key = document.current_version.storage_key
    assert key.startswith(f"groups/{group.pk}/") and "umowa" not in key
    head = client.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == document.current_version.size
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert not any("AllUsers" in str(g.get("Grantee")) for g in grants)
    run_tasks()
    document.refresh_from_db()
    assert "esco" in document.search_text  # the text was read back from S3


def test_s3_download_redirects_to_a_short_lived_presigned_url(
    client, login, member, s3, facilitator, group
):
    document = services.document_upload(
        actor=facilitator,
        group=group,
        upload=upload_file("Umowa wzór.pdf", make_pdf("x")),
        title="Umowa",
    )
    login(member)
    response = client.get(
        url(
            "version-download",
            group,
            document_id=document.pk,
            version_id=document.current_version_id,
        )
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    fetched = requests.get(response.url, timeout=10)
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-")
    assert "Umowa%20wz%C3%B3r.pdf" in fetched.headers["Content-Disposition"]


def test_an_s3_outage_during_upload_leaves_no_row(facilitator, group, settings, s3):
    settings.STORAGES["default"]["OPTIONS"]["endpoint_url"] = "http://127.0.0.1:9"  # nothing there
    settings.STORAGES = {**settings.STORAGES}
    default_storage._wrapped = None
    with pytest.raises(ServiceError) as refused:
        services.document_upload(
            actor=facilitator, group=group, upload=upload_file("a.pdf", make_pdf("x")), title="a"
        )
    assert refused.value.code == "storage"
    assert not Document.objects.exists()


def test_a_linked_document_renders_as_a_card_in_a_message(upload, facilitator, member, group):
    from groups import services as group_services

    document = upload(name="Umowa ESCO.pdf")
    _thread, message = group_services.thread_create(
        actor=member,
        group=group,
        title="Wzór",
        body=f"Zobaczcie {document.get_absolute_url()}",
        client_id="card",
    )
    assert 'class="doc-card"' in message.html
    assert "Umowa ESCO.pdf" in message.html and "v1" in message.html


def test_a_document_is_attached_to_an_agenda_item(client, login, upload, facilitator, group):
    import datetime as dt

    from django.utils import timezone

    from meetings import services as meeting_services

    document = upload()
    starts = timezone.now() + dt.timedelta(days=3)
    meeting = meeting_services.meeting_schedule(
        actor=facilitator,
        group=group,
        title="Spotkanie",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        time_zone="Europe/Warsaw",
        agenda=[{"title": "Umowa ESCO", "presenter": "", "duration_minutes": 20}],
    )
    item = meeting.agenda.get()
    login(facilitator)
    client.post(
        reverse("meetings:agenda-item-attach", kwargs={"slug": group.slug, "item_id": item.pk}),
        {"document": document.pk},
    )
    item.refresh_from_db()
    assert item.document == document
    assert document.get_absolute_url() in client.get(meeting.get_absolute_url()).content.decode()


# --- Downloads without holding the file --------------------------------------------------


def test_under_asgi_a_download_is_read_block_by_block(upload):
    from asgiref.sync import async_to_sync
    from django.test import AsyncRequestFactory

    from resources.views import DOWNLOAD_BLOCK, _download

    content = make_pdf("Duzy plik") + b"%" + b"x" * (3 * DOWNLOAD_BLOCK)
    document = upload(content=content)
    response = _download(AsyncRequestFactory().get("/"), document.current_version)
    assert response.is_async and int(response["Content-Length"]) == len(content)

    async def read() -> list[bytes]:
        return [part async for part in response]

    parts = async_to_sync(read)()
    response.close()
    assert b"".join(parts) == content
    assert max(len(p) for p in parts) <= DOWNLOAD_BLOCK < len(content)


def test_behind_nginx_the_file_is_sent_by_nginx_after_the_access_check(
    client, login, member, outsider, upload, group, settings
):
    settings.FILES_ACCEL_REDIRECT = "/_files/"
    document = upload(name="Umowa wzór.pdf")
    version = document.current_version
    download = url("version-download", group, document_id=document.pk, version_id=version.pk)
    login(outsider)
    assert client.get(download).status_code == 404
    login(member)
    response = client.get(download)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_files/{version.storage_key}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Umowa%20wz%C3%B3r.pdf" in response["Content-Disposition"]


def test_folder_names_lose_bidi_controls(facilitator, group):
    folder = services.folder_create(
        actor=facilitator, group=group, name="Umowy\u202e fdp.exe", parent=None
    )
    assert folder.name == "Umowy fdp.exe"
