from django.urls import path

from coding.reconcile import views

DOCUMENT = "p/<uuid:project>/reconciliation/<uuid:reconciliation>/d/<uuid:reconciled_document>/"
CANDIDATE = "p/<uuid:project>/reconciliation/candidates/<uuid:candidate>/"

urlpatterns = [
    path("p/<uuid:project>/reconciliation/", views.reconciliation_list, name="reconciliation-list"),
    path(
        "p/<uuid:project>/reconciliation/new/",
        views.reconciliation_new,
        name="reconciliation-new",
    ),
    path(
        "p/<uuid:project>/reconciliation/<uuid:reconciliation>/",
        views.reconciliation,
        name="reconciliation",
    ),
    path(
        "p/<uuid:project>/reconciliation/<uuid:reconciliation>/close/",
        views.reconciliation_close,
        name="reconciliation-close",
    ),
    path(
        "p/<uuid:project>/reconciliation/consensus/",
        views.consensus_export,
        name="consensus-export",
    ),
    path(DOCUMENT, views.reconciliation_document, name="reconciliation-document"),
    path(f"{DOCUMENT}accept/", views.agreements_accept, name="reconciliation-accept"),
    path(f"{DOCUMENT}undo/", views.batch_undo, name="reconciliation-batch-undo"),
    path(f"{DOCUMENT}reopen/", views.document_reopen, name="reconciliation-reopen"),
    path(f"{CANDIDATE}decide/", views.candidate_decide, name="candidate-decide"),
    path(f"{CANDIDATE}undo/", views.candidate_undo, name="candidate-undo"),
    path(f"{CANDIDATE}comment/", views.candidate_comment, name="candidate-comment"),
]
