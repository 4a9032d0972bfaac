"""Loaders for editorial content fixtures (editorial/data/*.json)."""

import json
from pathlib import Path

from catalog.models import Hardware, Model, OperatingSystem, QuantFormat, Runtime
from core.seeding import FixtureItem, SeedError, save_by_key
from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    ErrorEntry,
    GuidePick,
    PromptingKit,
    PulseEntry,
    QuickAnswer,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


class Entry(FixtureItem):
    """One JSON object from a fixture list; its fields are required unless a loader says not."""

    required_by_default = True

    def fail(self, reason):
        super().fail(f"(entry {self.data.get('slug', '?')!r}) {reason}")

    def text(self, name, required=None):
        value = self.data.get(name, "")
        if not isinstance(value, str):
            self.fail(f"'{name}' must be text")
        if (self.required_by_default if required is None else required) and not value.strip():
            self.fail(f"missing required field '{name}'")
        return value.strip()

    def strings(self, name, required=False):
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(f"'{name}' must be a list of strings")
        if required and not value:
            self.fail(f"'{name}' must not be empty")
        return value

    def number(self, name, required=True):
        value = self.data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.fail(f"'{name}' must be a number")
        return value

    def pick(self, name, mapping, what):
        """Rows named by a list of keys; an unknown key is an error."""
        found = []
        for key in self.strings(name):
            if key not in mapping:
                self.fail(f"unknown {what} {key!r} in '{name}'")
            found.append(mapping[key])
        return found

    def review(self, authors):
        return {
            "reviewer": self.lookup("reviewer", authors, "author"),
            "reviewed_on": self.date("reviewed"),
            "sources": self.strings("sources", required=True),
        }


def read_entries(path):
    path = Path(path)
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SeedError(path, error.lineno, f"invalid JSON: {error.msg}") from error
    if not isinstance(items, list):
        raise SeedError(path, 1, "the file must hold a JSON list")
    slugs = set()
    for index, data in enumerate(items, 1):
        entry = Entry(path, index, data)
        slug = entry.text("slug")
        if slug in slugs:
            entry.fail("duplicate slug")
        slugs.add(slug)
        yield entry


class Catalog:
    """Lookups by slug, fetched once per seed run."""

    def __init__(self):
        self.hardware = {h.slug: h for h in Hardware.objects.all()}
        self.models = {m.slug: m for m in Model.objects.all()}
        self.runtimes = {r.slug: r for r in Runtime.objects.all()}
        self.quants = {q.name: q for q in QuantFormat.objects.all()}
        self.authors = {a.slug: a for a in Author.objects.all()}


def load_authors(report, data_dir=DATA_DIR):
    for entry in read_entries(data_dir / "authors.json"):
        values = {
            "name": entry.text("name"),
            "bio": entry.text("bio"),
            "expertise": entry.text("expertise", required=False),
        }
        save_by_key(entry, Author, {"slug": entry.text("slug")}, values, report, "authors")


def set_many(instance, field, rows):
    manager = getattr(instance, field)
    if {row.pk for row in manager.all()} != {row.pk for row in rows}:
        manager.set(rows)


def load_errors(report, data_dir=DATA_DIR):
    catalog = Catalog()
    systems = set(OperatingSystem.values)
    for entry in read_entries(data_dir / "errors.json"):
        oses = entry.strings("oses")
        if set(oses) - systems:
            entry.fail(f"unknown OS in 'oses': {sorted(set(oses) - systems)}")
        values = {
            "title": entry.text("title"),
            "message": entry.text("message"),
            "operating_systems": oses,
            "symptoms": entry.text("symptoms"),
            "causes": entry.strings("causes", required=True),
            "fixes": entry.strings("fixes", required=True),
            "confirm": entry.text("confirm"),
            **entry.review(catalog.authors),
        }
        error = save_by_key(
            entry, ErrorEntry, {"slug": entry.text("slug")}, values, report, "errors"
        )
        set_many(error, "runtimes", entry.pick("runtimes", catalog.runtimes, "runtime"))
        set_many(error, "related_tools", entry.pick("related_tools", catalog.runtimes, "runtime"))


