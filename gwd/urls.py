from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from groups import urls as group_urls
from gwd import views

# The admin signs in through allauth, so staff pass the same rate limits and second
# factor as everyone else. Replacing the bound method is allauth's documented way, and
# mypy refuses any assignment to a method.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "GWD"
admin.site.site_title = "GWD"

handler500 = "gwd.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    # The dashboard and the personal-data export gather every app, so their views live
    # here; they keep the names in the groups namespace that every link already uses.
    path(
        "",
        include(
            (
                [
                    *group_urls.urlpatterns,
                    path("groups/<slug:slug>/", views.group_detail, name="group-detail"),
                    path("profile/my-data.json", views.personal_data, name="personal-data"),
                ],
                group_urls.app_name,
            )
        ),
    ),
    path("", include("meetings.urls")),
    path("", include("resources.urls")),
    path("", include("decisions.urls")),
    path("", include("indicators.urls")),
    path("", include("search.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", views.set_language, name="set-language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
    path("accessibility/", views.accessibility_statement, name="accessibility-statement"),
    path("help/", views.help_page, name="help"),
    path("admin/", admin.site.urls),
]
