"""Files sent with messages and library documents linked to them: stored through the
library's checks, images without their metadata, shown to whoever may see the message
and to nobody else, live over the socket and after a reload."""

import io
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from groups import services
from groups.models import Message, Notification, Role
from gwd.errors import ServiceError
from resources import attachments
from resources import services as library
from resources.models import Document, Folder, FolderFollow, MessageAttachment
from tests.groups.test_consumer import connect  # noqa: F401 (the socket fixture)
from tests.resources.images import GPS_IFD, jpeg_with_gps, pdf_bytes, png_bytes, png_declaring


@pytest.fixture
def thread(facilitator, group):
    thread, _first = services.thread_create(
        actor=facilitator, group=group, title="Termomodernizacja", body="Zdjęcia", client_id="t1"
    )
    return thread


@pytest.fixture
def contract(facilitator, group):
    upload = SimpleUploadedFile("umowa-esco.txt", b"Umowa ESCO: wzor", "text/plain")
    return library.document_upload(
        actor=facilitator, group=group, upload=upload, title="Wzór umowy ESCO"
    )


def upload(user, group, name="zdjecie.jpg", content=None) -> Document:
    return attachments.attachment_upload(
        actor=user,
        group=group,
        upload=SimpleUploadedFile(name, content if content is not None else jpeg_with_gps()),
    )


