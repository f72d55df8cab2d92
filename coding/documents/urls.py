from django.urls import path

from coding.documents import views

urlpatterns = [
    path("p/<uuid:project>/documents/", views.document_list, name="document-list"),
    path("p/<uuid:project>/documents/upload/", views.document_upload, name="document-upload"),
    path("p/<uuid:project>/documents/bulk/", views.document_bulk, name="document-bulk"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/",
        views.document_detail,
        name="document-detail",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/edit/",
        views.document_edit,
        name="document-edit",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/download/",
        views.document_download,
        name="document-download",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/replace/",
        views.document_replace,
        name="document-replace",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/delete/",
        views.document_delete,
        name="document-delete",
    ),
]
