"""Editorial status shared by every public row: only published items are shown to visitors."""

from django.db import models


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED)


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


def visible_to(request, queryset):
    """Published rows for visitors; every status for staff, so editors can preview drafts at
    the item's real URL (anonymous page caching never applies to logged-in staff)."""
    if request.user.is_authenticated and request.user.is_staff:
        return queryset
    return queryset.filter(status=Publishable.Status.PUBLISHED)
