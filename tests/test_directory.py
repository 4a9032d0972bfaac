import csv
import datetime
import io
import re

import pytest

from catalog.models import Benchmark
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory, QuantFormatFactory

pytestmark = pytest.mark.django_db


def names_in_results(html):
    results = html.split('id="results"', 1)[1]
    return re.findall(r'<td><a href="/(?:hardware|models)/[^"]+/">([^<]+)</a></td>', results)


@pytest.fixture
def boards():
    """Four boards of one test vendor: the filters below are scoped to it."""
    rows = {
        "small": HardwareFactory(name="Dir Small 8GB", memory_gb=8, bandwidth_gb_s=300,
                                 launch_msrp_usd=250),
        "mid": HardwareFactory(name="Dir Mid 24GB", memory_gb=24, bandwidth_gb_s=900,
                               launch_msrp_usd=1800),
        "big": HardwareFactory(name="Dir Big 48GB", memory_gb=48, bandwidth_gb_s=800,
                               launch_msrp_usd=2400),
        "dc": HardwareFactory(name="Dir DC 192GB", kind="datacenter_gpu", memory_gb=192,
                              bandwidth_gb_s=5300, launch_msrp_usd=15000),
    }  # fmt: skip
    return rows


def test_hardware_filters_by_vendor_kind_memory_and_price(client, boards):
    query = {"vendor": "test-vendor", "kind": "discrete_gpu", "min_memory": "20"}
    names = names_in_results(client.get("/hardware/", query).content.decode())
    assert sorted(names) == ["Dir Big 48GB", "Dir Mid 24GB"]
    query = {"vendor": "test-vendor", "max_price": "300"}
    assert names_in_results(client.get("/hardware/", query).content.decode()) == ["Dir Small 8GB"]


def test_hardware_sort_by_memory_then_bandwidth(client, boards):
    by_memory = {"vendor": "test-vendor", "sort": "memory"}
    names = names_in_results(client.get("/hardware/", by_memory).content.decode())
    assert names == ["Dir DC 192GB", "Dir Big 48GB", "Dir Mid 24GB", "Dir Small 8GB"]
    by_bandwidth = {"vendor": "test-vendor", "sort": "bandwidth"}
    names = names_in_results(client.get("/hardware/", by_bandwidth).content.decode())
    assert names == ["Dir DC 192GB", "Dir Mid 24GB", "Dir Big 48GB", "Dir Small 8GB"]


def test_hardware_sort_by_price_per_gb(client, boards):
    query = {"vendor": "test-vendor", "kind": "discrete_gpu", "sort": "price_per_gb"}
    names = names_in_results(client.get("/hardware/", query).content.decode())
    # $/GB: big 50, mid 75, small 31.25
    assert names == ["Dir Small 8GB", "Dir Big 48GB", "Dir Mid 24GB"]


def test_hardware_runs_model_filter_and_speed_sort_use_the_estimator(client, boards):
    ModelFactory(slug="dir-70b", params_b=70.6, layers=80, hidden_size=8192, attention_heads=64)
    QuantFormatFactory(name="Q4_K_M")
    query = {"vendor": "test-vendor", "runs_model": "dir-70b", "runs_quant": "Q4_K_M"}
    html = client.get("/hardware/", {**query, "sort": "speed"}).content.decode()
    names = names_in_results(html)
    # About 40 GB of weights: not on 8 or 24 GB; the 192 GB board is the fastest.
    assert names == ["Dir DC 192GB", "Dir Big 48GB"]
    speeds = [
        float(v)
        for v in re.findall(r'<data class="speed" value="([\d.]+)" data-basis="estimated"', html)
    ]
    assert len(speeds) == 2 and speeds[0] > speeds[1]


