"""Keeping the library in order: folders renamed, moved and deleted; the same file
uploaded twice; the trash, its confirmation and who sees what in it; tags as typed;
file sizes in the page's language."""

# ruff: noqa: F811 — the fixtures imported below are taken as arguments

import hashlib
import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.messages import get_messages
from django.utils import translation

from gwd.errors import ServiceError
from resources import services
from resources.models import Document, DocumentVersion, Folder, Tag
from resources.sizes import file_size
from tests.resources.test_library import (  # noqa: F401 — fixtures and makers shared
    make_pdf,
    private_files,
    upload,
    upload_file,
    url,
)

SCRIPT = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def folders(facilitator, group):
    """umowy/ → esco/ → szkoly/, and podatki/ beside umowy/."""

    def make(name, parent=None):
        return services.folder_create(actor=facilitator, group=group, name=name, parent=parent)

    umowy = make("Umowy")
    esco = make("ESCO", umowy)
    return {
        "umowy": umowy,
        "esco": esco,
        "szkoly": make("Szkoły", esco),
        "podatki": make("Podatki"),
    }


def folder_url(name, group, folder):
    return url(name, group, folder_id=folder.pk)


def flashes(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Folders ------------------------------------------------------------------------------


def test_a_facilitator_renames_and_moves_a_folder(client, login, facilitator, group, folders):
    login(facilitator)
    response = client.post(
        folder_url("folder-update", group, folders["esco"]),
        {"folder-name": "Umowy ESCO", "folder-parent": folders["podatki"].pk},
    )
    assert response.status_code == 302
    folders["esco"].refresh_from_db()
    assert (folders["esco"].name, folders["esco"].parent) == ("Umowy ESCO", folders["podatki"])
    # What was inside moved with it.
    folders["szkoly"].refresh_from_db()
    assert folders["szkoly"].parent == folders["esco"]


def test_a_folder_moves_up_to_the_main_folder(client, login, facilitator, group, folders):
    login(facilitator)
    client.post(
        folder_url("folder-update", group, folders["esco"]),
        {"folder-name": "ESCO", "folder-parent": ""},
    )
    folders["esco"].refresh_from_db()
    assert folders["esco"].parent is None


@pytest.mark.parametrize("target", ["esco", "szkoly"])
def test_a_folder_cannot_go_into_itself_or_a_folder_inside_it(
    client, login, facilitator, group, folders, target
):
    login(facilitator)
    page = client.get(url("library", group) + f"?folder={folders['esco'].pk}")
    offered = {pk for pk, _label in page.context["folder_edit_form"].fields["parent"].choices}
    assert folders[target].pk not in offered and folders["podatki"].pk in offered
    response = client.post(
        folder_url("folder-update", group, folders["esco"]),
        {"folder-name": "ESCO", "folder-parent": folders[target].pk},
    )
    assert response.status_code == 302 and flashes(response)
    folders["esco"].refresh_from_db()
    assert folders["esco"].parent == folders["umowy"]
    with pytest.raises(ServiceError):
        services.folder_update(
            actor=facilitator, folder=folders["esco"], name="ESCO", parent=folders[target]
        )


@pytest.mark.parametrize(
    "data",
    [
        {"folder-name": "", "folder-parent": ""},
        {"folder-name": "   ", "folder-parent": ""},
        {"folder-name": "Podatki", "folder-parent": ""},  # the name of a folder beside it
        {"folder-name": "ESCO", "folder-parent": "abc"},
        {"folder-name": "ESCO", "folder-parent": "999999"},
        {"folder-name": "x" * 201, "folder-parent": ""},
    ],
)
def test_bad_input_on_a_folder_is_a_clear_error_and_nothing_is_written(
    client, login, facilitator, group, folders, data
):
    login(facilitator)
    before = list(Folder.objects.values_list("pk", "name", "parent_id").order_by("pk"))
    response = client.post(folder_url("folder-update", group, folders["esco"]), data)
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert list(Folder.objects.values_list("pk", "name", "parent_id").order_by("pk")) == before


def test_a_folder_of_another_group_is_not_a_place_to_move_to(
    client, login, facilitator, group, other_group, folders, member_factory
):
    stranger = services.folder_create(
        actor=member_factory(other_group, "facilitator", email="f@ppp.gwd.test"),
        group=other_group,
        name="Obce",
        parent=None,
    )
    login(facilitator)
    client.post(
        folder_url("folder-update", group, folders["esco"]),
        {"folder-name": "ESCO", "folder-parent": stranger.pk},
    )
    folders["esco"].refresh_from_db()
    assert folders["esco"].parent == folders["umowy"]


def test_only_an_empty_folder_is_deleted(client, login, facilitator, group, folders, upload):
    login(facilitator)
    # A folder with a folder inside is refused.
    response = client.post(folder_url("folder-delete", group, folders["esco"]))
    assert response.status_code == 302 and flashes(response)
    assert Folder.objects.filter(pk=folders["esco"].pk).exists()
    # A folder with a document is refused.
    upload(folder=folders["podatki"])
    client.post(folder_url("folder-delete", group, folders["podatki"]))
    assert Folder.objects.filter(pk=folders["podatki"].pk).exists()
    # An empty one goes, and the library shows the folder it was in.
    response = client.post(folder_url("folder-delete", group, folders["szkoly"]))
    assert response.url == url("library", group) + f"?folder={folders['esco'].pk}"
    assert not Folder.objects.filter(pk=folders["szkoly"].pk).exists()


def test_a_member_manages_their_own_folder_but_not_others(client, login, member, group, folders):
    own = services.folder_create(actor=member, group=group, name="Moje", parent=None)
    login(member)
    refused = client.post(
        folder_url("folder-update", group, folders["podatki"]),
        {"folder-name": "Hacked", "folder-parent": ""},
    )
    assert refused.status_code == 403
    assert client.post(folder_url("folder-delete", group, folders["podatki"])).status_code == 403
    page = client.get(url("library", group) + f"?folder={folders['podatki'].pk}")
    assert page.context["folder_edit_form"] is None
    client.post(folder_url("folder-update", group, own), {"folder-name": "Moje wzory"})
    own.refresh_from_db()
    assert own.name == "Moje wzory"


def test_outsiders_and_observers_cannot_touch_folders(
    client, login, outsider, observer, group, folders
):
    for person, status in ((outsider, 404), (observer, 403)):
        login(person)
        for name in ("folder-update", "folder-delete"):
            response = client.post(
                folder_url(name, group, folders["esco"]), {"folder-name": "Hacked"}
            )
            assert response.status_code == status, (person, name)
    assert Folder.objects.filter(name="Hacked").count() == 0
    assert Folder.objects.count() == 4


def test_the_library_page_offers_folder_management_to_facilitators(
    client, login, facilitator, group, folders
):
    login(facilitator)
    page = client.get(url("library", group) + f"?folder={folders['esco'].pk}").content.decode()
    assert folder_url("folder-update", group, folders["esco"]) in page
    assert folder_url("folder-delete", group, folders["esco"]) in page


# --- Uploads: confirmation and the same file twice ------------------------------------------


def post_upload(client, group, content, **fields):
    return client.post(
        url("document-upload", group),
        {
            "file": upload_file("umowa.pdf", content),
            "title": fields.pop("title", "Umowa"),
            "language": "pl",
            **fields,
        },
        **fields.pop("headers", {}),
    )


def test_after_an_upload_a_confirmation_links_to_the_document(
    client, login, member, group, private_files
):
    login(member)
    response = post_upload(client, group, make_pdf("Umowa ESCO"), title="Umowa ESCO")
    document = Document.objects.get()
    assert response.status_code == 302 and response.url == document.get_absolute_url()
    (message,) = flashes(response)
    assert f'href="{document.get_absolute_url()}"' in message and "Umowa ESCO" in message


def test_the_page_script_is_told_where_to_go_so_the_confirmation_waits_for_that_page(
    client,
    login,
    member,
    group,
    private_files,
):
    login(member)
    response = client.post(
        url("document-upload", group),
        {"file": upload_file("umowa.pdf", make_pdf("Umowa")), "title": "Umowa", "language": "pl"},
        **SCRIPT,
    )
    document = Document.objects.get()
    assert response.status_code == 200
    assert response.json() == {"location": document.get_absolute_url()}
    # The confirmation is still waiting: it shows on the page the script opens.
    page = client.get(response.json()["location"])
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


def test_the_same_file_again_warns_and_stores_nothing(
    client,
    login,
    member,
    group,
    upload,
    private_files,
):
    content = make_pdf("Umowa ESCO")
    existing = upload(content=content, title="Umowa ESCO")
    login(member)
    response = post_upload(client, group, content, title="Umowa ESCO (kopia)", tags="ESCO")
    assert response.status_code == 409
    page = response.content.decode()
    assert existing.get_absolute_url() in page
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1
    # The form comes back filled in, marked to go on with the same file.
    form = response.context["upload_form"]
    assert form.initial["duplicate_ok"] is True and form.initial["title"] == "Umowa ESCO (kopia)"
    again = post_upload(client, group, content, title="Umowa ESCO (kopia)", duplicate_ok="1")
    assert again.status_code == 302 and Document.objects.count() == 2


def test_a_file_only_in_the_trash_or_in_another_group_is_no_duplicate(
    client, login, member, facilitator, group, other_group, upload, member_factory
):
    content = make_pdf("Umowa ESCO")
    trashed = upload(content=content)
    services.document_trash(actor=facilitator, document=trashed)
    other = member_factory(other_group, "facilitator", email="f@ppp.gwd.test")
    upload(content=content, user=other, target=other_group)
    login(member)
    assert post_upload(client, group, content).status_code == 302


def test_the_page_script_asks_for_duplicates_by_hash(
    client, login, member, facilitator, group, upload
):
    content = make_pdf("Umowa ESCO")
    mine = upload(content=content, user=member, title="Moja")
    theirs = upload(content=content + b"\n", title="Cudza")
    login(member)
    check = url("duplicate-check", group)
    answer = client.get(check, {"sha256": hashlib.sha256(content).hexdigest()}).json()
    assert answer == {
        "documents": [
            {
                "title": "Moja",
                "url": mine.get_absolute_url(),
                "version_url": url("version-upload", group, document_id=mine.pk),
            }
        ]
    }
    # One they may not change is offered to open only.
    digest = hashlib.sha256(content + b"\n").hexdigest()
    (found,) = client.get(check, {"sha256": digest}).json()["documents"]
    assert found["url"] == theirs.get_absolute_url() and found["version_url"] is None
    for bad in ("", "xyz", "0" * 63, "g" * 64, "0" * 65):
        assert client.get(check, {"sha256": bad}).json() == {"documents": []}


def test_a_new_version_from_the_page_script_answers_in_json(client, login, member, group, upload):
    document = upload(user=member)
    login(member)
    version_url = url("version-upload", group, document_id=document.pk)
    refused = client.post(version_url, {}, **SCRIPT)
    assert refused.status_code == 400 and refused.json()["error"]
    done = client.post(version_url, {"file": upload_file("v2.pdf", make_pdf("Umowa v2"))}, **SCRIPT)
    assert done.json() == {"location": document.get_absolute_url()}
    assert document.versions.count() == 2


# --- Trash --------------------------------------------------------------------------------


def test_a_member_sees_and_restores_what_they_moved_to_the_trash(
    client, login, member, facilitator, group, upload
):
    own = upload(user=member, title="Moja notatka")
    other = upload(title="Umowa moderatora")
    services.document_trash(actor=member, document=own)
    services.document_trash(actor=facilitator, document=other)
    login(member)
    trash = client.get(url("trash", group))
    assert trash.status_code == 200
    assert list(trash.context["documents"]) == [own]
    assert url("document-delete", group, document_id=own.pk) not in trash.content.decode()
    refused = client.post(url("document-restore", group, document_id=other.pk))
    assert refused.status_code == 403
    client.post(url("document-restore", group, document_id=own.pk))
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.deleted_at is None and other.deleted_at is not None


def test_a_facilitator_sees_the_whole_trash(client, login, member, facilitator, group, upload):
    own = upload(user=member)
    services.document_trash(actor=member, document=own)
    login(facilitator)
    assert list(client.get(url("trash", group)).context["documents"]) == [own]


def test_an_observer_has_no_trash(client, login, observer, outsider, group):
    login(observer)
    assert client.get(url("trash", group)).status_code == 403
    login(outsider)
    assert client.get(url("trash", group)).status_code == 404


def test_deleting_for_good_asks_first_and_then_removes_the_files(
    client,
    login,
    facilitator,
    group,
    upload,
    private_files,
    django_capture_on_commit_callbacks,
):
    document = upload()
    key = document.current_version.storage_key
    services.document_trash(actor=facilitator, document=document)
    login(facilitator)
    delete_url = url("document-delete", group, document_id=document.pk)
    assert delete_url in client.get(url("trash", group)).content.decode()
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert f'action="{delete_url}"' in confirm.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url)
    assert response.url == url("trash", group)
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not (private_files / key).exists()