def send(user, thread, body="Zdjęcie szkoły", **carried):
    message, _created = services.message_send(
        actor=user, thread=thread, body=body, client_id=f"c-{body}-{user.pk}", **carried
    )
    return message


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def stored_bytes(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return handle.read()


def has_no_metadata(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return (
        not exif
        and not exif.get_ifd(GPS_IFD)
        and b"GWD-Phone" not in data
        and b"Exif" not in data
        and "exif" not in image.info
    )


def file_url(attachment: MessageAttachment, *, thumbnail=False) -> str:
    name = "resources:attachment-thumbnail" if thumbnail else "resources:attachment-file"
    return reverse(
        name, kwargs={"slug": attachment.message.group.slug, "attachment_id": attachment.pk}
    )


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Storing ----------------------------------------------------------------------------


def test_a_photo_is_stored_without_exif_or_location_and_gets_a_thumbnail(member, group):
    document = upload(member, group)
    version = document.current_version
    assert version.content_type == "image/jpeg"
    assert version.original_name == "zdjecie.jpg"
    assert has_no_metadata(stored_bytes(version.storage_key))
    assert version.thumbnail_key and has_no_metadata(stored_bytes(version.thumbnail_key))
    assert (version.width, version.height) == (800, 600)
    assert max(Image.open(io.BytesIO(stored_bytes(version.thumbnail_key))).size) <= 480


def test_a_photo_taken_sideways_is_stored_upright(member, group):
    sideways = jpeg_with_gps((800, 600), orientation=6)  # the camera was turned
    version = upload(member, group, content=sideways).current_version
    assert (version.width, version.height) == (600, 800)
    assert Image.open(io.BytesIO(stored_bytes(version.storage_key))).size == (600, 800)


def test_the_served_image_and_thumbnail_carry_no_location(client, login, member, group, thread):
    message = send(member, thread, uploads=[upload(member, group).pk])
    attachment = message.attachments.get()
    login(member)
    inline = client.get(file_url(attachment), {"inline": "1"})
    assert inline.status_code == 200
    assert inline["Content-Type"] == "image/jpeg"
    assert inline["Content-Disposition"].startswith("inline")
    assert has_no_metadata(body_of(inline))
    thumbnail = client.get(file_url(attachment, thumbnail=True))
    assert thumbnail.status_code == 200 and has_no_metadata(body_of(thumbnail))
    # A raw search of the bytes for what the camera wrote finds nothing either.
    assert b"GWD-Phone" not in body_of(client.get(file_url(attachment)))


def test_files_go_through_the_librarys_checks(member, group):
    with pytest.raises(ServiceError) as refused:
        upload(member, group, "strona.pdf", b"<html><script>alert(1)</script></html>")
    assert refused.value.code == "rejected"
    with pytest.raises(ServiceError) as empty:
        upload(member, group, "pusty.txt", b"")
    assert empty.value.code == "empty"
    with pytest.raises(ServiceError) as broken:
        upload(member, group, "zdjecie.jpg", b"\xff\xd8\xff" + b"not an image" * 10)
    assert broken.value.code == "rejected"
    assert not Document.objects.exists()


def test_a_pdf_is_stored_as_a_document_of_the_attachments_folder(member, group, run_tasks):
    document = upload(member, group, "audyt.pdf", pdf_bytes())
    folder = Folder.objects.get(group=group, purpose=Folder.Purpose.ATTACHMENTS)
    assert document.folder == folder and document.is_attachment
    assert folder.name == in_language("pl", "Discussion attachments")  # the group's language
    assert document.current_version.number == 1 and not document.current_version.thumbnail_key
    assert upload(member, group, "drugi.pdf", pdf_bytes()).folder == folder  # one folder
    run_tasks()  # the text is read by the worker, as for every upload of the library


def test_the_attachments_folder_is_named_in_the_groups_language(member_factory, group_factory):
    ukrainian = group_factory(slug="zhytomyr", working_languages=["uk", "pl"])
    author = member_factory(ukrainian, Role.MEMBER, email="o.k@gwd.test")
    assert upload(author, ukrainian).folder.name == in_language("uk", "Discussion attachments")


def test_a_folder_a_member_named_so_already_is_left_alone(facilitator, member, group):
    name = in_language("pl", "Discussion attachments")
    own = library.folder_create(actor=facilitator, group=group, name=name, parent=None)
    folder = upload(member, group).folder
    assert folder != own and folder.name == f"{name} (2)"


def test_followers_of_the_library_hear_nothing_of_a_file_before_its_message(
    facilitator, member, group
):
    FolderFollow.objects.create(user=facilitator, group=group, folder=None)
    upload(member, group)
    assert not Notification.objects.filter(user=facilitator).exists()


# --- Sending --------------------------------------------------------------------------


def test_a_message_carries_its_files_and_linked_documents_in_order(member, group, thread, contract):
    photo = upload(member, group)
    report = upload(member, group, "audyt.pdf", pdf_bytes())
    message = send(member, thread, uploads=[photo.pk, report.pk], documents=[contract.pk])
    payload = services.message_payload(message)
    kinds = [(a["kind"], a["document"]) for a in payload["attachments"]]
    assert kinds == [("upload", photo.pk), ("upload", report.pk), ("link", contract.pk)]
    image, pdf, linked = payload["attachments"]
    assert image["image"]["thumbnail"].endswith("/thumbnail/")
    assert (pdf["name"], pdf["type"], pdf["size"]) == (
        "audyt.pdf",
        "PDF",
        report.current_version.size,
    )
    assert pdf["image"] is None
    assert linked["url"] == contract.get_absolute_url() and linked["title"] == "Wzór umowy ESCO"


@pytest.mark.parametrize(
    "case", ["another group's document", "someone else's upload", "an attached upload", "no id"]
)
def test_a_wrong_attachment_refuses_the_message_and_writes_nothing(
    case, member, facilitator, group, other_group, thread, member_factory
):
    other = member_factory(other_group, Role.FACILITATOR, email="f@other.gwd.test")
    foreign = library.document_upload(
        actor=other,
        group=other_group,
        upload=SimpleUploadedFile("obca.txt", b"Obca umowa"),
        title="Obca umowa",
    )
    theirs = upload(facilitator, group)
    taken = upload(member, group)
    send(member, thread, body="Pierwsze", uploads=[taken.pk])
    carried = {
        "another group's document": {"documents": [foreign.pk]},
        "someone else's upload": {"uploads": [theirs.pk]},
        "an attached upload": {"uploads": [taken.pk]},
        "no id": {"documents": [999999]},
    }[case]
    before = (Message.objects.count(), MessageAttachment.objects.count())
    with pytest.raises(ServiceError) as refused:
        send(member, thread, body="Drugie", **carried)
    assert refused.value.code == "not_found"
    assert (Message.objects.count(), MessageAttachment.objects.count()) == before


def test_a_file_of_another_message_cannot_be_linked_as_a_library_document(member, group, thread):
    first = send(member, thread, body="Pierwsze", uploads=[upload(member, group).pk])
    with pytest.raises(ServiceError) as refused:
        send(member, thread, body="Drugie", documents=[first.attachments.get().document_id])
    assert refused.value.code == "not_found"


@pytest.mark.parametrize("ids", ["5", [True], ["1"], [0], list(range(1, 12))])
def test_attachment_ids_must_be_a_short_list_of_numbers(member, thread, ids):
    with pytest.raises(ServiceError) as refused:
        send(member, thread, uploads=ids)
    assert refused.value.code == "invalid"
    assert not Message.objects.filter(author=member).exists()


def statements(captured) -> int:
    return len([q for q in captured if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


def test_attachments_add_two_statements_to_the_message_path(member, group, thread, contract):
    send(member, thread, body="Rozgrzewka")
    with CaptureQueriesContext(connection) as without:
        send(member, thread, body="Bez załączników")
    photos = [upload(member, group).pk, upload(member, group).pk]
    with CaptureQueriesContext(connection) as with_three:
        send(member, thread, body="Z załącznikami", uploads=photos, documents=[contract.pk])
    assert statements(with_three) == statements(without) + 2


def test_the_thread_page_reads_attachments_in_a_fixed_number_of_queries(
    client, login, member, group, thread, settings
):
    settings.MESSAGE_RATE = "1000/second"
    send(member, thread, body="Jedno", uploads=[upload(member, group).pk])
    login(member)
    client.get(thread.get_absolute_url())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(thread.get_absolute_url()).status_code == 200
        return len(captured)

    few = queries()
    for n in range(6):
        files = [upload(member, group).pk, upload(member, group, "a.pdf", pdf_bytes()).pk]
        send(member, thread, body=f"Zdjęcia {n}", uploads=files)
    assert queries() == few


def test_the_thread_page_shows_thumbnails_and_cards(
    client, login, member, observer, group, thread, contract
):
    photo = upload(member, group)
    report = upload(member, group, "audyt.pdf", pdf_bytes())
    message = send(member, thread, uploads=[photo.pk, report.pk], documents=[contract.pk])
    login(observer)
    page = client.get(thread.get_absolute_url()).content.decode()
    image, pdf, _linked = message.attachments.order_by("position")
    assert f'src="{file_url(image, thumbnail=True)}"' in page
    assert f'href="{file_url(pdf)}"' in page and "audyt.pdf" in page
    assert f'href="{contract.get_absolute_url()}"' in page


# --- Who sees them --------------------------------------------------------------------


def test_who_may_see_the_message_may_open_its_files_and_nobody_else(
    client, login, member, observer, facilitator, outsider, group, thread, member_factory
):
    message = send(member, thread, uploads=[upload(member, group, "a.pdf", pdf_bytes()).pk])
    url = file_url(message.attachments.get())
    other = member_factory(group, Role.MEMBER, email="other@gwd.test")

    def status(user) -> int:
        login(user)
        code = client.get(url).status_code
        client.logout()
        return code

    assert [status(u) for u in (member, observer, facilitator, outsider)] == [200, 200, 200, 404]
    services.message_hide(actor=facilitator, message=message, reason="Dane osobowe")
    assert [status(u) for u in (member, other, observer, facilitator)] == [404, 404, 404, 200]
    services.message_unhide(actor=facilitator, message=message)
    services.message_delete(actor=member, message=Message.objects.get(pk=message.pk))
    assert [status(u) for u in (member, facilitator)] == [404, 404]


def test_a_held_messages_files_are_for_its_author_and_facilitators(
    client, login, member, observer, facilitator, group, thread
):
    services.blocked_phrase_add(actor=facilitator, group=group, phrase="zakazane")
    message = send(member, thread, body="zakazane zdjęcie", uploads=[upload(member, group).pk])
    assert message.is_held
    url = file_url(message.attachments.get())
    codes = []
    for user in (member, observer, facilitator):
        login(user)
        codes.append(client.get(url).status_code)
        client.logout()
    assert codes == [200, 404, 200]


def test_the_library_lists_a_file_only_while_its_message_is_shown_to_everyone(
    client, login, member, observer, facilitator, group, thread
):
    photo = upload(member, group)
    library_url = reverse("resources:library", kwargs={"slug": group.slug})
    folder = {"folder": photo.folder_id}
    login(observer)
    assert photo.title not in client.get(library_url, folder).content.decode()
    assert client.get(photo.get_absolute_url()).status_code == 404  # waiting: its sender's
    message = send(member, thread, uploads=[photo.pk])
    assert photo.title in client.get(library_url, folder).content.decode()
    assert client.get(photo.get_absolute_url()).status_code == 200
    services.message_hide(actor=facilitator, message=message, reason="Poza tematem")
    assert photo.title not in client.get(library_url, folder).content.decode()
    assert client.get(photo.get_absolute_url()).status_code == 404
    search = reverse("resources:search")
    assert photo.title not in client.get(search, {"q": "zdjecie"}).content.decode()
    assert not Document.objects.for_user(observer).filter(pk=photo.pk).exists()


# --- Pages: sending first, the picker, the form without a script ----------------------


def test_a_file_is_sent_first_over_http_and_named_by_its_id(client, login, member, group, thread):
    login(member)
    url = reverse("resources:attachment-upload", kwargs={"slug": group.slug})
    answer = client.post(url, {"file": SimpleUploadedFile("plan.png", png_bytes())})
    assert answer.status_code == 201
    sent = answer.json()
    assert sent["name"] == "plan.png" and sent["type"] == "PNG" and sent["image"] is True
    message = send(member, thread, uploads=[sent["id"]])
    assert message.attachments.get().document_id == sent["id"]


def test_a_refused_file_is_a_clear_json_error(client, login, member, observer, group):
    url = reverse("resources:attachment-upload", kwargs={"slug": group.slug})
    login(member)
    page = client.post(url, {"file": SimpleUploadedFile("x.txt", b"<script>alert(1)</script>")})
    assert page.status_code == 400 and page.json()["code"] == "rejected"
    assert page.json()["error"]
    assert client.post(url, {}).json()["code"] == "empty"
    client.logout()
    login(observer)
    assert client.post(url, {"file": SimpleUploadedFile("a.png", png_bytes())}).status_code == 403
    assert not Document.objects.exists()


@pytest.mark.parametrize("side", [10_000, 20_000])  # 100 MP: over GWD's limit; 400 MP: Pillow's
def test_an_image_declaring_a_huge_canvas_is_refused_clearly(client, login, member, group, side):
    url = reverse("resources:attachment-upload", kwargs={"slug": group.slug})
    login(member)
    bomb = SimpleUploadedFile("bomb.png", png_declaring(side, side), content_type="image/png")
    page = client.post(url, {"file": bomb})
    assert page.status_code == 413 and page.json()["code"] == "too_large"
    assert not Document.objects.exists()


def test_the_picker_finds_documents_of_this_groups_library_only(
    client, login, member, group, other_group, contract, member_factory
):
    other = member_factory(other_group, Role.FACILITATOR, email="f@other.gwd.test")
    library.document_upload(
        actor=other,
        group=other_group,
        upload=SimpleUploadedFile("umowa.txt", b"Umowa ESCO"),
        title="Umowa ESCO innej grupy",
    )
    upload(member, group, "umowa-esco.jpg")  # a file waiting for its message
    login(member)
    url = reverse("resources:document-pick", kwargs={"slug": group.slug})
    found = client.get(url, {"q": "umow esco"}).json()["documents"]
    assert [d["id"] for d in found] == [contract.pk]
    assert found[0]["title"] == "Wzór umowy ESCO" and found[0]["type"] == "TXT"
    assert [d["id"] for d in client.get(url).json()["documents"]] == [contract.pk]


def test_the_form_without_a_script_sends_files_and_links_documents(
    client, login, member, group, thread, contract
):
    login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page
    assert f'<option value="{contract.pk}">' in page
    posted = client.post(
        reverse("groups:message-post", kwargs={"slug": group.slug, "thread_id": thread.pk}),
        {
            "body": "Zdjęcie i wzór",
            "files": [
                SimpleUploadedFile("szkola.jpg", jpeg_with_gps()),
                SimpleUploadedFile("audyt.pdf", pdf_bytes()),
            ],
            "documents": [str(contract.pk)],
        },
    )
    message = Message.objects.get(body="Zdjęcie i wzór")
    assert posted.status_code == 302 and posted.url.endswith(f"#m{message.pk}")
    carried = list(message.attachments.order_by("position").values_list("kind", flat=True))
    assert carried == ["upload", "upload", "link"]
    stored = message.attachments.first().document.current_version.storage_key
    assert has_no_metadata(stored_bytes(stored))


def test_a_refused_form_leaves_no_file_behind(
    client, login, member, group, other_group, thread, member_factory
):
    other = member_factory(other_group, Role.FACILITATOR, email="f@other.gwd.test")
    foreign = library.document_upload(
        actor=other, group=other_group, upload=SimpleUploadedFile("a.txt", b"Obca"), title="Obca"
    )
    login(member)
    url = reverse("groups:message-post", kwargs={"slug": group.slug, "thread_id": thread.pk})
    before = Document.objects.count()
    posted = client.post(
        url,
        {
            "body": "Z obcym",
            "files": [SimpleUploadedFile("a.pdf", pdf_bytes())],
            "documents": [str(foreign.pk)],
        },
    )
    assert posted.status_code == 302
    assert not Message.objects.filter(body="Z obcym").exists()
    assert Document.objects.count() == before
    assert client.post(url, {"body": "Zły numer", "documents": ["x"]}).status_code == 400


# --- Over the socket ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_attachments_reach_another_member_live_and_in_a_replay(
    connect,  # noqa: F811
    member,
    facilitator,
    group,
    thread,
):
    photo = await sync_to_async(upload)(member, group)
    _ok, author = await connect(member, group)
    _ok, reader = await connect(facilitator, group)
    await author.send(
        {
            "type": "message.send",
            "thread": thread.pk,
            "body": "Zdjęcie",
            "client_id": "a1",
            "attachments": [photo.pk],
        }
    )
    ack = await author.receive("message.ack")
    frame = await reader.receive("message.new")
    carried = frame["message"]["attachments"]
    assert [a["document"] for a in carried] == [photo.pk] and carried[0]["image"]
    _ok, later = await connect(facilitator, group)
    await later.send({"type": "resume", "after": ack["seq"] - 1})
    replayed = await later.receive("message.new")
    assert replayed["message"]["attachments"] == carried


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "field, value, code",
    [
        ("attachments", "5", "invalid"),
        ("attachments", ["5"], "invalid"),
        ("documents", [True], "invalid"),
        ("attachments", list(range(1, 12)), "invalid"),
        ("attachments", [999999], "not_found"),
        ("documents", [999999], "not_found"),
    ],
)
async def test_bad_attachment_ids_over_the_socket_are_error_frames(
    connect,  # noqa: F811
    member,
    group,
    thread,
    field,
    value,
    code,
):
    _ok, socket = await connect(member, group)
    frame = {
        "type": "message.send",
        "thread": thread.pk,
        "body": "Z załącznikiem",
        "client_id": "a2",
        field: value,
    }
    await socket.send(frame)
    error = await socket.receive("error")
    assert error["code"] == code and error["client_id"] == "a2"
    await socket.send({**frame, field: None, "client_id": "a3"})
    assert (await socket.receive("message.ack"))["client_id"] == "a3"  # still usable
    assert await sync_to_async(Message.objects.filter(author=member).count)() == 1


@pytest.mark.django_db(transaction=True)
async def test_a_document_of_another_group_over_the_socket_is_not_found(
    connect,  # noqa: F811
    member,
    group,
    other_group,
    thread,
    member_factory,
):
    def foreign_document() -> int:
        other = member_factory(other_group, Role.FACILITATOR, email="f@other.gwd.test")
        return library.document_upload(
            actor=other, group=other_group, upload=SimpleUploadedFile("a.txt", b"A"), title="A"
        ).pk

    document = await sync_to_async(foreign_document)()
    _ok, socket = await connect(member, group)
    await socket.send(
        {
            "type": "message.send",
            "thread": thread.pk,
            "body": "Obcy",
            "client_id": "a4",
            "documents": [document],
        }
    )
    assert (await socket.receive("error"))["code"] == "not_found"
    assert not await sync_to_async(MessageAttachment.objects.exists)()


def test_a_new_version_of_a_sent_photo_loses_its_location_too(member, group, thread):
    photo = upload(member, group)
    send(member, thread, uploads=[photo.pk])
    version = library.version_upload(
        actor=member, document=photo, upload=SimpleUploadedFile("nowe.jpg", jpeg_with_gps())
    )
    assert version.number == 2 and version.thumbnail_key
    assert has_no_metadata(stored_bytes(version.storage_key))


def test_files_sent_for_a_message_never_sent_are_purged_after_a_day(member, group, thread):
    kept = upload(member, group)
    send(member, thread, uploads=[kept.pk])
    forgotten = upload(member, group)
    recent = upload(member, group)
    key = forgotten.current_version.storage_key
    Document.objects.filter(pk__in=[kept.pk, forgotten.pk]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    assert attachments.uploads_purge() == 1
    assert set(Document.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    assert not default_storage.exists(key)


def test_a_file_over_the_size_limit_is_a_413(client, login, member, group, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    login(member)
    url = reverse("resources:attachment-upload", kwargs={"slug": group.slug})
    page = client.post(url, {"file": SimpleUploadedFile("a.pdf", pdf_bytes() + b" " * 2000)})
    assert page.status_code == 413 and page.json()["code"] == "too_large"
    assert not Document.objects.exists()
