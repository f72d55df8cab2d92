from django.urls import path

from cases.views import cases, matrices, tables

app_name = "cases"

P = "p/<uuid:project>/"
CASE = P + "cases/<uuid:case>/"
MATRIX = P + "matrices/<uuid:matrix>/"
CELL = MATRIX + "rows/<uuid:row>/cells/<str:column>/"

urlpatterns = [
    path(P + "cases/", cases.case_list, name="case-list"),
    path(P + "cases/new/", cases.case_create, name="case-create"),
    path(P + "cases/settings/", cases.case_settings, name="case-settings"),
    path(P + "cases/import/", cases.case_import, name="case-import"),
    path(P + "cases/export/", cases.case_export, name="case-export"),
    path(P + "cases/attributes/new/", cases.attribute_create, name="attribute-create"),
    path(
        P + "cases/attributes/<uuid:attribute>/delete/",
        cases.attribute_delete,
        name="attribute-delete",
    ),
    path(P + "cases/dimensions/new/", cases.dimension_create, name="dimension-create"),
    path(
        P + "cases/dimensions/<uuid:dimension>/delete/",
        cases.dimension_delete,
        name="dimension-delete",
    ),
    path(P + "cases/documents/<uuid:document>/", cases.document_cases, name="document-cases"),
    path(CASE, cases.case_detail, name="case-detail"),
    path(CASE + "edit/", cases.case_update, name="case-update"),
    path(CASE + "delete/", cases.case_delete, name="case-delete"),
    path(CASE + "documents/", cases.case_documents, name="case-documents"),
    path(CASE + "writeup/<uuid:dimension>/", cases.writeup_edit, name="writeup-edit"),
    path(P + "matrices/", matrices.matrix_list, name="matrix-list"),
    path(P + "matrices/new/", matrices.matrix_create, name="matrix-create"),
    path(MATRIX, matrices.matrix_detail, name="matrix-detail"),
    path(MATRIX + "edit/", matrices.matrix_edit, name="matrix-edit"),
    path(MATRIX + "delete/", matrices.matrix_delete, name="matrix-delete"),
    path(MATRIX + "export/", matrices.matrix_export, name="matrix-export"),
    path(MATRIX + "sections/new/", matrices.section_create, name="section-create"),
    path(MATRIX + "rows/new/", matrices.row_create, name="row-create"),
    path(MATRIX + "sections/move/", matrices.section_move, name="section-move"),
    path(MATRIX + "rows/<uuid:row>/edit/", matrices.row_update, name="row-update"),
    path(MATRIX + "rows/<uuid:row>/move/", matrices.row_move, name="row-move"),
    path(MATRIX + "rows/<uuid:row>/delete/", matrices.row_delete, name="row-delete"),
    path(MATRIX + "footnotes/new/", matrices.footnote_create, name="footnote-create"),
    path(
        MATRIX + "footnotes/<uuid:footnote>/delete/",
        matrices.footnote_delete,
        name="footnote-delete",
    ),
    path(CELL, matrices.cell_evidence, name="cell-evidence"),
    path(CELL + "override/", matrices.cell_override, name="cell-override"),
    path(P + "classifications/", tables.classification_list, name="classification-list"),
    path(P + "classifications/new/", tables.classification_create, name="classification-create"),
    path(
        P + "classifications/<uuid:classification>/",
        tables.classification_detail,
        name="classification-detail",
    ),
    path(
        P + "classifications/<uuid:classification>/edit/",
        tables.classification_edit,
        name="classification-edit",
    ),
    path(
        P + "classifications/<uuid:classification>/delete/",
        tables.classification_delete,
        name="classification-delete",
    ),
    path(P + "tables/frequency/", tables.frequency_table, name="frequency-table"),
    path(P + "tables/trail/", tables.coding_trail, name="coding-trail"),
]
