"""Load glossary terms (glossary/data/terms_*.json), then link terms with errors, guides,
learn articles and quick answers named on either side."""

from collections import defaultdict
from pathlib import Path

from core.seeding import SeedError, save_by_key
from editorial import loaders as editorial_loaders
from editorial.loaders import Catalog, read_entries, set_many
from editorial.models import Article, BuyerGuide, ErrorEntry, QuickAnswer
from glossary.models import Category, Term

DATA_DIR = Path(__file__).resolve().parent / "data"


def term_files(data_dir):
    files = sorted(Path(data_dir).glob("terms_*.json"))
    if not files:
        raise FileNotFoundError(2, "no terms_*.json files", str(Path(data_dir) / "terms_*.json"))
    return files


def load_terms(report, data_dir=DATA_DIR):
    catalog = Catalog()
    categories = set(Category.values)
    seen = set()
    for path in term_files(data_dir):
        for entry in read_entries(path):
            slug = entry.text("slug")
            if slug in seen:
                entry.fail("slug already used in another terms file")
            seen.add(slug)
            category = entry.text("category")
            if category not in categories:
                entry.fail(f"'category' must be one of {sorted(categories)}")
            values = {
                "name": entry.text("name"),
                "abbreviation": entry.text("abbreviation", required=False),
                "category": category,
                "definition": entry.text("definition"),
                "deeper_dive": entry.text("deeper_dive"),
                "practical_example": entry.text("practical_example"),
                "workflow_example": entry.text("workflow_example"),
                **entry.review(catalog.authors),
            }
            save_by_key(entry, Term, {"slug": slug}, values, report, "glossary terms")


def link_terms(report, data_dir=DATA_DIR, editorial_dir=None):
    """Resolve every cross-reference once all terms exist; unknown slugs stop the seed."""
    editorial_dir = Path(editorial_dir or editorial_loaders.DATA_DIR)
    terms = {term.slug: term for term in Term.objects.all()}
    errors = {error.slug: error for error in ErrorEntry.objects.all()}
    guides = {guide.slug: guide for guide in BuyerGuide.objects.all()}

    error_terms = defaultdict(set)
    guide_terms = defaultdict(set)
    for path in term_files(data_dir):
        for entry in read_entries(path):
            term = terms[entry.text("slug")]
            set_many(term, "related_terms", entry.pick("related_terms", terms, "glossary term"))
            for error in entry.pick("related_errors", errors, "error entry"):
                error_terms[error.slug].add(term)
            for guide in entry.pick("related_guides", guides, "buyer guide"):
                guide_terms[guide.slug].add(term)

    for entry in read_entries(editorial_dir / "errors.json"):
        error_terms[entry.text("slug")].update(entry.pick("related_terms", terms, "glossary term"))
    for slug, error in errors.items():
        set_many(error, "related_terms", list(error_terms[slug]))
    for slug, guide in guides.items():
        set_many(guide, "related_terms", list(guide_terms[slug]))

    linked = [
        (Article.objects.filter(kind=Article.Kind.LEARN), "learn.json"),
        (QuickAnswer.objects.all(), "quick_answers.json"),
    ]
    for queryset, filename in linked:
        rows = {row.slug: row for row in queryset}
        for entry in read_entries(editorial_dir / filename):
            row = rows.get(entry.text("slug"))
            if row is None:
                raise SeedError(editorial_dir / filename, entry.line, "entry was not loaded")
            set_many(row, "related_terms", entry.pick("related_terms", terms, "glossary term"))


LOADERS = [load_terms, link_terms]
