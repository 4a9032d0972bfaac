from django.contrib import admin

from glossary.models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "category", "status", "reviewer", "reviewed_on"]
    list_filter = ["category", "status", "reviewer"]
    search_fields = ["name", "abbreviation", "definition"]
    autocomplete_fields = ["reviewer"]
    filter_horizontal = ["related_terms"]
    prepopulated_fields = {"slug": ["name"]}