def test_bad_filter_values_are_ignored_with_a_note(client, boards):
    response = client.get("/hardware/", {"min_memory": "lots", "vendor": "nobody", "sort": "zzz"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Ignored the") == 3
    assert "Dir DC 192GB" in names_in_results(
        client.get("/hardware/", {"min_memory": "lots", "kind": "datacenter_gpu",
                                  "sort": "memory"}).content.decode()
    )  # fmt: skip


def test_empty_results_suggest_removing_a_filter(client):
    html = client.get("/hardware/", {"min_memory": "5000"}).content.decode()
    assert "No hardware matches these filters" in html


def test_hardware_htmx_returns_the_results_partial(client, boards):
    response = client.get(
        "/hardware/",
        {"vendor": "test-vendor"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<form" not in html
    assert "Dir Mid 24GB" in html


def test_model_filters_and_sorts(client):
    ModelFactory(name="Dir MoE 600B", params_b=600, active_params_b=30, architecture="moe")
    ModelFactory(name="Dir MoE 100B", params_b=100, active_params_b=10, architecture="moe")
    ModelFactory(name="Dir Dense 8B", params_b=8, release_date=datetime.date(2030, 1, 1))
    ModelFactory(name="Dir Tiny 0.5B", params_b=0.5)
    family = {"family": "test-family"}
    moe = names_in_results(
        client.get("/models/", {**family, "architecture": "moe", "sort": "size"}).content.decode()
    )
    assert moe == ["Dir MoE 600B", "Dir MoE 100B"]
    small = names_in_results(
        client.get("/models/", {**family, "size": "tiny", "modality": "text"}).content.decode()
    )
    assert small == ["Dir Tiny 0.5B"]
    newest = names_in_results(
        client.get("/models/", {**family, "sort": "release"}).content.decode()
    )
    assert newest[0] == "Dir Dense 8B"


def test_models_that_fit_on_a_12gb_card(client):
    HardwareFactory(slug="dir-12gb", memory_gb=12)
    QuantFormatFactory(name="Q4_K_M")
    ModelFactory(name="Dir Fits 8B", params_b=8)
    ModelFactory(name="Dir Too Big 70B", params_b=70.6, layers=80, hidden_size=8192)
    query = {"family": "test-family", "fits_on": "dir-12gb"}
    names = names_in_results(client.get("/models/", query).content.decode())
    assert names == ["Dir Fits 8B"]


def test_tools_filter_by_os_and_backend(client):
    html = client.get("/tools/", {"os": "macos", "backend": "metal"}).content.decode()
    assert "MLX / mlx-lm" in html and "vLLM" not in html.split('id="results"')[1]


def test_benchmark_filters_sort_csv_and_chart(client):
    card, q4 = HardwareFactory(slug="dir-bench"), QuantFormatFactory(name="Q4_K_M")
    for decode in (80.5, 120.25, None):
        BenchmarkFactory(hardware=card, quant=q4, decode_tok_s=decode)
    BenchmarkFactory(hardware=card, quant=QuantFormatFactory(name="Q8_0"))  # filtered out
    query = {"hardware": "dir-bench", "quant": "Q4_K_M", "sort": "decode"}
    html = client.get("/benchmarks/", query).content.decode()
    expected = list(
        Benchmark.objects.filter(hardware__slug="dir-bench", quant__name="Q4_K_M").order_by(
            "-decode_tok_s"
        )
    )
    assert len(expected) == 3
    assert f"{len(expected)} measurements" in html
    wide_chart = html.split("chart-wide", 1)[1].split("</svg>", 1)[0]
    assert wide_chart.count('<rect class="bar') == len([b for b in expected if b.decode_tok_s])
    response = client.get("/benchmarks/", {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(expected)
    assert [float(r["decode_tok_s"]) for r in rows if r["decode_tok_s"]] == [
        b.decode_tok_s for b in expected if b.decode_tok_s
    ]
    assert {r["hardware"] for r in rows} == {"dir-bench"}


def rows_in_csv(client, query):
    response = client.get("/benchmarks/", {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_benchmarks_filter_by_runtime_version_and_minimum_speeds(client):
    metal = "Metal, May 2024 build"
    html = client.get("/benchmarks/", {"runtime_version": metal}).content.decode()
    expected = Benchmark.objects.published().filter(runtime_version=metal)
    assert expected.exists()
    assert f"{expected.count()} measurements" in html
    assert f'<option value="{metal}" selected>' in html
    rows = rows_in_csv(client, {"runtime_version": metal})
    assert {r["runtime_version"] for r in rows} == {metal}
    assert {r["hardware"] for r in rows} == set(expected.values_list("hardware__slug", flat=True))

    rows = rows_in_csv(client, {"min_decode": "100", "min_prefill": "1000"})
    expected = Benchmark.objects.filter(decode_tok_s__gte=100, prefill_tok_s__gte=1000)
    assert len(rows) == expected.count()
    assert all(float(r["decode_tok_s"]) >= 100 and float(r["prefill_tok_s"]) >= 1000 for r in rows)


@pytest.fixture
def dated_benchmarks():
    """Two published measurements from a second source with dates, and one draft."""
    base = BenchmarkFactory(
        hardware=HardwareFactory(slug="dir-lab"), source_url="https://example.org/base"
    )
    Benchmark.objects.filter(pk=base.pk).delete()
    common = {
        "hardware": base.hardware,
        "model": base.model,
        "quant": base.quant,
        "runtime": base.runtime,
        "runtime_version": "b6000",
        "decode_tok_s": 99.5,
    }
    source = "https://example.org/our-lab/4090-runs"
    older = Benchmark.objects.create(
        **common, context_tokens=333, measured_on=datetime.date(2025, 3, 1), source_url=source
    )
    newer = Benchmark.objects.create(
        **common, context_tokens=777, measured_on=datetime.date(2026, 6, 1), source_url=source
    )
    Benchmark.objects.create(
        **common,
        context_tokens=999,
        measured_on=datetime.date(2026, 7, 1),
        source_url="https://example.org/unreviewed-draft",
        status=Benchmark.Status.IN_REVIEW,
    )
    return source, older, newer


def test_benchmarks_filter_by_date_and_source(client, dated_benchmarks):
    source, older, newer = dated_benchmarks
    page = client.get("/benchmarks/").content.decode()
    assert f'<option value="{source}">example.org/our-lab/4090-runs</option>' in page
    assert "unreviewed-draft" not in page  # a submission in review is not an option
    assert '<time datetime="2026-06-01">1 Jun 2026</time>' in page

    rows = rows_in_csv(client, {"source": source})
    assert sorted(int(r["context_tokens"]) for r in rows) == [333, 777]
    assert {r["source"] for r in rows} == {source}

    lab = {"hardware": "dir-lab"}
    rows = rows_in_csv(client, {**lab, "measured_from": "2026-01-01"})
    assert [(r["context_tokens"], r["measured_on"]) for r in rows] == [("777", "2026-06-01")]
    rows = rows_in_csv(client, {**lab, "measured_to": "2025-12-31"})
    assert [r["context_tokens"] for r in rows] == ["333"]
    rows = rows_in_csv(client, {"source": source, "sort": "date"})
    assert [r["measured_on"] for r in rows] == ["2026-06-01", "2025-03-01"]


def test_bad_benchmark_dates_are_ignored_with_a_note(client, dated_benchmarks):
    html = client.get("/benchmarks/", {"measured_from": "2026-13-45"}).content.decode()
    assert "Ignored the measured from filter" in html
    assert f"{Benchmark.objects.published().count()} measurements" in html
    reversed_range = {
        "hardware": "dir-lab",
        "measured_from": "2026-06-01",
        "measured_to": "2025-01-01",
    }
    response = client.get("/benchmarks/", reversed_range)
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Ignored the measured until filter: 2025-01-01 is before the start date 2026-06-01." in html
    )
    assert len(rows_in_csv(client, reversed_range)) == 1  # only the start date applies


def test_chart_has_one_labelled_bar_per_row():
    from core.charts import horizontal_bar_chart

    chart = horizontal_bar_chart(
        "T", "D", "tokens/s", [("A", 10, False), ("B", 120, True), ("C", None, False)]
    )
    assert [bar.label for bar in chart.bars] == ["A", "B"]
    assert chart.bars[1].width > chart.bars[0].width
    assert [label for _x, label in chart.ticks] == ["0", "50", "100", "150"]


def test_long_chart_labels_keep_the_parts_that_tell_bars_apart(client):
    from core.charts import fit_label

    label = "Apple M3 Max (16-core CPU / 40-core GPU) · Meta Llama 3 8B Q4_K_M · 4096"
    short = fit_label(label, 390)
    assert len(short) <= 390 // 7 and short.endswith(" · Meta Llama 3 8B Q4_K_M · 4096")
    assert short.startswith("Apple M3 Max") and "…" in short
    assert fit_label("RTX 4090", 390) == "RTX 4090"

    card = HardwareFactory(slug="dir-long", name="Testmax Ultra (16-core CPU / 40-core GPU)")
    model = ModelFactory(name="Test Lab Chat Model 8B Instruct")
    for context in (512, 4096, 16384):
        BenchmarkFactory(hardware=card, model=model, context_tokens=context)
    html = client.get("/benchmarks/", {"hardware": "dir-long"}).content.decode()
    rows = Benchmark.objects.filter(hardware__slug="dir-long").exclude(decode_tok_s=None)
    texts = re.findall(r'<text x="\d+" y="[\d.]+" text-anchor="end">([^<]+)</text>', html)
    labels = [text for text in texts if " · " in text]  # not the axis unit
    assert len(labels) == rows.count() > 0
    assert sorted(label.rsplit(" · ", 1)[1] for label in labels) == sorted(
        f"{b.context_tokens:,} tokens" for b in rows
    )


@pytest.fixture
def compared_cards():
    """Five cards of the test's own; dir-a has the most bandwidth of dir-a and dir-b."""
    for slug, bandwidth in [("a", 1008), ("b", 936), ("c", 1792), ("d", 960), ("e", 864)]:
        HardwareFactory(slug=f"dir-{slug}", bandwidth_gb_s=bandwidth)


@pytest.mark.parametrize(
    "query,compared,notice",
    [
        ("dir-a", 1, "Add at least two"),
        ("dir-a,dir-b", 2, None),
        ("dir-a,dir-b,dir-c,dir-d", 4, None),
        ("dir-a,dir-b,dir-c,dir-d,dir-e", 4, "up to 4 at once"),
        ("dir-a,nonsense-gpu,dir-b", 2, "Not in the catalog, so left out: nonsense-gpu"),
    ],
)
def test_compare_handles_counts_and_unknown_items(client, compared_cards, query, compared, notice):
    html = client.get("/compare/", {"hw": query}).content.decode()
    assert html.count('aria-label="Remove ') == compared
    if notice:
        assert notice in html


def test_compare_marks_best_value_not_by_colour_alone(client, compared_cards):
    html = client.get("/compare/", {"hw": "dir-a,dir-b"}).content.decode()
    row = html.split('<th scope="row">Bandwidth</th>')[1].split("</tr>")[0]
    assert '<td class="num best">1,008 GB/s<span class="visually-hidden"> (best)</span>' in row
    assert "<svg" in html and "Decode speed at Q4_K_M" in html


def test_compare_add_and_remove_links_keep_the_url_shareable(client, compared_cards):
    html = client.get("/compare/", {"hw": ["dir-a,dir-b", "dir-c"]}).content.decode()
    assert html.count('aria-label="Remove ') == 3
    assert "/compare/?hw=dir-b,dir-c" in html
