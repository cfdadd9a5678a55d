"""For the SPBE team: look up letters and maintain the address book. Daily work happens in the app."""

from django.contrib import admin

from persuratan.models import Classification, Correspondent, IncomingLetter


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "active"]
    list_filter = ["level", "active"]
    search_fields = ["code", "name"]


@admin.register(Correspondent)
class CorrespondentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "opd", "last_used_at"]
    list_filter = ["kind", "opd"]
    search_fields = ["name_key"]


@admin.register(IncomingLetter)
class IncomingLetterAdmin(admin.ModelAdmin):
    """Read-only: letters change only through services, which record every change on the timeline."""

    list_display = ["agenda_label", "opd", "subject", "sender_name", "security_class", "received_on"]
    list_filter = ["opd", "security_class", "urgency", "source"]
    search_fields = ["sender_number", "sender_name"]
    list_select_related = ["opd"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
