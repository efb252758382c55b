from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Group
from resources.models import Document, Domain
from resources.services import SHARE_REFUSED

LANGUAGES = [("pl", "Polski"), ("uk", "Українська"), ("en", "English")]


def _tag_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class DocumentFieldsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", "—"), *Domain.choices], required=False
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. ESCO, szkoły.")
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=LANGUAGES)
    folder = forms.TypedChoiceField(label=_("Folder"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        folder = self.fields["folder"]
        assert isinstance(folder, forms.TypedChoiceField)  # declared above
        folder.choices = [
            ("", _("(main folder)")),
            *[(f.pk, f.name) for f in folders],
        ]

    def clean_tags(self) -> list[str]:
        return _tag_list(self.cleaned_data.get("tags", ""))


class ChunkedFileMixin:
    """The file comes in the request, or was sent before in chunks and the form names
    its upload session (`upload`, set by the page's script) instead."""

    # Given by the form it is mixed into.
    data: Mapping[str, Any]
    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("upload"):
            self.fields["file"].required = False


class UploadForm(ChunkedFileMixin, DocumentFieldsForm):
    file = forms.FileField(label=_("File"))
    upload = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # Set once the person has seen that the same file is already in the library and
    # chose to upload it anyway.
    duplicate_ok = forms.BooleanField(required=False, widget=forms.HiddenInput)

    field_order = ["file", "title", "description", "domain", "tags", "language", "folder"]


class EditForm(DocumentFieldsForm):
    def clean_title(self):
        title = self.cleaned_data.get("title", "").strip()
        if not title:
            raise forms.ValidationError(_("Give the document a title."))
        return title


class VersionForm(ChunkedFileMixin, forms.Form):
    file = forms.FileField(label=_("New version"))
    upload = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    change_note = forms.CharField(label=_("What changed"), max_length=500, required=False)


class UploadSessionForm(forms.Form):
    name = forms.CharField(max_length=1000)
    size = forms.IntegerField(min_value=0)


class FolderForm(forms.Form):
    name = forms.CharField(label=_("New folder"), max_length=200)


class FolderEditForm(forms.Form):
    """Rename a folder and choose the folder it is in; `folders` are those of its group
    it may go into (not itself, nor one inside it)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.TypedChoiceField(label=_("Inside"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, folders=(), **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.TypedChoiceField)  # declared above
        parent.choices = [("", _("(main folder)")), *[(f.pk, f.name) for f in folders]]


class ShareForm(forms.Form):
    """`targets`: the groups the person may share with (services.share_targets); no other
    is offered, and one posted anyway is refused."""

    is_template = forms.BooleanField(label=_("This is a model template"), required=False)
    share_with_all = forms.BooleanField(label=_("Share with all groups"), required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("…or with these groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": SHARE_REFUSED},
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        groups = self.fields["groups"]
        assert isinstance(groups, forms.ModelMultipleChoiceField)  # declared above
        groups.queryset = targets


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All")), *Domain.choices], required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("All")), *LANGUAGES], required=False
    )
    templates = forms.BooleanField(label=_("Model templates only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("recent", _("Recently changed")), ("title", _("Title"))],
        required=False,
    )

    def apply(self, documents):
        if not self.is_valid():
            return documents
        data = self.cleaned_data
        if data["domain"]:
            documents = documents.filter(domain=data["domain"])
        if data["tag"]:
            documents = documents.filter(tags__name=data["tag"].strip().casefold())
        if data["language"]:
            documents = documents.filter(language=data["language"])
        if data["templates"]:
            documents = documents.filter(is_template=True)
        if data["sort"] == "title":
            documents = documents.order_by("title", "pk")
        return documents


__all__ = ["Document"]
