from collections import OrderedDict

from django.shortcuts import get_object_or_404, render

from catalog.models import OperatingSystem, Runtime
from core import structured_data
from core.caching import cache_public_page
from core.structured_data import page_context
from core.workflow import visible_to
from editorial.contact import ContactForm, within_rate_limit
from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    Correction,
    ErrorEntry,
    PromptingKit,
    PulseEntry,
    QuickAnswer,
)
from editorial.reading import reading_minutes
from editorial.shortcodes import References, render_content
from glossary.models import Term

PAGE_SLUGS = [
    "about",
    "how-we-make-money",
    "editorial-policy",
    "trust",
    "privacy",
    "terms",
    "affiliate-disclosure",
]


def _published(model):
    return model.objects.published().select_related("reviewer")


def _visible(request, model):
    """For detail pages: published items, or any status for staff previewing a draft."""
    return visible_to(request, model.objects.select_related("reviewer"))


@cache_public_page
def error_list(request):
    errors = _published(ErrorEntry).prefetch_related("runtimes")
    runtimes = Runtime.objects.published().filter(errors__isnull=False).distinct()
    notices = []
    runtime = request.GET.get("runtime", "")
    system = request.GET.get("os", "")
    if runtime:
        if runtimes.filter(slug=runtime).exists():
            errors = errors.filter(runtimes__slug=runtime)
        else:
            notices.append(f"Unknown runtime “{runtime}” was ignored.")
            runtime = ""
    if system:
        if system in OperatingSystem.values:
            errors = [e for e in errors if system in e.operating_systems]
        else:
            notices.append(f"Unknown operating system “{system}” was ignored.")
            system = ""
    context = {
        "errors": errors,
        "runtimes": runtimes,
        "systems": OperatingSystem.choices,
        "selected_runtime": runtime,
        "selected_os": system,
        "notices": notices,
        **page_context([("Errors KB", "/errors/")]),
    }
    return render(request, "editorial/error_list.html", context)


@cache_public_page
def error_detail(request, slug):
    error = get_object_or_404(
        _visible(request, ErrorEntry).prefetch_related(
            "runtimes", "related_tools", "related_terms"
        ),
        slug=slug,
    )
    refs = References()
    context = {
        "error": error,
        "shown_item": error,
        "symptoms": render_content(error.symptoms, refs),
        "causes": [render_content(cause, refs) for cause in error.causes],
        "fixes": [render_content(step, refs) for step in error.fixes],
        "confirm": render_content(error.confirm, refs),
        **page_context(
            [("Errors KB", "/errors/"), (error.title, error.get_absolute_url())],
            structured_data.article(error, error.title, error.message_lines[0]),
        ),
    }
    return render(request, "editorial/error_detail.html", context)


@cache_public_page
def learn_list(request):
    articles = _published(Article).filter(kind=Article.Kind.LEARN)
    context = {"articles": articles, **page_context([("Learn", "/learn/")])}
    return render(request, "editorial/learn_list.html", context)


@cache_public_page
def learn_detail(request, slug):
    article = get_object_or_404(
        _visible(request, Article)
        .filter(kind=Article.Kind.LEARN)
        .prefetch_related("related_terms"),
        slug=slug,
    )
    body = render_content(article.body)
    context = {
        "article": article,
        "shown_item": article,
        "body": body,
        "minutes": reading_minutes(article.body),
        **page_context(
            [("Learn", "/learn/"), (article.title, article.get_absolute_url())],
            structured_data.article(article, article.title, article.summary),
        ),
    }
    return render(request, "editorial/learn_detail.html", context)


@cache_public_page
def page(request, slug):
    article = get_object_or_404(
        _visible(request, Article).filter(kind=Article.Kind.PAGE), slug=slug
    )
    context = {
        "article": article,
        "shown_item": article,
        "body": render_content(article.body),
        **page_context([(article.title, article.get_absolute_url())]),
    }
    if slug == "trust":
        context["corrections"] = Correction.objects.prefetch_related("changed_row")[:100]
    return render(request, "editorial/page.html", context)


@cache_public_page
def pulse_list(request, year=None, month=None):
    entries = _published(PulseEntry)
    if year and month:
        entries = entries.filter(date__year=year, date__month=month)
    months = OrderedDict()
    for day in _published(PulseEntry).values_list("date", flat=True):
        months.setdefault((day.year, day.month), day)
    refs = References()
    rendered = [(entry, render_content(entry.summary, refs)) for entry in entries]
    context = {
        "entries": rendered,
        "months": list(months.values()),
        "archive_month": entries[0].date if (year and month and rendered) else None,
        "year": year,
        "month": month,
        **page_context([("Pulse", "/pulse/")]),
    }
    status = 404 if (year and month and not rendered) else 200
    return render(request, "editorial/pulse_list.html", context, status=status)


@cache_public_page
def pulse_detail(request, slug):
    entry = get_object_or_404(_visible(request, PulseEntry), slug=slug)
    context = {
        "entry": entry,
        "shown_item": entry,
        "summary": render_content(entry.summary),
        **page_context(
            [("Pulse", "/pulse/"), (entry.title, entry.get_absolute_url())],
            structured_data.article(entry, entry.title),
        ),
    }
    return render(request, "editorial/pulse_detail.html", context)