def test_only_a_document_in_the_trash_is_deleted_for_good(
    client, login, facilitator, member, group, upload
):
    alive = upload()
    login(facilitator)
    response = client.post(url("document-delete", group, document_id=alive.pk))
    assert response.status_code == 302 and Document.objects.filter(pk=alive.pk).exists()
    services.document_trash(actor=facilitator, document=alive)
    login(member)
    assert client.get(url("document-delete", group, document_id=alive.pk)).status_code == 403
    assert client.post(url("document-delete", group, document_id=alive.pk)).status_code == 403
    assert Document.objects.filter(pk=alive.pk).exists()


def test_nobody_deletes_for_good_where_the_trash_cannot_be_seen(
    client, login, facilitator, site_staff, group, upload
):
    """Site staff who are not members, and anyone in an archived group, see no trash:
    they do not delete from it for good either."""
    document = upload()
    services.document_trash(actor=facilitator, document=document)
    delete_url = url("document-delete", group, document_id=document.pk)
    login(site_staff)
    assert client.get(url("trash", group)).status_code == 403
    assert client.post(delete_url).status_code == 403
    group.archived = True
    group.save(update_fields=["archived"])
    login(facilitator)
    assert client.get(url("trash", group)).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


# --- Tags ---------------------------------------------------------------------------------


