import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Institution, User

COMMON_TIME_ZONES = ["Europe/Warsaw", "Europe/Kyiv", "Europe/Berlin", "Europe/London", "UTC"]


def time_zone_choices() -> list[tuple[str, str]]:
    others = sorted(zoneinfo.available_timezones() - set(COMMON_TIME_ZONES))
    return [(zone, zone) for zone in COMMON_TIME_ZONES + others]


class SignupProfileForm(forms.Form):
    """Extra fields allauth's sign-up form asks for."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    institution_name = forms.CharField(
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
    institution_code = forms.CharField(
        label=_("TERYT or KATOTTH code"),
        max_length=20,
        required=False,
        help_text=_("Optional: the TERYT code of a Polish unit or the KATOTTH code of a hromada."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    def clean(self):
        data = super().clean()
        if data.get("institution_name") and not data.get("institution_kind"):
            self.add_error("institution_kind", _("Choose what kind of institution this is."))
        if data.get("institution_kind") and not data.get("institution_name"):
            self.add_error("institution_name", _("Give the name of the institution."))
        return data
