from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from editorial.models import Reviewed


class Category(models.TextChoices):
    GENERATIVE_AI = "Generative AI"
    HARDWARE = "Hardware"
    QUANTIZATION = "Quantization"
    INFERENCE = "Inference"
    RUNTIMES = "Runtimes & software"
    ARCHITECTURE = "Model architecture"
    TRAINING = "Training & fine-tuning"


class Term(Reviewed):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    abbreviation = models.CharField(max_length=40, blank=True)
    category = models.CharField(max_length=40, choices=Category.choices, db_index=True)
    definition = models.TextField()
    deeper_dive = models.TextField()
    practical_example = models.TextField()
    workflow_example = models.TextField()
    related_terms = models.ManyToManyField("self", blank=True, symmetrical=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("glossary:term_detail", args=[self.slug])

    @property
    def display_name(self):
        """'Video RAM (VRAM)', or just the name when there is no abbreviation."""
        if self.abbreviation and self.abbreviation != self.name:
            return f"{self.name} ({self.abbreviation})"
        return self.name

    @property
    def initial(self):
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"

    @property
    def category_slug(self):
        return slugify(self.category)