def test_a_tag_keeps_the_case_typed_and_matches_without_it(client, login, member, group, upload):
    first = upload(tags=["ESCO", "Szkoły"], user=member)
    second = upload(name="b.pdf", content=make_pdf("Inna"), tags=["esco", "SZKOŁY", "Esco"])
    assert sorted(str(t) for t in first.tags.all()) == ["ESCO", "Szkoły"]
    assert set(second.tags.all()) == set(first.tags.all())
    assert Tag.objects.count() == 2
    login(member)
    found = client.get(url("library", group), {"tag": "eSCo"}).context["page"]
    assert set(found) == {first, second}
    edit = client.get(url("document-edit", group, document_id=first.pk))
    assert edit.context["form"].initial["tags"] == "ESCO, Szkoły"


def test_old_lower_cased_tags_get_their_spelling_from_titles(upload):
    """Tags were stored lower-cased; the migration finds the spelling in a title."""
    document = upload(title="Umowa ESCO dla szkół")
    tag = Tag.objects.create(name="esco")
    lonely = Tag.objects.create(name="ppp")
    document.tags.add(tag)
    migration = import_module("resources.migrations.0005_tag_label")
    migration.recover_labels(django_apps, None)
    tag.refresh_from_db()
    lonely.refresh_from_db()
    assert (tag.label, lonely.label) == ("ESCO", "ppp")


