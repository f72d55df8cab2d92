from django.urls import path

from coding.runs import views

urlpatterns = [
    path("p/<uuid:project>/agreement/compare/", views.agreement_compare, name="agreement-compare"),
    path("p/<uuid:project>/agreement/<uuid:run>/", views.agreement_run, name="agreement-run"),
    path(
        "p/<uuid:project>/agreement/<uuid:run>/export/",
        views.agreement_export,
        name="agreement-export",
    ),
    path(
        "p/<uuid:project>/agreement/<uuid:run>/codes/<uuid:code>/",
        views.agreement_code,
        name="agreement-code",
    ),
]
