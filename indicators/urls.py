from django.urls import path

from indicators import views, views_compare, views_districts, views_import

app_name = "indicators"

G = "groups/<slug:slug>/indicators/"

urlpatterns = [
    path("indicators/catalogue/", views.catalogue, name="catalogue"),
    path("indicators/catalogue/new/", views.catalogue_edit, name="catalogue-create"),
    path(
        "indicators/catalogue/<int:indicator_id>/edit/",
        views.catalogue_edit,
        name="catalogue-edit",
    ),
    path(G, views.indicator_list, name="indicator-list"),
    path(f"{G}adopt/", views.indicator_adopt, name="indicator-adopt"),
    path(f"{G}new/", views.indicator_create, name="indicator-create"),
    path(f"{G}rounds/new/", views.round_create, name="round-create"),
    path(f"{G}rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path(f"{G}rounds/<int:round_id>/remind/", views.round_remind, name="round-remind"),
    path(
        f"{G}rounds/<int:round_id>/units/<int:unit_id>/",
        views.submission_edit,
        name="submission-edit",
    ),
    path(
        f"{G}rounds/<int:round_id>/units/<int:unit_id>/review/",
        views.submission_review,
        name="submission-review",
    ),
    path(f"{G}values/<int:value_id>/history/", views.value_history, name="value-history"),
]

# Comparisons, charts, reports and imports (indicators/views_compare.py, views_import.py).
urlpatterns += [
    path(f"{G}compare/", views_compare.comparison, name="comparison"),
    path(f"{G}chart.svg", views_compare.chart, name="chart"),
    path(f"{G}units/<int:unit_id>/profile/", views_compare.profile, name="profile"),
    path(
        f"{G}units/<int:unit_id>/profile/report/",
        views_compare.profile_report,
        name="profile-report",
    ),
    path(
        f"{G}units/<int:unit_id>/profile/report/save/",
        views_compare.profile_report_save,
        name="profile-report-save",
    ),
    path(f"{G}report/", views_compare.report, name="report"),
    path(f"{G}report/save/", views_compare.report_save, name="report-save"),
    path(f"{G}rounds/<int:round_id>/import/", views_import.round_import, name="round-import"),
    path(
        f"{G}rounds/<int:round_id>/template.<str:sheet_format>",
        views_import.round_template,
        name="round-template",
    ),
    path(f"{G}bdl/", views_import.bdl_import, name="bdl-import"),
]

# A city's districts (indicators/views_districts.py).
urlpatterns += [
    path(
        f"{G}units/<int:unit_id>/districts/",
        views_districts.district_comparison,
        name="district-comparison",
    ),
    path(
        f"{G}units/<int:unit_id>/districts/figures/",
        views_districts.district_figures,
        name="district-figures",
    ),
]
