"""Read-only views of the disposition records for the SPBE team: the chain is written only through
disposisi.services, so that every change has its event on the letter's timeline."""

from django.contrib import admin

from disposisi.models import Disposition, DispositionSheet, FollowUp, FollowUpFile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ["letter", "from_position", "recipient", "created_at", "actor"]
    list_select_related = ["letter", "from_position", "item__position", "actor"]
    search_fields = [
        "letter__subject",
        "letter__sender_number",
        "from_position__name",
        "item__position__name",
    ]
    date_hierarchy = "created_at"
    raw_id_fields = ["letter", "parent_item", "item", "from_position", "actor"]

    @admin.display(description="kepada")
    def recipient(self, obj: Disposition) -> str:
        return obj.item.position.name


class FollowUpFileInline(admin.TabularInline):
    model = FollowUpFile
    fields = ["original_name", "content_type", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["item", "position", "author", "marks_done", "created_at"]
    list_select_related = ["item__letter", "item__position", "position", "author"]
    list_filter = ["marks_done"]
    search_fields = ["text", "item__letter__subject", "position__name"]
    date_hierarchy = "created_at"
    raw_id_fields = ["item", "author", "position"]
    inlines = [FollowUpFileInline]


@admin.register(DispositionSheet)
class DispositionSheetAdmin(ReadOnlyAdmin):
    list_display = ["letter", "state", "requested_at", "rendered_at"]
    list_select_related = ["letter"]
    list_filter = ["state"]
    raw_id_fields = ["letter"]