# --- Sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, size, shown",
    [
        ("pl", 1434, "1,4 kB"),
        ("pl", 50 * 1024 * 1024, "50 MB"),
        ("uk", 1434, "1,4 кБ"),
        ("uk", 50 * 1024 * 1024, "50 МБ"),
        ("uk", 512, "512 Б"),
        ("pl", 3 * 1024**3, "3 GB"),
    ],
)
def test_sizes_read_the_same_way_in_each_language(language, size, shown):
    with translation.override(language):
        assert file_size(size).replace("\xa0", " ") == shown


def test_the_library_shows_sizes_and_the_limit_in_one_form(
    client, login, member, group, upload, settings
):
    upload()
    member.language = "uk"
    member.save(update_fields=["language"])
    login(member)
    page = client.get(url("library", group)).content.decode()
    with translation.override("uk"):
        limit = file_size(settings.UPLOAD_MAX_BYTES)
    assert "МБ" in limit and limit in page
    # The CSRF token and the script nonce are random letters: "KB" turns up in one of
    # about sixty pages, so only what the page says is looked at.
    text = re.sub(r'(value|nonce)="[^"]*"', "", page)
    assert "Кб" not in text and "KB" not in text


def test_an_observer_cannot_ask_for_duplicates(client, login, observer, group):
    login(observer)
    assert client.get(url("duplicate-check", group)).status_code == 403
