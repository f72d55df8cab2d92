from django.urls import path

from coding.codebook import views

P = "p/<uuid:project>/codebook/"

urlpatterns = [
    path(P, views.codebook, name="codebook"),
    path(f"{P}new/", views.code_create, name="code-create"),
    path(f"{P}group/", views.code_group, name="code-group"),
    path(f"{P}undo/", views.codebook_undo, name="codebook-undo"),
    path(f"{P}log/", views.codebook_log, name="codebook-log"),
    path(f"{P}versions/", views.codebook_versions, name="codebook-versions"),
    path(f"{P}import/", views.codebook_import, name="codebook-import"),
    path(f"{P}export/", views.codebook_export_view, name="codebook-export"),
    path(f"{P}<uuid:code>/", views.code_edit, name="code-edit"),
    path(f"{P}<uuid:code>/move/", views.code_move, name="code-move"),
    path(f"{P}<uuid:code>/merge/", views.code_merge, name="code-merge"),
    path(f"{P}<uuid:code>/delete/", views.code_delete, name="code-delete"),
    path(f"{P}<uuid:code>/accept/", views.code_accept, name="code-accept"),
    path(f"{P}<uuid:code>/log/", views.code_log, name="code-log"),
]