def load_articles(kind, filename):
    def loader(report, data_dir=DATA_DIR):
        catalog = Catalog()
        path = data_dir / filename
        for entry in read_entries(path):
            values = {
                "title": entry.text("title"),
                "summary": entry.text("summary", required=False),
                "body": entry.text("body"),
                "reviewer": entry.lookup("reviewer", catalog.authors, "author"),
                "reviewed_on": entry.date("reviewed"),
                "sources": entry.strings("sources"),
            }
            lookup = {"kind": kind, "slug": entry.text("slug")}
            save_by_key(entry, Article, lookup, values, report, f"{kind} articles")

    loader.__name__ = f"load_{kind}_articles"
    return loader


def load_guides(report, data_dir=DATA_DIR):
    catalog = Catalog()
    for entry in read_entries(data_dir / "buyer_guides.json"):
        values = {
            "title": entry.text("title"),
            "summary": entry.text("summary", required=False),
            "intro": entry.text("intro"),
            "body": entry.text("body", required=False),
            "quant": entry.lookup("quant", catalog.quants, "quant format"),
            **entry.review(catalog.authors),
        }
        guide = save_by_key(
            entry, BuyerGuide, {"slug": entry.text("slug")}, values, report, "buyer guides"
        )
        set_many(guide, "reference_models", entry.pick("reference_models", catalog.models, "model"))
        picks = entry.data.get("picks") or []
        if not picks:
            entry.fail("a buyer guide needs 'picks'")
        for order, pick in enumerate(picks):
            if pick.get("hardware") not in catalog.hardware:
                entry.fail(f"unknown hardware {pick.get('hardware')!r} in 'picks'")
            save_by_key(
                entry,
                GuidePick,
                {"guide": guide, "hardware": catalog.hardware[pick["hardware"]]},
                {
                    "label": pick.get("label", ""),
                    "verdict": pick.get("verdict", ""),
                    "order": order,
                },
                report,
                "guide picks",
            )


def load_pulse(report, data_dir=DATA_DIR):
    catalog = Catalog()
    kinds = set(PulseEntry.Kind.values)
    for entry in read_entries(data_dir / "pulse.json"):
        kind = entry.text("kind")
        if kind not in kinds:
            entry.fail(f"'kind' must be one of {sorted(kinds)}")
        values = {
            "title": entry.text("title"),
            "date": entry.date("date"),
            "kind": kind,
            "summary": entry.text("summary"),
            **entry.review(catalog.authors),
        }
        save_by_key(entry, PulseEntry, {"slug": entry.text("slug")}, values, report, "pulse")


def load_quick_answers(report, data_dir=DATA_DIR):
    catalog = Catalog()
    for entry in read_entries(data_dir / "quick_answers.json"):
        values = {
            "question": entry.text("question"),
            "answer": entry.text("answer"),
            **entry.review(catalog.authors),
        }
        answer = save_by_key(
            entry, QuickAnswer, {"slug": entry.text("slug")}, values, report, "quick answers"
        )
        set_many(answer, "hardware", entry.pick("hardware", catalog.hardware, "hardware"))
        set_many(answer, "about_models", entry.pick("models", catalog.models, "model"))


def load_prompting_kits(report, data_dir=DATA_DIR):
    catalog = Catalog()
    for entry in read_entries(data_dir / "prompting_kits.json"):
        temperature = entry.number("temperature")
        if not 0 <= temperature <= 2:
            entry.fail("'temperature' must be between 0 and 2")
        values = {
            "title": entry.text("title"),
            "task": entry.text("task"),
            "description": entry.text("description"),
            "prompt_template": entry.text("prompt_template"),
            "system_prompt": entry.text("system_prompt", required=False),
            "temperature": temperature,
            "top_p": entry.number("top_p", required=False),
            "context_tokens": int(entry.number("context_tokens")),
            "notes": entry.text("notes", required=False),
            **entry.review(catalog.authors),
        }
        kit = save_by_key(
            entry, PromptingKit, {"slug": entry.text("slug")}, values, report, "prompting kits"
        )
        set_many(kit, "suited_models", entry.pick("suited_models", catalog.models, "model"))


LOADERS = [
    load_authors,
    load_errors,
    load_articles(Article.Kind.LEARN, "learn.json"),
    load_articles(Article.Kind.PAGE, "pages.json"),
    load_guides,
    load_pulse,
    load_quick_answers,
    load_prompting_kits,
]
