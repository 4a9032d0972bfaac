"""No page is wider than the screen: one page of every page type at phone and tablet widths.

A page that scrolls sideways on a phone hides the end of every line. Tables may scroll inside
their own region (.table-wrap), so only the document's own scroll width counts; the failure
names the elements that stick out. Charts must stay readable where they are drawn.
"""

import pytest

from catalog.models import Benchmark, Hardware, Model, Runtime
from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    ErrorEntry,
    PromptingKit,
    PulseEntry,
    QuickAnswer,
)
from glossary.models import Term

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (320, 390, 768)
# Chart text is drawn at 12 user units; below this many CSS pixels it cannot be read.
MIN_CHART_TEXT_PX = 9

STATIC_PATHS = [
    "/",
    "/models/",
    "/hardware/",
    "/tools/",
    "/benchmarks/",
    "/benchmarks/submit/",
    "/will-it-run/",
    "/will-it-run/?hardware=rtx-4090&model=llama-3.1-8b",
    "/will-it-run/?hardware=apple-m2-16gb&model=llama-3.1-8b&runtime=ollama",
    "/will-it-run/?hardware=rtx-4090",
    "/will-it-run/?model=llama-3.1-8b",
    "/best-gpu/",
    "/choose-my-gpu/",
    "/choose-my-gpu/?budget=1000&preset=coding-32b",
    "/cost-vs-cloud/",
    "/cost-vs-cloud/?model=llama-3.1-8b&hardware=rtx-4090&hours_per_day=4",
    "/compare/",
    "/compare/?hw=rtx-4090&hw=rtx-3090&hw=apple-m4-max-40c-64gb",
    "/search/?q=out+of+memory",
    "/glossary/",
    "/errors/",
    "/guides/",
    "/learn/",
    "/start/",
    "/pulse/",
    "/quick-answers/",
    "/prompting-kits/",
    "/authors/",
    "/newsletter/",
    "/newsletter/archive/",
    "/contact/",
    "/methodology/",
    "/about/",
    "/sitemap/",
    "/no-such-page/",
]


def _longest(queryset, field):
    """The published item with the longest `field`: the one most likely to overflow."""
    items = list(queryset.published())
    return max(items, key=lambda item: len(getattr(item, field)), default=None)


def detail_paths():
    """One detail page of each type, the longest-named one."""
    items = [
        _longest(Hardware.objects, "name"),
        _longest(Model.objects, "name"),
        _longest(Runtime.objects, "name"),
        _longest(Term.objects, "name"),
        _longest(ErrorEntry.objects, "title"),
        _longest(Article.objects, "title"),
        _longest(BuyerGuide.objects, "title"),
        _longest(PulseEntry.objects, "title"),
        _longest(QuickAnswer.objects, "slug"),
        _longest(PromptingKit.objects, "title"),
    ]
    paths = [item.get_absolute_url() for item in items if item is not None]
    # The hardware page with the most measurements has the widest table and chart.
    busiest = Benchmark.objects.published().values_list("hardware__slug", flat=True)
    if busiest:
        slug = max(set(busiest), key=list(busiest).count)
        paths.append(f"/hardware/{slug}/")
    author = Author.objects.first()
    if author is not None:
        paths.append(author.get_absolute_url())
    return paths


# Elements that stick out past the viewport's right edge, outermost first; those inside a
# region that scrolls or clips on its own are fine.
OVERFLOW_JS = """
() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const clips = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit || clips(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > limit
        && !clips(parent)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.classList.length ? '.' + [...el.classList].join('.') : '');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    found.push(`${name} reaches ${Math.round(box.right)}px ("${text}")`);
    if (found.length >= 5) break;
  }
  return {width: document.scrollingElement.scrollWidth, offenders: found};
}
"""

# The rendered size of chart text: 12 user units scaled by the drawn width over the viewBox
# (charts hidden at this width, such as the wide layout on a phone, are skipped).
CHART_TEXT_JS = """
() => [...document.querySelectorAll('svg.chart')]
  .filter(svg => svg.viewBox.baseVal.width && svg.getBoundingClientRect().width)
  .map(svg => ({
    title: (svg.querySelector('title') || {}).textContent || '',
    px: 12 * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
  }))
"""


def measure(page, base_url, paths, widths=WIDTHS):
    """{(path, width): (scroll width, offenders, small charts)} for every page and width."""
    results = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(base_url + path, wait_until="load")
            found = page.evaluate(OVERFLOW_JS)
            small = [
                f"{chart['title']!r} text at {chart['px']:.1f}px"
                for chart in page.evaluate(CHART_TEXT_JS)
                if chart["px"] < MIN_CHART_TEXT_PX
            ]
            results[(path, width)] = (found["width"], found["offenders"], small)
    return results


def test_no_page_type_is_wider_than_a_phone_or_tablet_screen(site, browser):
    paths = STATIC_PATHS + detail_paths()
    assert len(paths) > len(STATIC_PATHS) + 8, "the seeded site lacks detail pages to check"
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    failures = []
    for (path, width), (scroll_width, offenders, small) in measure(page, site, paths).items():
        if scroll_width > width:
            failures.append(
                f"{path} at {width}px is {scroll_width}px wide: "
                + "; ".join(offenders or ["no single element found"])
            )
        if small:
            failures.append(f"{path} at {width}px: chart text too small: " + "; ".join(small))
    context.close()
    assert not failures, "\n".join(failures)
