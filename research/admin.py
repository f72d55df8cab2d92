from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from research.models import AuditEntry, Invitation, Job, Membership, Project, User


@admin.register(User)
class ConcordUserAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2"]})]


class MembershipFormSet(BaseInlineFormSet):
    """Removing a member hands their codings to a pseudonymous former member (or deletes them,
    as an owner chooses) and forgets their account: the project's Members page does that in
    one step (study.members.member_remove), which the admin cannot call (research imports no
    other app). So the admin refuses removing a member, or swapping one for another, and
    says where to do it; adding members and changing roles stay here."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.instance.pk:
                continue
            removed = self.can_delete and self._should_delete_form(form)
            if removed or "user" in form.changed_data:
                raise ValidationError(
                    _(
                        "Remove %(user)s on the project's Members page (Members, then "
                        "Remove): there their codings go to a pseudonymous former member, "
                        "or are deleted, and their account data goes."
                    )
                    % {"user": form.instance.user}
                )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at", "archived_at"]
    inlines = [MembershipInline]


admin.site.register(Invitation)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "project", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (also the trail of deleted projects, which no
    project page shows any more)."""

    list_display = ["at", "project_id", "actor_id", "action", "target"]
    list_filter = ["action"]
    search_fields = ["target", "target_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
