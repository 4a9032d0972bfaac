"""Smallest real content rows for tests (the seeded content is tested separately)."""

import datetime

from editorial.models import Article, Author, ErrorEntry, PulseEntry, QuickAnswer
from glossary.models import Term


def author(slug="test-desk"):
    return Author.objects.get_or_create(
        slug=slug, defaults={"name": "Test Desk", "bio": "Reviews test content."}
    )[0]


def reviewed(**extra):
    return {
        "reviewer": author(),
        "reviewed_on": datetime.date.today(),
        "sources": ["https://example.com/source"],
        **extra,
    }


def term(slug="test-term", **fields):
    values = {
        "name": "Test term",
        "abbreviation": "TT",
        "category": "Inference",
        "definition": "A term used in tests.",
        "deeper_dive": "Deeper text.",
        "practical_example": "Example text.",
        "workflow_example": "```bash\nllama-server -m model.gguf\n```",
        **reviewed(),
        **fields,
    }
    return Term.objects.create(slug=slug, **values)


def error(slug="test-error", **fields):
    values = {
        "title": "Test error",
        "message": "ggml_test: failed to frobnicate the tensor buffer",
        "operating_systems": ["linux"],
        "symptoms": "It fails.",
        "causes": ["The first cause."],
        "fixes": ["Run `fix --now`."],
        "confirm": "It works.",
        **reviewed(),
        **fields,
    }
    return ErrorEntry.objects.create(slug=slug, **values)


def article(slug="test-article", kind="learn", **fields):
    values = {
        "title": "Test article",
        "summary": "Summary.",
        "body": "## One\n\nText.\n\n## Two\n\nMore.",
        **reviewed(),
        **fields,
    }
    return Article.objects.create(slug=slug, kind=kind, **values)


def pulse(slug="test-pulse", **fields):
    values = {
        "title": "Test release",
        "date": datetime.date(2025, 8, 5),
        "kind": "model",
        "summary": "Something shipped.",
        **reviewed(),
        **fields,
    }
    return PulseEntry.objects.create(slug=slug, **values)


def quick_answer(slug="test-answer", **fields):
    values = {"question": "Test question?", "answer": "Test answer.", **reviewed(), **fields}
    return QuickAnswer.objects.create(slug=slug, **values)
