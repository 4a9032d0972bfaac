from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_workflow import STATUS_ACTIONS, ReviewAgeFilter, mark_reviewed_by_me
from glossary.models import Term


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "category", "status", "reviewer", "reviewed_on"]
    list_filter = ["category", "status", "reviewer", ReviewAgeFilter]
    actions = [mark_reviewed_by_me, *STATUS_ACTIONS]
    search_fields = ["name", "abbreviation", "definition"]
    autocomplete_fields = ["reviewer"]
    filter_horizontal = ["related_terms"]
    prepopulated_fields = {"slug": ["name"]}
