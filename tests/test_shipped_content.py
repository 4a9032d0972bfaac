"""The content the seed ships: enough of it, every page renders, every catalog shortcode
resolves to a current value."""

import pytest

from benchmarks.estimator_accuracy import load_catalog
from catalog.models import Model, Runtime
from core.workflow import Publishable
from editorial.models import (
    Article,
    Author,
    BuyerGuide,
    ErrorEntry,
    PromptingKit,
    PulseEntry,
    QuickAnswer,
)
from editorial.shortcodes import MISSING, SHORTCODE, References, expand
from estimator import bridge, fit_calibration
from estimator.tool_forms import PRESETS
from glossary.models import Term

pytestmark = pytest.mark.django_db

MINIMUMS = [
    (Term, 120),
    (ErrorEntry, 40),
    (PulseEntry, 20),
    (QuickAnswer, 30),
    (PromptingKit, 8),
    (BuyerGuide, 5),
    (Author, 2),
]


@pytest.mark.parametrize("model,minimum", MINIMUMS)
def test_the_seed_ships_enough_content(model, minimum):
    rows = model.objects.published() if issubclass(model, Publishable) else model.objects.all()
    assert rows.count() >= minimum


def test_learn_guides_and_pages_ship():
    assert Article.objects.filter(kind="learn").count() >= 12
    pages = set(Article.objects.filter(kind="page").values_list("slug", flat=True))
    assert {"about", "how-we-make-money", "editorial-policy", "trust", "privacy", "terms"} <= pages


def content_texts():
    for term in Term.objects.all():
        yield (
            term.get_absolute_url(),
            [term.definition, term.deeper_dive, term.practical_example, term.workflow_example],
        )
    for error in ErrorEntry.objects.all():
        yield error.get_absolute_url(), [error.symptoms, error.confirm, *error.causes, *error.fixes]
    for article in Article.objects.all():
        yield article.get_absolute_url(), [article.body]
    for entry in PulseEntry.objects.all():
        yield entry.get_absolute_url(), [entry.summary]
    for answer in QuickAnswer.objects.all():
        yield answer.get_absolute_url(), [answer.answer]
    for kit in PromptingKit.objects.all():
        yield kit.get_absolute_url(), [kit.description, kit.notes]
    for guide in BuyerGuide.objects.all():
        yield guide.get_absolute_url(), [guide.intro, guide.body]


def test_every_catalog_shortcode_in_shipped_content_resolves():
    unresolved = {}
    for url, texts in content_texts():
        refs = References()
        for text in texts:
            for match in SHORTCODE.finditer(text or ""):
                if expand(match.group(0), refs) == MISSING:
                    unresolved.setdefault(url, []).append(match.group(0))
    assert not unresolved, unresolved


def test_every_shipped_content_page_renders(client):
    failures = [url for url, _texts in content_texts() if client.get(url).status_code != 200]
    assert not failures, failures


@pytest.mark.parametrize(
    "pasted, entry",
    [
        (
            "Error: listen tcp 127.0.0.1:11434: bind: address already in use",
            "Ollama: bind: address already in use (port 11434)",
        ),
        (
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a "
            "total capacity of 23.64 GiB of which 1.2 GiB is free",
            "CUDA out of memory",
        ),
        (
            "ggml_cuda_init: failed to initialize CUDA: no CUDA-capable device is detected",
            "ggml_cuda_init: failed to initialize CUDA",
        ),
    ],
)
def test_a_pasted_shipped_error_finds_its_entry_first(client, pasted, entry):
    import re

    html = client.get("/search/", {"q": pasted}).content.decode()
    titles = re.findall(
        r'<li><a href="[^"]+">([^<]+)</a>',
        "".join(re.findall(r'<ul class="search-results">(.*?)</ul>', html, re.S)),
    )
    assert titles and titles[0] == entry, titles
    assert len(titles) <= 5, titles


def test_every_shipped_catalog_detail_page_renders(client):
    from catalog.models import Hardware, Model, Runtime

    rows = [*Hardware.objects.all(), *Model.objects.all(), *Runtime.objects.all()]
    assert len(rows) > 100
    failures = [row.get_absolute_url() for row in rows]
    failures = [url for url in failures if client.get(url).status_code != 200]
    assert not failures, failures


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_use_case_preset_names_shipped_models_and_ranks_with_them(client, preset):
    """Choose my GPU's presets name catalog slugs: a renamed or removed model would empty one."""
    _label, slugs = PRESETS[preset]
    assert set(slugs) <= set(Model.objects.published().values_list("slug", flat=True))
    response = client.get("/choose-my-gpu/", {"budget": 3000, "preset": preset})
    assert response.status_code == 200
    choice = response.context["choice"]
    options = [*choice.shown, *choice.over_budget]
    assert options and {run.model.slug for o in options for run in o.runs} == set(slugs)


def test_every_tool_has_a_sourced_route_for_each_os_it_supports():
    for runtime in Runtime.objects.published().prefetch_related("installs"):
        for _os, label, routes in runtime.installs_by_os():
            assert routes, f"{runtime.slug} has no {label} install route"
            assert all(r.source_url.startswith("https://") for r in routes)
            assert all(r.install_command or r.download_url for r in routes)


@pytest.mark.django_db
def test_the_seeded_calibration_is_the_one_the_accuracy_script_fits():
    """`manage.py calibrate` reads the benchmarks from the database and the accuracy script from
    the CSVs; both must see the same runs the same way (backend, build era, dies, memory)."""
    stored, run = bridge.current_calibration()
    assert run is not None
    from_csv = fit_calibration(load_catalog().measurements)
    assert [g.key for g in stored.groups] == [g.key for g in from_csv.groups]
    for ours, theirs in zip(stored.groups, from_csv.groups, strict=True):
        assert ours.measurements == theirs.measurements
        if theirs.decode:
            assert ours.decode.bandwidth_efficiency == pytest.approx(
                theirs.decode.bandwidth_efficiency, rel=1e-6
            )
            assert ours.decode.legacy_layer_overhead_s == pytest.approx(
                theirs.decode.legacy_layer_overhead_s, rel=1e-6, abs=1e-12
            )
        assert ours.prefill.legacy_slowdown == pytest.approx(
            theirs.prefill.legacy_slowdown, rel=1e-6, abs=1e-12
        )
    assert stored.die_ratios.keys() == from_csv.die_ratios.keys() == {"apple_silicon"}
    assert stored.die_ratios["apple_silicon"] == pytest.approx(
        from_csv.die_ratios["apple_silicon"], rel=1e-6
    )