@cache_public_page
def quick_answer_list(request):
    answers = _published(QuickAnswer)
    context = {"answers": answers, **page_context([("Quick answers", "/quick-answers/")])}
    return render(request, "editorial/quick_answer_list.html", context)


@cache_public_page
def quick_answer_detail(request, slug):
    answer = get_object_or_404(
        _visible(request, QuickAnswer).prefetch_related(
            "hardware", "about_models", "related_terms"
        ),
        slug=slug,
    )
    body = render_content(answer.answer)
    crumbs = [("Quick answers", "/quick-answers/"), (answer.question, answer.get_absolute_url())]
    context = {
        "answer": answer,
        "shown_item": answer,
        "body": body,
        **page_context(crumbs, structured_data.faq_page(answer.question, body.html)),
    }
    return render(request, "editorial/quick_answer_detail.html", context)


@cache_public_page
def prompting_kit_list(request):
    kits = _published(PromptingKit).prefetch_related("suited_models")
    context = {"kits": kits, **page_context([("Prompting kits", "/prompting-kits/")])}
    return render(request, "editorial/prompting_kit_list.html", context)


@cache_public_page
def prompting_kit_detail(request, slug):
    kit = get_object_or_404(
        _visible(request, PromptingKit).prefetch_related("suited_models"), slug=slug
    )
    context = {
        "kit": kit,
        "shown_item": kit,
        "description": render_content(kit.description),
        "notes": render_content(kit.notes),
        **page_context(
            [("Prompting kits", "/prompting-kits/"), (kit.title, kit.get_absolute_url())]
        ),
    }
    return render(request, "editorial/prompting_kit_detail.html", context)


@cache_public_page
def author_list(request):
    context = {"authors": Author.objects.all(), **page_context([("Authors", "/authors/")])}
    return render(request, "editorial/author_list.html", context)


@cache_public_page
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    reviewed = {
        "Buyer guides": BuyerGuide.objects.published().filter(reviewer=author),
        "Learn guides": Article.objects.published().filter(
            reviewer=author, kind=Article.Kind.LEARN
        ),
        "Errors": ErrorEntry.objects.published().filter(reviewer=author),
        "Quick answers": QuickAnswer.objects.published().filter(reviewer=author),
        "Prompting kits": PromptingKit.objects.published().filter(reviewer=author),
        "Pulse": PulseEntry.objects.published().filter(reviewer=author),
    }
    reviewed["Glossary terms"] = Term.objects.published().filter(reviewer=author)
    context = {
        "author": author,
        "reviewed": reviewed,
        **page_context([("Authors", "/authors/"), (author.name, author.get_absolute_url())]),
    }
    return render(request, "editorial/author_detail.html", context)


@cache_public_page
def start(request):
    runtimes = {
        r.slug: r
        for r in Runtime.objects.published().filter(
            slug__in=["ollama", "lm-studio", "llama-cpp", "mlx-lm"]
        )
    }
    guides = Article.objects.published().filter(
        kind=Article.Kind.LEARN,
        slug__in=["first-model-windows", "first-model-macos", "first-model-linux"],
    )
    return render(
        request,
        "editorial/start.html",
        {
            "runtimes": runtimes,
            "guides": {g.slug.replace("-", "_"): g for g in guides},
            **page_context([("Start", "/start/")]),
        },
    )


@cache_public_page
def html_sitemap(request):
    sections = [
        ("Buyer guides", BuyerGuide.objects.published().only("slug", "title")),
        (
            "Learn",
            Article.objects.published()
            .filter(kind=Article.Kind.LEARN)
            .only("slug", "title", "kind"),
        ),
        ("Errors KB", ErrorEntry.objects.published().only("slug", "title")),
        ("Quick answers", QuickAnswer.objects.published().only("slug", "question")),
        ("Prompting kits", PromptingKit.objects.published().only("slug", "title")),
        ("Glossary", Term.objects.published().only("slug", "name", "abbreviation")),
        (
            "Pages",
            Article.objects.published()
            .filter(kind=Article.Kind.PAGE)
            .only("slug", "title", "kind"),
        ),
    ]
    context = {"sections": sections, **page_context([("Sitemap", "/sitemap/")])}
    return render(request, "editorial/sitemap.html", context)


def contact(request):
    intro = Article.objects.published().filter(kind=Article.Kind.PAGE, slug="contact").first()
    context = {
        "intro": render_content(intro.body) if intro else None,
        "sent": False,
        **page_context([("Contact", "/contact/")]),
    }
    status = 200
    form = ContactForm()
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_bot:
            # Bots get the same thank-you page and nothing is stored.
            context["sent"] = True
        elif not form.is_valid():
            status = 400
        elif not within_rate_limit(request, form.cleaned_data["email"]):
            form.add_error(
                None, "You have sent several messages in the last hour. Please try again later."
            )
            status = 429
        else:
            form.save()
            context["sent"] = True
    context["form"] = form
    return render(request, "editorial/contact.html", context, status=status)
