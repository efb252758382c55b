from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from groups import services
from groups.forms import ProfileForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "groups/home.html")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.profile_update(actor=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Your profile has been saved."))
            return redirect("groups:profile")
    else:
        institution = user.institution
        form = ProfileForm(
            initial={
                "full_name": user.full_name,
                "position": user.position,
                "institution_name": institution.name if institution else "",
                "institution_kind": institution.kind if institution else "",
                "institution_code": institution.code if institution else "",
                "language": user.language,
                "time_zone": user.time_zone,
            }
        )
    return render(request, "groups/profile.html", {"form": form})
