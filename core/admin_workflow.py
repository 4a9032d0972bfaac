"""Admin pieces every editorial type shares: status actions, "mark reviewed by me", review age."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.workflow import Publishable


@admin.action(description="Publish selected items")
def publish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Publishable.Status.PUBLISHED)


@admin.action(description="Send selected items to review")
def send_to_review(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Publishable.Status.IN_REVIEW)


@admin.action(description="Archive selected items")
def archive(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Publishable.Status.ARCHIVED)


def _set_status(modeladmin, request, queryset, status):
    changed = publish_checked(
        modeladmin,
        request,
        queryset,
        {"status": status},
        check=status == Publishable.Status.PUBLISHED,
    )
    modeladmin.message_user(request, f"{changed} item(s) set to {status}.")


def publish_checked(modeladmin, request, queryset, values, check=True):
    """Set `values` on each item and save it; with `check`, an item that fails model validation
    (an out-of-range number, say) is left as it was and named in an error message, so a bulk
    action can publish nothing an editor could not save by hand. Returns how many were saved."""
    saved, refused = 0, []
    # Saved one by one so history records who changed what.
    for item in queryset:
        for name, value in values.items():
            setattr(item, name, value)
        if check:
            try:
                item.full_clean()
            except ValidationError as error:
                refused.append(f"{item}: {'; '.join(error.messages)}")
                continue
        item.save()
        saved += 1
    if refused:
        modeladmin.message_user(
            request, "Not changed, fix these first: " + " | ".join(refused), level=messages.ERROR
        )
    return saved


@admin.action(description="Mark reviewed by me (today)")
def mark_reviewed_by_me(modeladmin, request, queryset):
    author = getattr(request.user, "author", None)
    if author is None:
        modeladmin.message_user(
            request,
            "Your user has no author profile; ask an administrator to link one.",
            level=messages.ERROR,
        )
        return
    today = timezone.now().date()
    for item in queryset:
        item.reviewer = author
        item.reviewed_on = today
        item.save()
    modeladmin.message_user(request, f"{queryset.count()} item(s) marked reviewed by {author}.")


class ReviewAgeFilter(admin.SimpleListFilter):
    title = "last review"
    parameter_name = "review_older_than"

    def lookups(self, request, model_admin):
        return [
            ("3", "Older than 3 months"),
            ("6", "Older than 6 months"),
            ("12", "Older than 12 months"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never":
            return queryset.filter(reviewed_on__isnull=True)
        if value in {"3", "6", "12"}:
            cutoff = timezone.now().date() - datetime.timedelta(days=int(value) * 30)
            return queryset.filter(reviewed_on__lt=cutoff)
        return queryset


STATUS_ACTIONS = [publish, send_to_review, archive]
