"""Editorial content: authors, errors KB, learn articles and pages, buyer guides, pulse, quick
answers, prompting kits, the corrections log and contact messages."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalog.models import os_labels
from core.workflow import Publishable


class Author(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    bio = models.TextField()
    expertise = models.CharField(max_length=255, blank=True)
    photo_url = models.URLField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The editor's login, so 'mark reviewed by me' knows who they are.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("editorial:author_detail", args=[self.slug])


class Reviewed(Publishable):
    """Content with a reviewer, a review date and sources."""

    reviewer = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    sources = models.JSONField(default=list, blank=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    @property
    def is_stale(self):
        if not self.reviewed_on:
            return True
        age = timezone.now().date() - self.reviewed_on
        return age > datetime.timedelta(days=settings.REVIEW_STALE_AFTER_DAYS)


class ErrorEntry(Reviewed):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    message = models.TextField(help_text="The error exactly as users see it; one variant a line.")
    runtimes = models.ManyToManyField("catalog.Runtime", blank=True, related_name="errors")
    operating_systems = models.JSONField(default=list, blank=True)
    symptoms = models.TextField()
    causes = models.JSONField(default=list, help_text="Causes, most likely first (Markdown).")
    fixes = models.JSONField(default=list, help_text="Numbered fix steps, in order (Markdown).")
    confirm = models.TextField(help_text="How to confirm it is fixed.")
    related_terms = models.ManyToManyField(
        "glossary.Term", blank=True, related_name="related_errors"
    )
    related_tools = models.ManyToManyField(
        "catalog.Runtime", blank=True, related_name="related_errors"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = "error entry"
        verbose_name_plural = "errors KB"

    def __str__(self):
        return self.title

    @property
    def os_labels(self):
        return os_labels(self.operating_systems)

    def get_absolute_url(self):
        return reverse("editorial:error_detail", args=[self.slug])

    @property
    def message_lines(self):
        return [line for line in self.message.splitlines() if line.strip()]


# Pages whose text introduces a view of their own (the contact page shows its form).
PAGES_WITH_THEIR_OWN_VIEW = {"contact": "editorial:contact"}


class Article(Reviewed):
    """A learn guide or an editorial page (About, Trust, Privacy, ...)."""

    class Kind(models.TextChoices):
        LEARN = "learn", "Learn guide"
        PAGE = "page", "Page"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    related_terms = models.ManyToManyField(
        "glossary.Term", blank=True, related_name="related_articles"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="article_unique_slug_per_kind")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.kind == self.Kind.LEARN:
            return reverse("editorial:learn_detail", args=[self.slug])
        if self.slug in PAGES_WITH_THEIR_OWN_VIEW:
            return reverse(PAGES_WITH_THEIR_OWN_VIEW[self.slug])
        return reverse("editorial:page", args=[self.slug])


class BuyerGuide(Reviewed):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    intro = models.TextField()
    body = models.TextField(blank=True)
    quant = models.ForeignKey(
        "catalog.QuantFormat", on_delete=models.PROTECT, related_name="+", null=True
    )
    reference_models = models.ManyToManyField("catalog.Model", blank=True, related_name="+")
    related_terms = models.ManyToManyField(
        "glossary.Term", blank=True, related_name="related_guides"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("editorial:guide_detail", args=[self.slug])


class GuidePick(models.Model):
    guide = models.ForeignKey(BuyerGuide, on_delete=models.CASCADE, related_name="picks")
    hardware = models.ForeignKey("catalog.Hardware", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=120)
    verdict = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "hardware"], name="one_pick_per_hardware")
        ]

    def __str__(self):
        return f"{self.guide}: {self.label}"


class PulseEntry(Reviewed):
    class Kind(models.TextChoices):
        MODEL = "model", "Model release"
        RUNTIME = "runtime", "Runtime"
        HARDWARE = "hardware", "Hardware"
        ECOSYSTEM = "ecosystem", "Ecosystem"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    date = models.DateField(db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name_plural = "pulse entries"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("editorial:pulse_detail", args=[self.slug])


class QuickAnswer(Reviewed):
    slug = models.SlugField(unique=True)
    question = models.CharField(max_length=200)
    answer = models.TextField()
    hardware = models.ManyToManyField("catalog.Hardware", blank=True, related_name="+")
    about_models = models.ManyToManyField("catalog.Model", blank=True, related_name="+")
    related_terms = models.ManyToManyField("glossary.Term", blank=True, related_name="+")

    class Meta:
        ordering = ["question"]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("editorial:quick_answer_detail", args=[self.slug])


class PromptingKit(Reviewed):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    task = models.CharField(max_length=40)
    description = models.TextField()
    prompt_template = models.TextField()
    system_prompt = models.TextField(blank=True)
    suited_models = models.ManyToManyField("catalog.Model", blank=True, related_name="+")
    temperature = models.FloatField()
    top_p = models.FloatField(null=True, blank=True)
    context_tokens = models.PositiveIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(temperature__gte=0) & models.Q(temperature__lte=2),
                name="kit_temperature_range",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("editorial:prompting_kit_detail", args=[self.slug])


class Correction(models.Model):
    """A dated entry in the public corrections log on the Trust page, optionally linked to
    the row that was changed (whose history shows the previous values)."""

    date = models.DateField(default=datetime.date.today)
    summary = models.TextField()
    url = models.CharField(
        max_length=300, blank=True, help_text="The corrected page (a site path or a URL)."
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    changed_row = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date}: {self.summary[:60]}"

    @property
    def link(self):
        """The corrected page: the linked row's page when there is one, else the given URL."""
        row = self.changed_row
        if row is not None and hasattr(row, "get_absolute_url"):
            return row.get_absolute_url()
        return self.url


class ContactMessage(models.Model):
    name = models.CharField(max_length=120)
    email = models.EmailField()
    subject = models.CharField(max_length=200)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    handled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} ({self.email})"


# The mailing list's and digest's models live beside their logic; importing them here
# registers them with Django.
from editorial.digest import *  # noqa: E402, F403
from editorial.newsletter import *  # noqa: E402, F403
