from django.urls import path

from coding.excerpts import assignment_views, undo_views, views, workspace_views

urlpatterns = [
    path(
        "p/<uuid:project>/documents/<uuid:document>/code/",
        workspace_views.coding_view,
        name="coding-view",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/code/text/",
        workspace_views.coding_text,
        name="coding-text",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/excerpts/new/",
        views.excerpt_create,
        name="excerpt-create",
    ),
    path("p/<uuid:project>/excerpts/<uuid:excerpt>/", views.excerpt_update, name="excerpt-update"),
    path(
        "p/<uuid:project>/excerpts/<uuid:excerpt>/editor/",
        views.excerpt_editor,
        name="excerpt-editor",
    ),
    path(
        "p/<uuid:project>/excerpts/<uuid:excerpt>/delete/",
        views.excerpt_delete,
        name="excerpt-delete",
    ),
    path("p/<uuid:project>/excerpts/restore/", views.excerpt_restore, name="excerpt-restore"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/undo/",
        undo_views.excerpt_undo_view,
        name="excerpt-undo",
    ),
    path(
        "p/<uuid:project>/documents/<uuid:document>/redo/",
        undo_views.excerpt_redo_view,
        name="excerpt-redo",
    ),
    path("p/<uuid:project>/assignments/", assignment_views.assignments, name="assignments"),
    path("p/<uuid:project>/my-documents/", assignment_views.my_documents, name="my-documents"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/done/",
        assignment_views.assignment_done,
        name="assignment-done",
    ),
    path("p/<uuid:project>/retrieval/", views.retrieval, name="retrieval"),
    path("p/<uuid:project>/retrieval/export/", views.retrieval_export, name="retrieval-export"),
]
