from django.contrib import admin

from cases.models import (
    AttributeDefinition,
    Case,
    ClassificationRule,
    Dimension,
    Matrix,
)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["name", "pseudonym", "kind", "project"]
    list_filter = ["kind"]
    search_fields = ["name", "pseudonym"]
    raw_id_fields = ["project", "parent", "documents"]


@admin.register(Matrix)
class MatrixAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "cell_mode", "source"]
    raw_id_fields = ["project", "cases", "coder", "created_by", "group_attribute"]


admin.site.register([AttributeDefinition, ClassificationRule, Dimension])
