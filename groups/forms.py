from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import (
    GROUP_LANGUAGES,
    Group,
    GroupKind,
    Institution,
    Membership,
    Report,
    Role,
    User,
)
from gwd.text import PlainTextField
from gwd.zones import TimeZoneField


class SignupProfileForm(forms.Form):
    """Extra fields allauth's sign-up form asks for."""

    full_name = PlainTextField(label=_("Full name"), max_length=150)

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.Form):
    full_name = PlainTextField(label=_("Full name"), max_length=150)
    position = PlainTextField(label=_("Position"), max_length=150, required=False)
    institution_name = PlainTextField(
        label=_("Institution"),
        max_length=200,
        required=False,
        help_text=_("For example: Urząd Miasta Kielce, Starostwo Powiatowe w Kutnie."),
    )
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"),
        choices=[("", "—"), *Institution.Kind.choices],
        required=False,
    )
    institution_code = PlainTextField(
        label=_("TERYT or KATOTTH code"),
        max_length=20,
        required=False,
        help_text=_("Optional: the TERYT code of a Polish unit or the KATOTTH code of a hromada."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    time_zone = TimeZoneField(label=_("Time zone"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("institution_name") and not data.get("institution_kind"):
            self.add_error("institution_kind", _("Choose what kind of institution this is."))
        if data.get("institution_kind") and not data.get("institution_name"):
            self.add_error("institution_name", _("Give the name of the institution."))
        return data


WORKING_LANGUAGE_CHOICES = User.Language.choices


GROUP_NAME_LABELS = {
    "pl": _("Name in Polish"),
    "uk": _("Name in Ukrainian"),
    "en": _("Name in English"),
}
GROUP_DESCRIPTION_LABELS = {
    "pl": _("Description in Polish"),
    "uk": _("Description in Ukrainian"),
    "en": _("Description in English"),
}


class GroupSettingsForm(forms.Form):
    """A group's name and description in each language, and how it works.

    The name in the main language is required; the others are optional, and a reader
    whose language has none sees the main one. cleaned_data gives `names` and
    `descriptions` by language and `working_languages` with the main language first."""

    first_language = forms.ChoiceField(
        label=_("Main language"),
        choices=WORKING_LANGUAGE_CHOICES,
        help_text=_(
            "The group's name in this language is required. Readers of a language the "
            "group has no name in see this one."
        ),
    )
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=WORKING_LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    name_pl = PlainTextField(label=GROUP_NAME_LABELS["pl"], max_length=200, required=False)
    name_uk = PlainTextField(label=GROUP_NAME_LABELS["uk"], max_length=200, required=False)
    name_en = PlainTextField(label=GROUP_NAME_LABELS["en"], max_length=200, required=False)
    description_pl = PlainTextField(
        label=GROUP_DESCRIPTION_LABELS["pl"], multiline=True, required=False
    )
    description_uk = PlainTextField(
        label=GROUP_DESCRIPTION_LABELS["uk"], multiline=True, required=False
    )
    description_en = PlainTextField(
        label=GROUP_DESCRIPTION_LABELS["en"], multiline=True, required=False
    )
    accepts_join_requests = forms.BooleanField(
        label=_("Officials who are not members may ask to join"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each version is typed in its own language: spell-checkers and screen readers
        # follow the field, not the page.
        for code in GROUP_LANGUAGES:
            self.fields[f"name_{code}"].widget.attrs["lang"] = code
            self.fields[f"description_{code}"].widget.attrs["lang"] = code

    @staticmethod
    def initial_for(group: Group) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "first_language": group.first_language,
            "working_languages": group.working_languages,
            "accepts_join_requests": group.accepts_join_requests,
            "archived": group.archived,
        }
        for code in GROUP_LANGUAGES:
            initial[f"name_{code}"] = getattr(group, f"name_{code}")
            initial[f"description_{code}"] = getattr(group, f"description_{code}")
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first = data.get("first_language")
        if first:
            others = [code for code in data.get("working_languages", []) if code != first]
            data["working_languages"] = [first, *others]
            if not data.get(f"name_{first}") and f"name_{first}" not in self.errors:
                field = self.fields[f"name_{first}"]
                self.add_error(
                    f"name_{first}",
                    forms.ValidationError(field.error_messages["required"], code="required"),
                )
        data["names"] = {code: data.get(f"name_{code}", "") for code in GROUP_LANGUAGES}
        data["descriptions"] = {
            code: data.get(f"description_{code}", "") for code in GROUP_LANGUAGES
        }
        return data


class GroupStaffSettingsForm(GroupSettingsForm):
    archived = forms.BooleanField(label=_("Archived (read-only)"), required=False)


class GroupCreateForm(GroupSettingsForm):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        help_text=_("Used in links, e.g. gwd-miejska-2027. Letters, digits and hyphens."),
    )
    kind = forms.ChoiceField(label=_("Kind of group"), choices=GroupKind.choices)
    facilitators = forms.CharField(
        label=_("Facilitators' e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "One per line. People with an account become facilitators at once; "
            "others receive an invitation."
        ),
    )

    field_order = [
        "first_language",
        "working_languages",
        "name_pl",
        "name_uk",
        "name_en",
        "slug",
        "kind",
        "description_pl",
        "description_uk",
        "description_en",
        "accepts_join_requests",
        "facilitators",
    ]


class FacilitatorAppointForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the new facilitator"))


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


CSV_LIMIT = 1024 * 1024


class BulkInvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Paste a list: one address per line, or separated by commas or semicolons."),
    )
    csv_file = forms.FileField(
        label=_("…or a CSV file"),
        required=False,
        help_text=_("Any column that holds e-mail addresses; at most 1 MB."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if upload is None:
            return ""
        if upload.size > CSV_LIMIT:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1250"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not a readable CSV text file."))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (data.get("emails", "").strip() or data.get("csv_file")):
            raise forms.ValidationError(_("Paste some addresses or choose a CSV file."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class JoinRequestForm(forms.Form):
    message = PlainTextField(
        label=_("Message to the facilitators"),
        multiline=True,
        max_length=2000,
        required=False,
        help_text=_("Say who you are and why you would like to join."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])


class ThreadForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    body = PlainTextField(
        label=_("First message"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("**bold**, _italics_, [link](https://…), lists, > quotes, `code`."),
    )
    client_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)


class MessageForm(forms.Form):
    body = PlainTextField(
        label=_("Your message"), multiline=True, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_id = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    # The message this one answers, and the part of it quoted (the service checks both).
    reply_to = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    quote = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this message?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = PlainTextField(
        label=_("Details"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("Required for “Other”. Only the group's facilitators read it."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("reason") == Report.Reason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("Say what is wrong with the message."))
        return data


class ReasonForm(forms.Form):
    reason = PlainTextField(label=_("Reason"), max_length=500)


class MuteForm(forms.Form):
    DURATIONS = [
        (15, _("15 minutes")),
        (60, _("1 hour")),
        (60 * 24, _("1 day")),
        (60 * 24 * 7, _("1 week")),
    ]
    minutes = forms.TypedChoiceField(label=_("Mute for"), choices=DURATIONS, coerce=int)
    reason = PlainTextField(label=_("Reason"), max_length=500, required=False)


class BlockedPhraseForm(forms.Form):
    phrase = PlainTextField(
        label=_("Word or phrase"),
        max_length=100,
        min_length=2,
        help_text=_("Messages containing it wait for a facilitator before anyone sees them."),
    )


class NotificationSettingsForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=_("Send me e-mail notifications"), required=False
    )
    digest = forms.ChoiceField(label=_("Digest of other news"), choices=User.Digest.choices)

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[f"group_{membership.group_id}"] = forms.ChoiceField(
                label=membership.group.display_name,
                choices=Membership.Notify.choices,
                initial=membership.notify,
            )

    def levels(self) -> dict[int, str]:
        return {m.group_id: self.cleaned_data[f"group_{m.group_id}"] for m in self.memberships}
