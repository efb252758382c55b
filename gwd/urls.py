from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from groups import views as group_views
from gwd import views

# The admin signs in through allauth, so staff pass the same rate limits and second
# factor as everyone else.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "GWD"
admin.site.site_title = "GWD"

handler500 = "gwd.views.server_error"

urlpatterns = [
    path("", group_views.home, name="home"),
    path("", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("resources.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/language/", views.set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
