"""The hardware page's measured runs, memory units, and the benchmarks list's default order."""

import re
from html import unescape

import pytest

from catalog.models import Benchmark
from catalog.templatetags.memory import gib, sold_memory
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory, QuantFormatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def measured_card():
    """A 24 GB card of the test's own with runs in three setups: three single-card runs of one
    (builds b4000-b4002), one of another, and a two-card run on an older build."""
    card = HardwareFactory(slug="hp-card", name="HP Card 24")
    model, other = ModelFactory(name="HP Model 8B"), ModelFactory(name="HP Model 14B")
    q4 = QuantFormatFactory(name="Q4_K_M")
    for build, decode in (("b4000", 101.2), ("b4001", 99.4), ("b4002", 120.0)):
        BenchmarkFactory(
            hardware=card, model=model, quant=q4, runtime_version=build, decode_tok_s=decode
        )
    BenchmarkFactory(hardware=card, model=other, quant=q4, decode_tok_s=61.0)
    BenchmarkFactory(
        hardware=card, model=model, quant=q4, gpu_count=2, runtime_version="b3900",
        context_tokens=512, decode_tok_s=95.0,
    )  # fmt: skip
    return card


def measured_section(client, slug):
    html = client.get(f"/hardware/{slug}/").content.decode()
    return unescape(html.split('id="benchmarks"', 1)[1].split("</section>", 1)[0])


def test_measured_table_names_gpu_count_runtime_version_and_backend(client):
    section = measured_section(client, "hp-card")
    runs = Benchmark.objects.published().filter(hardware__slug="hp-card")
    multi = runs.filter(gpu_count__gt=1).order_by("-gpu_count").first()
    assert multi is not None, "the test's card has a two-card run"
    assert f"{multi.gpu_count} cards" in section
    assert f"({multi.runtime_version})" in section
    # A blank backend is the card's usual one, and the table says so.
    assert re.search(r"CUDA <span[^>]*>\(usual\)", section)
    assert "it is not a one-card result" in section


def test_runs_of_one_setup_are_grouped_under_one_heading(client):
    section = measured_section(client, "hp-card")
    runs = Benchmark.objects.published().filter(hardware__slug="hp-card")
    setups = {(b.model.name, b.quant.name, b.context_tokens) for b in runs}
    headings = re.findall(r'<tr class="group-row">', section)
    assert len(headings) == len(setups) < runs.count()
    largest = max(
        setups,
        key=lambda s: runs.filter(model__name=s[0], quant__name=s[1], context_tokens=s[2]).count(),
    )
    count = runs.filter(model__name=largest[0], quant__name=largest[1], context_tokens=largest[2])
    assert f"({count.count()} runs)" in section


def test_chart_draws_the_single_card_runs_of_the_table_and_says_so(client):
    section = measured_section(client, "hp-card")
    wide = section.split("chart-wide", 1)[1].split("</svg>", 1)[0]
    single = Benchmark.objects.published().filter(
        hardware__slug="hp-card", gpu_count=1, decode_tok_s__isnull=False
    )
    assert wide.count('<rect class="bar') == single.count() > 0
    assert "Decode speed measured on one HP Card 24" in section
    assert "runs on other numbers of cards are in the table only" in section
    values = re.findall(r"<title>[^<]*: ([\d.,]+) tokens/s</title>", wide)
    shown = [
        f"{b.decode_tok_s:,.1f}" if b.decode_tok_s < 100 else f"{b.decode_tok_s:,.0f}"
        for b in single
    ]
    assert sorted(values) == sorted(shown)


def test_memory_is_shown_in_the_units_it_is_sold_in():
    # 24 GiB is 25.77 x 10^9 bytes: shown in GiB it reads as the 24 on the box.
    assert gib(24 * 2**30 / 1e9).startswith("24.0 <abbr")
    assert gib(None) == "—"
    assert sold_memory(24.0).startswith("24 GB <span") and "(24 <abbr" in sold_memory(24.0)


def test_pages_say_which_memory_unit_they_use(client):
    hardware = client.get("/hardware/hp-card/").content.decode()
    assert re.search(r"24 GB <span class=\"muted\">\(24 <abbr[^>]*>GiB</abbr>\)", hardware)
    model = client.get(ModelFactory().get_absolute_url()).content.decode()
    assert "Memory in <abbr" in model and "a card sold as 24 GB holds 24 GiB" in model


def test_benchmarks_default_order_is_the_sort_the_select_shows(client):
    html = client.get("/benchmarks/").content.decode()
    select = html.split('name="sort"', 1)[1].split("</select>", 1)[0]
    first_label = unescape(re.search(r"<option[^>]*>([^<]+)</option>", select).group(1))
    assert first_label == "Decode tok/s (fastest first)"
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    # Number cells: tokens, decode, prefill.
    decodes = [re.findall(r'<td class="num">([^<]*)</td>', row)[1] for row in rows]
    measured = [float(v) for v in decodes if v != "—"]
    assert len(measured) > 10 and measured == sorted(measured, reverse=True)
    assert all(v == "—" for v in decodes[len(measured) :])  # rows without a decode come last
