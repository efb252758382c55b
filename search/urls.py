from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_everywhere, name="search"),
    path("groups/<slug:slug>/search/", views.group_search, name="group-search"),
]
