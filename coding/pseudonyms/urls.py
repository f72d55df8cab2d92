from django.urls import path

from coding.pseudonyms import views

urlpatterns = [
    path("p/<uuid:project>/pseudonyms/", views.pseudonym_list, name="pseudonym-list"),
    path("p/<uuid:project>/pseudonyms/add/", views.pseudonym_add, name="pseudonym-add"),
    path(
        "p/<uuid:project>/pseudonyms/<int:pseudonym>/remove/",
        views.pseudonym_remove,
        name="pseudonym-remove",
    ),
    path("p/<uuid:project>/pseudonyms/policy/", views.pseudonym_policy, name="pseudonym-policy"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/pseudonymise/",
        views.document_pseudonymise,
        name="document-pseudonymise",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/original/",
        views.document_original,
        name="document-original",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/original/download/",
        views.document_original_download,
        name="document-original-download",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/original/delete/",
        views.document_original_delete,
        name="document-original-delete",
    ),
]
