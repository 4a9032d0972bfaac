from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_workflow import STATUS_ACTIONS, ReviewAgeFilter, mark_reviewed_by_me
from editorial import newsletter_admin  # noqa: F401  (registers the digest's models)
from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    ContactMessage,
    Correction,
    ErrorEntry,
    GuidePick,
    PromptingKit,
    PulseEntry,
    QuickAnswer,
)


class ReviewedAdmin(SimpleHistoryAdmin):
    """Content with a reviewer: history and revert, status and review actions, review age."""

    list_filter = ["status", "reviewer", ReviewAgeFilter]
    autocomplete_fields = ["reviewer"]
    actions = [mark_reviewed_by_me, *STATUS_ACTIONS]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "expertise", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ErrorEntry)
class ErrorEntryAdmin(ReviewedAdmin):
    list_display = ["title", "status", "reviewer", "reviewed_on"]
    search_fields = ["title", "message"]
    filter_horizontal = ["runtimes", "related_terms", "related_tools"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Article)
class ArticleAdmin(ReviewedAdmin):
    list_display = ["title", "kind", "status", "reviewer", "reviewed_on"]
    list_filter = ["kind", "status", "reviewer", ReviewAgeFilter]
    search_fields = ["title", "body"]
    filter_horizontal = ["related_terms"]
    prepopulated_fields = {"slug": ["title"]}


class GuidePickInline(admin.TabularInline):
    model = GuidePick
    extra = 0
    autocomplete_fields = ["hardware"]


@admin.register(BuyerGuide)
class BuyerGuideAdmin(ReviewedAdmin):
    list_display = ["title", "status", "reviewer", "reviewed_on"]
    search_fields = ["title"]
    filter_horizontal = ["reference_models", "related_terms"]
    inlines = [GuidePickInline]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(PulseEntry)
class PulseEntryAdmin(ReviewedAdmin):
    list_display = ["title", "date", "kind", "status"]
    list_filter = ["kind", "status", ReviewAgeFilter]
    search_fields = ["title", "summary"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}


@admin.register(QuickAnswer)
class QuickAnswerAdmin(ReviewedAdmin):
    list_display = ["question", "status", "reviewer", "reviewed_on"]
    search_fields = ["question", "answer"]
    filter_horizontal = ["hardware", "about_models", "related_terms"]
    prepopulated_fields = {"slug": ["question"]}


@admin.register(PromptingKit)
class PromptingKitAdmin(ReviewedAdmin):
    list_display = ["title", "task", "temperature", "status"]
    search_fields = ["title", "description"]
    filter_horizontal = ["suited_models"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["date", "summary", "url", "content_type", "object_id"]
    search_fields = ["summary"]
    fields = ["date", "summary", "url", "content_type", "object_id"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "created_at", "handled"]
    list_filter = ["handled"]
    search_fields = ["subject", "message", "email"]
    readonly_fields = ["name", "email", "subject", "message", "created_at"]
