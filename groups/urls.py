from django.urls import path

from groups import views

app_name = "groups"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
