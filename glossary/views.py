from urllib.parse import quote

from django.shortcuts import get_object_or_404, render

from core import structured_data
from core.caching import cache_public_page
from core.partials import partial_or_page
from core.structured_data import page_context
from core.workflow import visible_to
from editorial.shortcodes import References, render_content
from glossary.models import Category, Term

SECTIONS = ["definition", "deeper_dive", "practical_example", "workflow_example"]


@cache_public_page
def term_list(request):
    terms = Term.objects.published().only("slug", "name", "abbreviation", "category", "definition")
    notices = []
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:100]
    if category and category not in Category.values:
        notices.append(f"Unknown category “{category}” was ignored.")
        category = ""
    if category:
        terms = terms.filter(category=category)
    if query:
        terms = [t for t in terms if query.lower() in f"{t.name} {t.abbreviation}".lower()]
    letters = {}
    for term in terms:
        letters.setdefault(term.initial, []).append(term)
    context = {
        "letters": sorted(letters.items()),
        "categories": Category.choices,
        "selected_category": category,
        "query": query,
        "notices": notices,
        "count": sum(len(group) for group in letters.values()),
        **page_context([("Glossary", "/glossary/")]),
    }
    template = partial_or_page(request, "glossary/term_list.html", target="term-results")
    return render(request, template, context)


@cache_public_page
def term_detail(request, slug):
    term = get_object_or_404(
        visible_to(request, Term.objects.all())
        .select_related("reviewer")
        .prefetch_related("related_terms", "related_errors", "related_guides"),
        slug=slug,
    )
    refs = References()
    sections = {name: render_content(getattr(term, name), refs) for name in SECTIONS}
    crumbs = [
        ("Glossary", "/glossary/"),
        (term.category, f"/glossary/?category={quote(term.category)}"),
        (term.display_name, term.get_absolute_url()),
    ]
    context = {
        "term": term,
        "shown_item": term,
        "sections": sections,
        "guides": list(term.related_guides.all()),
        "errors": list(term.related_errors.all()),
        "related_terms": list(term.related_terms.all()),
        **page_context(crumbs, structured_data.defined_term(term)),
    }
    return render(request, "glossary/term_detail.html", context)
