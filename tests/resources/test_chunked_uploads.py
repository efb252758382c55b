"""Files sent in chunks (upload sessions): the library's upload page sends large files
this way so that no request body is large. Access is the upload's; every refusal writes
nothing; the finished file goes through the same checks as one sent in one request."""

import datetime as dt
import hashlib
import io
import os

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups.models import Membership, Role
from gwd.errors import ServiceError
from resources import services, uploads
from resources.models import Document, UploadSession
from resources.sizes import file_size
from tests.resources.test_library import (  # noqa: F401 — fixtures and makers shared
    make_docx,
    make_pdf,
    private_files,
    s3,
    s3_server,
    url,
)

CHUNK = 16 * 1024


@pytest.fixture
def staging(settings, tmp_path, private_files):  # noqa: F811
    settings.UPLOAD_CHUNK_BYTES = CHUNK
    settings.UPLOAD_STAGING_DIR = tmp_path / "uploads"
    return tmp_path / "uploads"


def filler(size: int) -> bytes:
    """`size` bytes that differ from block to block, so that a chunk stored twice or in
    the wrong place changes the file, and that are the same on every run: a count in
    hexadecimal, without a line break or a "%"."""
    return b"".join(b"%07x " % n for n in range(size // 8 + 1))[:size]


def big_pdf(size: int = 3 * CHUNK + 1234) -> bytes:
    """A PDF with a text page, padded after its end to `size` bytes by one comment line.

    Random padding made about one run in 150 fail: pypdf looks for the file's end marker
    among its last lines, and random bytes can hold line breaks and marks it takes for a
    damaged one."""
    pdf = make_pdf("Umowa ESCO w kawalkach")
    return pdf + b"%" + filler(size - len(pdf) - 1)


def start(client, group, content: bytes, name: str = "Umowa ESCO.pdf"):
    return client.post(url("upload-session-start", group), {"name": name, "size": len(content)})


def put(client, state: dict, content: bytes, offset: int, length: int | None = None):
    length = state["chunk_size"] if length is None else length
    return client.post(
        f"{state['url']}?offset={offset}",
        content[offset : offset + length],
        content_type="application/octet-stream",
    )


def send(client, group, content: bytes, name: str = "Umowa ESCO.pdf") -> dict:
    """Start a session and send every chunk; the session's last state."""
    response = start(client, group, content, name)
    assert response.status_code == 201, response.content
    state = response.json()
    while state["received"] < len(content):
        response = put(client, state, content, state["received"])
        assert response.status_code == 200, response.content
        state = {**state, **response.json()}
    return state


def finish(client, group, state: dict, **fields):
    return client.post(
        url("document-upload", group),
        {"upload": state["id"], "title": "Umowa ESCO", "language": "pl", **fields},
    )


def downloaded(client, document: Document) -> bytes:
    response = client.get(
        url(
            "version-download",
            document.group,
            document_id=document.pk,
            version_id=document.current_version_id,
        )
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- The whole way -------------------------------------------------------------------


def test_a_file_sent_in_chunks_becomes_a_document_with_the_same_bytes(
    client,
    login,
    member,
    group,
    staging,
    private_files,  # noqa: F811
    django_capture_on_commit_callbacks,
    run_tasks,
):
    content = big_pdf()
    login(member)
    state = send(client, group, content)
    assert state["received"] == len(content) and state["chunk_size"] == CHUNK
    with django_capture_on_commit_callbacks(execute=True):
        response = finish(client, group, state, tags="ESCO")
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    version = document.current_version
    assert (version.size, version.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert (version.content_type, version.original_name) == ("application/pdf", "Umowa ESCO.pdf")
    assert downloaded(client, document) == content
    run_tasks()
    document.refresh_from_db()
    assert "kawalkach" in document.search_text  # the text was read as for any upload
    assert not UploadSession.objects.exists()
    assert stored_files(staging) == []
    assert stored_files(private_files) == [private_files / version.storage_key]


def test_a_new_version_can_be_sent_in_chunks(client, login, member, group, staging):
    login(member)
    first = finish(client, group, send(client, group, big_pdf()))
    document = Document.objects.get()
    assert first.status_code == 302
    second = big_pdf(5 * CHUNK)
    state = send(client, group, second, name="v2.pdf")
    response = client.post(
        url("version-upload", group, document_id=document.pk),
        {"upload": state["id"], "change_note": "Poprawki RIO"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2
    assert document.current_version.change_note == "Poprawki RIO"
    assert downloaded(client, document) == second


def test_an_upload_resumes_where_the_server_says_it_stands(client, login, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    assert put(client, state, content, 0).status_code == 200
    # The answer to the second chunk is lost: the client asks, then goes on from there.
    assert put(client, state, content, CHUNK).status_code == 200
    status = client.get(state["url"])
    assert status.status_code == 200 and status.json()["received"] == 2 * CHUNK
    # A retry of a chunk that did arrive is told where the upload stands; nothing changes.
    repeated = put(client, state, content, CHUNK)
    assert repeated.status_code == 409
    assert (repeated.json()["code"], repeated.json()["received"]) == ("offset", 2 * CHUNK)
    for offset in range(2 * CHUNK, len(content), CHUNK):
        assert put(client, state, content, offset).status_code == 200
    assert finish(client, group, state).status_code == 302
    assert downloaded(client, Document.objects.get()) == content


def test_finishing_before_every_byte_arrived_keeps_the_session(
    client, login, member, group, staging
):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    put(client, state, content, 0)
    response = finish(client, group, state)
    assert response.status_code == 400
    assert response.context["error_message"]
    assert not Document.objects.exists()
    assert UploadSession.objects.get().received == CHUNK


def test_a_session_can_be_given_up(client, login, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    put(client, state, content, 0)
    assert client.delete(state["url"]).status_code == 204
    assert not UploadSession.objects.exists()
    assert stored_files(staging) == []


# --- Who may ---------------------------------------------------------------------------


def test_an_outsider_finds_no_upload_sessions(client, login, member, outsider, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    login(outsider)
    assert start(client, group, content).status_code == 404
    assert client.get(state["url"]).status_code == 404
    assert put(client, state, content, 0).status_code == 404
    assert client.delete(state["url"]).status_code == 404
    assert finish(client, group, state).status_code == 404
    assert UploadSession.objects.get().received == 0
    assert stored_files(staging) == []


def test_an_observer_may_not_upload_in_chunks(client, login, observer, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    login(observer)
    assert start(client, group, content).status_code == 403
    assert client.get(state["url"]).status_code == 403
    assert put(client, state, content, 0).status_code == 403
    assert UploadSession.objects.count() == 1
    assert stored_files(staging) == []


def test_an_archived_group_takes_no_uploads(client, login, member, group, staging):
    group.archived = True
    group.save()
    login(member)
    assert start(client, group, big_pdf()).status_code == 403
    assert not UploadSession.objects.exists()


def test_someone_elses_session_is_not_found(
    client, login, member, facilitator, group, other_group, member_factory, staging
):
    content = big_pdf()
    login(member)
    mine = start(client, group, content).json()
    # Another member of the same group.
    login(facilitator)
    assert client.get(mine["url"]).status_code == 404
    assert put(client, mine, content, 0).status_code == 404
    assert finish(client, group, mine).status_code == 404
    # A session of another group, named in this group's URLs by one who is in both.
    both = member_factory(other_group, Role.MEMBER, email="both@gwd.test")
    Membership.objects.create(user=both, group=group, role=Role.MEMBER)
    login(both)
    theirs = start(client, other_group, content).json()
    foreign = reverse(
        "resources:upload-session", kwargs={"slug": group.slug, "upload_id": theirs["id"]}
    )
    assert client.get(foreign).status_code == 404
    assert put(client, {**theirs, "url": foreign}, content, 0).status_code == 404
    assert finish(client, group, theirs).status_code == 404
    assert sorted(UploadSession.objects.values_list("received", flat=True)) == [0, 0]
    assert not Document.objects.exists()
    assert stored_files(staging) == []


def test_chunks_need_the_csrf_token(member, group, staging):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(url("library", group))
    token = str(page.context["csrf_token"])
    content = big_pdf()
    refused = client.post(url("upload-session-start", group), {"name": "a.pdf", "size": 10})
    assert refused.status_code == 403
    started = client.post(
        url("upload-session-start", group),
        {"name": "a.pdf", "size": len(content), "csrfmiddlewaretoken": token},
    )
    state = started.json()
    body = content[:CHUNK]
    kind = "application/octet-stream"
    assert client.post(f"{state['url']}?offset=0", body, content_type=kind).status_code == 403
    accepted = client.post(
        f"{state['url']}?offset=0", body, content_type=kind, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200


# --- Bad input: a clear error, nothing written ----------------------------------------------


def test_a_chunk_at_the_wrong_offset_is_refused(client, login, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    response = put(client, state, content, CHUNK)
    assert response.status_code == 409
    assert response.json()["received"] == 0 and response.json()["error"]
    assert stored_files(staging) == []
    response = client.post(f"{state['url']}?offset=abc", b"x", content_type="text/plain")
    assert response.status_code == 400 and response.json()["code"] == "chunk"
    for odd in ("²", "9" * 25, "-1"):  # digits Python's int() takes or overflows on
        response = client.post(f"{state['url']}?offset={odd}", b"x", content_type="text/plain")
        assert response.status_code == 400 and response.json()["code"] == "chunk"


def test_chunks_of_the_wrong_length_are_refused(client, login, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    short = put(client, state, content, 0, length=CHUNK - 1)
    assert short.status_code == 400 and short.json()["code"] == "chunk"
    long = client.post(
        f"{state['url']}?offset=0", content[: CHUNK + 1], content_type="application/octet-stream"
    )
    assert long.status_code == 400
    assert UploadSession.objects.get().received == 0
    assert stored_files(staging) == []


def test_a_file_over_the_limit_is_refused_before_a_byte_is_sent(
    client, login, member, group, settings, staging
):
    settings.UPLOAD_MAX_BYTES = 2 * CHUNK
    login(member)
    response = start(client, group, big_pdf())
    assert response.status_code == 413
    assert file_size(2 * CHUNK) in response.json()["error"]
    assert not UploadSession.objects.exists()
    assert start(client, group, b"").status_code == 400


def test_bytes_past_the_declared_size_are_refused(client, login, member, group, staging):
    content = big_pdf()
    login(member)
    state = start(client, group, content).json()
    for offset in range(0, len(content) - len(content) % CHUNK, CHUNK):
        put(client, state, content, offset)
    last = len(content) - len(content) % CHUNK
    response = client.post(
        f"{state['url']}?offset={last}", b"x" * CHUNK, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert UploadSession.objects.get().received == last


def test_a_web_page_is_refused_at_its_first_chunk(client, login, member, group, staging):
    content = b"<!DOCTYPE html><html><script>alert(1)</script>" + b" " * (2 * CHUNK)
    login(member)
    state = start(client, group, content, name="umowa.pdf").json()
    response = put(client, state, content, 0)
    assert response.status_code == 400
    assert response.json()["code"] == "rejected" and response.json()["error"]
    assert not UploadSession.objects.exists()
    assert stored_files(staging) == []
    assert client.get(state["url"]).status_code == 404


def test_a_false_archive_is_refused_when_finished_and_nothing_is_kept(
    client,
    login,
    member,
    group,
    staging,
    private_files,  # noqa: F811
):
    content = b"PK\x03\x04" + filler(2 * CHUNK)  # looks like ZIP, is not
    login(member)
    state = send(client, group, content, name="umowa.docx")
    response = finish(client, group, state)
    assert response.status_code == 400 and response.context["error_message"]
    assert not Document.objects.exists()
    assert not UploadSession.objects.exists()
    assert stored_files(staging) == [] and stored_files(private_files) == []


def test_a_docx_sent_in_chunks_is_recognised_at_the_end(client, login, member, group, staging):
    content = make_docx("Wzór umowy " + "x" * 60_000)
    login(member)
    state = send(client, group, content, name="wzor.docx")
    assert finish(client, group, state).status_code == 302
    version = Document.objects.get().current_version
    assert version.content_type.endswith("wordprocessingml.document")


# --- Leftovers --------------------------------------------------------------------------


def test_a_person_keeps_a_few_sessions_starting_another_ends_the_oldest(
    client, login, member, group, staging
):
    content = big_pdf()
    login(member)
    states = [
        start(client, group, content).json() for _ in range(services.UPLOAD_SESSIONS_PER_USER)
    ]
    put(client, states[0], content, 0)
    UploadSession.objects.filter(pk=states[0]["id"]).update(
        updated_at=timezone.now() - dt.timedelta(minutes=5)
    )
    start(client, group, content)
    assert UploadSession.objects.count() == services.UPLOAD_SESSIONS_PER_USER
    assert not UploadSession.objects.filter(pk=states[0]["id"]).exists()
    assert stored_files(staging) == []


def test_unfinished_sessions_are_purged_with_what_they_staged(
    client, login, member, group, staging
):
    content = big_pdf()
    login(member)
    old, fresh = (start(client, group, content).json() for _ in range(2))
    put(client, old, content, 0)
    put(client, fresh, content, 0)
    long_ago = timezone.now() - dt.timedelta(hours=services.UPLOAD_SESSION_HOURS + 1)
    UploadSession.objects.filter(pk=old["id"]).update(updated_at=long_ago)
    orphan = staging / "0123abcd.part"
    orphan.write_bytes(b"left behind")
    os.utime(orphan, (long_ago.timestamp(), long_ago.timestamp()))
    assert services.upload_session_purge() == 1
    assert list(UploadSession.objects.values_list("pk", flat=True)) == [fresh["id"]]
    kept = UploadSession.objects.get()
    assert stored_files(staging) == [uploads.staging_path(kept.storage_key)]


# --- S3: chunks are parts of a multipart upload aimed at the final key ----------------------


@pytest.fixture
def s3_chunks(settings, s3, tmp_path):  # noqa: F811
    settings.UPLOAD_CHUNK_BYTES = 5 * 1024 * 1024  # S3's smallest part
    settings.UPLOAD_STAGING_DIR = tmp_path / "uploads"
    return s3


def test_on_s3_the_chunks_are_assembled_in_the_bucket(
    client, login, member, group, s3_chunks, settings
):
    s3_client, bucket = s3_chunks
    content = big_pdf(11 * 1024 * 1024)
    login(member)
    state = send(client, group, content)
    assert s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads")
    assert finish(client, group, state).status_code == 302
    version = Document.objects.get().current_version
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    body = s3_client.get_object(Bucket=bucket, Key=version.storage_key)["Body"].read()
    assert body == content
    assert not s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads")
    assert not UploadSession.objects.exists()
    assert stored_files(settings.UPLOAD_STAGING_DIR) == []


def test_on_s3_a_refused_file_leaves_no_object_and_no_upload(
    client, login, member, group, s3_chunks
):
    s3_client, bucket = s3_chunks
    content = b"PK\x03\x04" + filler(6 * 1024 * 1024)
    login(member)
    state = send(client, group, content, name="umowa.docx")
    session = UploadSession.objects.get()
    assert finish(client, group, state).status_code == 400
    assert not Document.objects.exists()
    assert not s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads")
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix=f"groups/{group.pk}/")
    assert session.storage_key not in [o["Key"] for o in listed.get("Contents", [])]


def test_on_s3_a_given_up_session_aborts_its_multipart_upload(
    client, login, member, group, s3_chunks
):
    s3_client, bucket = s3_chunks
    content = big_pdf(11 * 1024 * 1024)
    login(member)
    state = start(client, group, content).json()
    put(client, state, content, 0)
    client.delete(state["url"])
    assert not s3_client.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_the_services_refuse_a_session_to_anyone_but_its_starter(member, facilitator, group):
    session = services.upload_session_start(actor=member, group=group, name="a.pdf", size=10)
    with pytest.raises(ServiceError):
        services.upload_session_append(
            actor=facilitator, session=session, offset=0, length=10, body=io.BytesIO(b"%PDF-1.4\n%")
        )
    with (
        pytest.raises(ServiceError),
        services.upload_session_file(actor=facilitator, session=session),
    ):
        pass
    assert UploadSession.objects.get().received == 0
