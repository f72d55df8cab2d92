from django.urls import path

from coding.documents import views

# Uploading and editing a document's details also set its cases: those pages are in study/urls.py.
urlpatterns = [
    path("p/<uuid:project>/documents/", views.document_list, name="document-list"),
    path("p/<uuid:project>/documents/bulk/", views.document_bulk, name="document-bulk"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/",
        views.document_detail,
        name="document-detail",
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
        "p/<uuid:project>/documents/<uuid:document>/keep-running-lines/",
        views.document_keep_running_lines,
        name="document-keep-running-lines",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/ocr-again/",
        views.document_ocr_again,
        name="document-ocr-again",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/delete/",
        views.document_delete,
        name="document-delete",
    ),
]
