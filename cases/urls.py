from django.urls import path

from cases import views

app_name = "cases"

P = "p/<uuid:project>/"
CASE = P + "cases/<uuid:case>/"
MATRIX = P + "matrices/<uuid:matrix>/"
CELL = MATRIX + "rows/<uuid:row>/cells/<str:column>/"

urlpatterns = [
    path(P + "cases/", views.case_list, name="case-list"),
    path(P + "cases/new/", views.case_create, name="case-create"),
    path(P + "cases/settings/", views.case_settings, name="case-settings"),
    path(P + "cases/import/", views.case_import, name="case-import"),
    path(P + "cases/export/", views.case_export, name="case-export"),
    path(P + "cases/attributes/new/", views.attribute_create, name="attribute-create"),
    path(
        P + "cases/attributes/<uuid:attribute>/delete/",
        views.attribute_delete,
        name="attribute-delete",
    ),
    path(P + "cases/dimensions/new/", views.dimension_create, name="dimension-create"),
    path(
        P + "cases/dimensions/<uuid:dimension>/delete/",
        views.dimension_delete,
        name="dimension-delete",
    ),
    path(P + "cases/documents/<uuid:document>/", views.document_cases, name="document-cases"),
    path(CASE, views.case_detail, name="case-detail"),
    path(CASE + "edit/", views.case_update, name="case-update"),
    path(CASE + "delete/", views.case_delete, name="case-delete"),
    path(CASE + "documents/", views.case_documents, name="case-documents"),
    path(CASE + "writeup/<uuid:dimension>/", views.writeup_edit, name="writeup-edit"),
    path(P + "matrices/", views.matrix_list, name="matrix-list"),
    path(P + "matrices/new/", views.matrix_create, name="matrix-create"),
    path(MATRIX, views.matrix_detail, name="matrix-detail"),
    path(MATRIX + "edit/", views.matrix_edit, name="matrix-edit"),
    path(MATRIX + "delete/", views.matrix_delete, name="matrix-delete"),
    path(MATRIX + "export/", views.matrix_export, name="matrix-export"),
    path(MATRIX + "sections/new/", views.section_create, name="section-create"),
    path(MATRIX + "rows/new/", views.row_create, name="row-create"),
    path(MATRIX + "sections/move/", views.section_move, name="section-move"),
    path(MATRIX + "rows/<uuid:row>/edit/", views.row_update, name="row-update"),
    path(MATRIX + "rows/<uuid:row>/move/", views.row_move, name="row-move"),
    path(MATRIX + "rows/<uuid:row>/delete/", views.row_delete, name="row-delete"),
    path(MATRIX + "footnotes/new/", views.footnote_create, name="footnote-create"),
    path(
        MATRIX + "footnotes/<uuid:footnote>/delete/",
        views.footnote_delete,
        name="footnote-delete",
    ),
    path(CELL, views.cell_evidence, name="cell-evidence"),
    path(CELL + "override/", views.cell_override, name="cell-override"),
    path(P + "classifications/", views.classification_list, name="classification-list"),
    path(P + "classifications/new/", views.classification_create, name="classification-create"),
    path(
        P + "classifications/<uuid:classification>/",
        views.classification_detail,
        name="classification-detail",
    ),
    path(
        P + "classifications/<uuid:classification>/delete/",
        views.classification_delete,
        name="classification-delete",
    ),
    path(P + "tables/frequency/", views.frequency_table, name="frequency-table"),
    path(P + "tables/trail/", views.coding_trail, name="coding-trail"),
]
