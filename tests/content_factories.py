"""factory_boy factories for editorial and glossary rows a test owns (the shipped content is
tested in tests/test_shipped_content.py).

The lower-case functions (`term()`, `error()`...) are the short spelling most tests use: each
creates one row with the given slug and fields.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    ErrorEntry,
    GuidePick,
    PulseEntry,
    QuickAnswer,
)
from glossary.models import Term

SOURCE = "https://example.com/source"


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    slug = "test-desk"
    name = "Test Desk"
    bio = "Reviews test content."


class ReviewedFactory(DjangoModelFactory):
    """Fields every reviewed row carries: who reviewed it, when, and its sources."""

    class Meta:
        abstract = True

    reviewer = factory.SubFactory(AuthorFactory)
    reviewed_on = factory.LazyFunction(datetime.date.today)
    sources = factory.LazyFunction(lambda: [SOURCE])


class TermFactory(ReviewedFactory):
    class Meta:
        model = Term

    slug = factory.Sequence(lambda n: f"test-term-{n}")
    name = "Test term"
    abbreviation = "TT"
    category = "Inference"
    definition = "A term used in tests."
    deeper_dive = "Deeper text."
    practical_example = "Example text."
    workflow_example = "```bash\nllama-server -m model.gguf\n```"


class ErrorEntryFactory(ReviewedFactory):
    class Meta:
        model = ErrorEntry

    slug = factory.Sequence(lambda n: f"test-error-{n}")
    title = "Test error"
    message = "ggml_test: failed to frobnicate the tensor buffer"
    operating_systems = factory.LazyFunction(lambda: ["linux"])
    symptoms = "It fails."
    causes = factory.LazyFunction(lambda: ["The first cause."])
    fixes = factory.LazyFunction(lambda: ["Run `fix --now`."])
    confirm = "It works."


class ArticleFactory(ReviewedFactory):
    class Meta:
        model = Article

    slug = factory.Sequence(lambda n: f"test-article-{n}")
    kind = "learn"
    title = "Test article"
    summary = "Summary."
    body = "## One\n\nText.\n\n## Two\n\nMore."


class PulseEntryFactory(ReviewedFactory):
    class Meta:
        model = PulseEntry

    slug = factory.Sequence(lambda n: f"test-pulse-{n}")
    title = "Test release"
    date = datetime.date(2025, 8, 5)
    kind = "model"
    summary = "Something shipped."


class QuickAnswerFactory(ReviewedFactory):
    class Meta:
        model = QuickAnswer

    slug = factory.Sequence(lambda n: f"test-answer-{n}")
    question = "Test question?"
    answer = "Test answer."


class BuyerGuideFactory(ReviewedFactory):
    """A guide with no picks; add them with GuidePickFactory(guide=...)."""

    class Meta:
        model = BuyerGuide

    slug = factory.Sequence(lambda n: f"test-guide-{n}")
    title = "Test guide"
    summary = "The cards we would buy."
    intro = "Memory decides what runs; bandwidth decides how fast."


class GuidePickFactory(DjangoModelFactory):
    class Meta:
        model = GuidePick

    guide = factory.SubFactory(BuyerGuideFactory)
    hardware = factory.SubFactory("tests.factories.HardwareFactory")
    label = factory.Sequence(lambda n: f"Pick {n}")
    verdict = "Our verdict."
    order = factory.Sequence(int)


def author(slug="test-desk", **fields):
    return AuthorFactory(slug=slug, **fields)


def reviewed(**extra):
    """Review fields for a row built without a factory (`Model.objects.create(**reviewed())`)."""
    return {
        "reviewer": author(),
        "reviewed_on": datetime.date.today(),
        "sources": [SOURCE],
        **extra,
    }


def term(slug="test-term", **fields):
    return TermFactory(slug=slug, **fields)


def error(slug="test-error", **fields):
    return ErrorEntryFactory(slug=slug, **fields)


def article(slug="test-article", kind="learn", **fields):
    return ArticleFactory(slug=slug, kind=kind, **fields)


def pulse(slug="test-pulse", **fields):
    return PulseEntryFactory(slug=slug, **fields)


def quick_answer(slug="test-answer", **fields):
    return QuickAnswerFactory(slug=slug, **fields)
