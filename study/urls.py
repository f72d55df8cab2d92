from django.urls import path

from study import members, pseudonyms, runs, views
from study.docsets import views as docset_views
from study.explore import views as explore_views
from study.memos import views as memo_views
from study.refi import views as refi_views
from study.search import saved_views
from study.search import views as search_views

app_name = "study"

urlpatterns = [
    # The list of agreement runs and the form that starts one (it offers cases' documents).
    path("p/<uuid:project>/agreement/", runs.agreement_list, name="agreement-list"),
    path("p/<uuid:project>/agreement/new/", runs.agreement_new, name="agreement-new"),
    # Removing a member also hands over (or deletes) their codings, which research cannot reach.
    path(
        "p/<uuid:project>/members/<int:member>/remove/",
        members.member_remove_view,
        name="member-remove",
    ),
    path("projects/restore/", views.project_restore, name="project-restore"),
    # The document pages that also set the document's cases (same paths as the other
    # document pages, which the coding app serves).
    path("p/<uuid:project>/documents/upload/", views.document_upload, name="document-upload"),
    path(
        "p/<uuid:project>/documents/<uuid:document>/edit/",
        views.document_edit,
        name="document-edit",
    ),
    # Full-text search over the project's documents (it filters by case).
    # Applying the pseudonym list reaches the memos and case texts too (coding's list page).
    path(
        "p/<uuid:project>/pseudonyms/apply/", pseudonyms.pseudonyms_apply, name="pseudonyms-apply"
    ),
    path(
        "p/<uuid:project>/pseudonyms/apply/texts/",
        pseudonyms.pseudonyms_apply_texts,
        name="pseudonyms-apply-texts",
    ),
    path("p/<uuid:project>/search/", search_views.search, name="search"),
    path("p/<uuid:project>/search/autocode/", search_views.autocode, name="autocode"),
    path(
        "p/<uuid:project>/search/autocode/preview/",
        search_views.autocode_preview,
        name="autocode-preview",
    ),
    # Saved searches, rerun to see the hits new since the member last looked.
    path("p/<uuid:project>/search/saved/", saved_views.saved_search_list, name="saved-search-list"),
    path(
        "p/<uuid:project>/search/saved/new/",
        saved_views.saved_search_create,
        name="saved-search-create",
    ),
    path(
        "p/<uuid:project>/search/saved/<uuid:saved>/",
        saved_views.saved_search_run,
        name="saved-search-run",
    ),
    path(
        "p/<uuid:project>/search/saved/<uuid:saved>/delete/",
        saved_views.saved_search_delete,
        name="saved-search-delete",
    ),
    path(
        "p/<uuid:project>/search/autocode/<uuid:batch>/undo/",
        search_views.autocode_undo,
        name="autocode-undo",
    ),
    # Document sets (named groups of documents, a filter for search and exploring).
    path("p/<uuid:project>/sets/", docset_views.document_set_list, name="document-set-list"),
    path(
        "p/<uuid:project>/sets/new/", docset_views.document_set_create, name="document-set-create"
    ),
    path(
        "p/<uuid:project>/sets/<uuid:docset>/edit/",
        docset_views.document_set_edit,
        name="document-set-edit",
    ),
    path(
        "p/<uuid:project>/sets/<uuid:docset>/delete/",
        docset_views.document_set_delete,
        name="document-set-delete",
    ),
    # Exploring codings: which codes occur together, and codings per document and code.
    path(
        "p/<uuid:project>/explore/cooccurrence/",
        explore_views.cooccurrence,
        name="cooccurrence",
    ),
    path(
        "p/<uuid:project>/explore/cooccurrence/excerpts/",
        explore_views.cooccurrence_cell,
        name="cooccurrence-cell",
    ),
    path("p/<uuid:project>/explore/matrix/", explore_views.code_matrix, name="code-matrix"),
    path(
        "p/<uuid:project>/explore/matrix/excerpts/",
        explore_views.code_matrix_cell,
        name="code-matrix-cell",
    ),
    path(
        "p/<uuid:project>/explore/words/",
        explore_views.word_frequencies,
        name="word-frequencies",
    ),
    path("p/<uuid:project>/export/", views.project_export, name="project-export"),
    # Project memos (analytic memos, REFI-QDA's stand-alone notes).
    path("p/<uuid:project>/memos/", memo_views.memo_list, name="memo-list"),
    path("p/<uuid:project>/memos/new/", memo_views.memo_create, name="memo-create"),
    path("p/<uuid:project>/memos/<uuid:memo>/edit/", memo_views.memo_edit, name="memo-edit"),
    path(
        "p/<uuid:project>/memos/<uuid:memo>/delete/",
        memo_views.memo_delete,
        name="memo-delete",
    ),
    # REFI-QDA project import: the upload, then who is who; the import itself is a job.
    path("p/<uuid:project>/import/qdpx/", refi_views.qdpx_upload, name="qdpx-upload"),
    path(
        "p/<uuid:project>/import/qdpx/<uuid:upload>/",
        refi_views.qdpx_people,
        name="qdpx-people",
    ),
    path(
        "p/<uuid:project>/jobs/<uuid:job>/download/",
        views.project_export_download,
        name="project-export-download",
    ),
]
