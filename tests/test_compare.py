"""Compare: adding hardware by its name (or slug), and the grouped, labelled chart."""

import re

import pytest

from tests.factories import HardwareFactory

pytestmark = pytest.mark.django_db

URL = "/compare/"


@pytest.fixture(autouse=True)
def cards():
    """Hardware with names no shipped card shares: "Bravo 200" and "Bravo 200 Ti" differ by a
    word, three "Quill" cards share one, and the Mac is sold in two memory sizes."""
    rows = [
        ("cmp-alpha", "Testa Alpha 100", {}),
        ("cmp-bravo", "Testa Bravo 200", {}),
        ("cmp-bravo-ti", "Testa Bravo 200 Ti", {}),
        ("cmp-quill-xtx", "Zeta Quill XTX", {}),
        ("cmp-quill-xt", "Zeta Quill XT", {}),
        ("cmp-quill-gre", "Zeta Quill GRE", {}),
        (
            "cmp-mac",
            "Testa Mac Max",
            {
                "kind": "apple_silicon",
                "backend": "metal",
                "memory_gb": 64,
                "memory_options_gb": [64, 128],
                "memory_type": "LPDDR5X",
            },
        ),
    ]
    return {slug: HardwareFactory(slug=slug, name=name, **extra) for slug, name, extra in rows}


def test_typing_a_name_adds_that_hardware_and_lands_on_the_shareable_address(client):
    response = client.get(URL, {"hw": "cmp-alpha", "add": "Bravo 200"})
    assert response.status_code == 302
    assert response["Location"] == "/compare/?hw=cmp-alpha,cmp-bravo"
    page = client.get(response["Location"])
    names = [hw.name for _slug, hw, _gb in page.context["comparison"].items]
    assert names == ["Testa Alpha 100", "Testa Bravo 200"]


def test_a_slug_or_a_memory_configuration_by_name_is_found_too(client):
    by_slug = client.get(URL, {"hw": "cmp-alpha", "add": "cmp-bravo-ti"})
    assert by_slug["Location"] == "/compare/?hw=cmp-alpha,cmp-bravo-ti"
    by_name = client.get(URL, {"hw": "cmp-alpha", "add": "Testa Mac Max, 128 GB"})
    assert by_name["Location"] == "/compare/?hw=cmp-alpha,cmp-mac-128gb"


def test_an_ambiguous_name_lists_the_matches_to_pick_from(client):
    response = client.get(URL, {"hw": "cmp-alpha", "add": "Quill"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "“Quill” matches 3 pieces of hardware" in body
    for slug, name in [
        ("cmp-quill-xtx", "Zeta Quill XTX"),
        ("cmp-quill-xt", "Zeta Quill XT"),
        ("cmp-quill-gre", "Zeta Quill GRE"),
    ]:
        assert f'<a href="/compare/?hw=cmp-alpha,{slug}">Add {name}</a>' in body
    assert [s for s, _hw, _gb in response.context["comparison"].items] == ["cmp-alpha"]
    assert 'name="add" list="hw-options"' in body and 'value="Quill"' in body


def test_an_unknown_name_says_so_and_keeps_the_comparison(client):
    response = client.get(URL, {"hw": "cmp-alpha,cmp-bravo", "add": "Voodoo 5"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "We have no hardware called “Voodoo 5”" in body
    assert len(response.context["comparison"].items) == 2


def test_the_suggestions_list_offers_names_not_slugs(client):
    body = client.get(URL).content.decode()
    assert '<option value="Testa Alpha 100"></option>' in body
    assert '<option value="cmp-alpha">' not in body
    assert 'src="/static/js/compare.js"' in body or "js/compare" in body
    assert "<script>" not in body.split("</head>")[1]  # no inline script in the page body


def test_htmx_add_updates_results_the_kept_list_and_the_address(client):
    response = client.get(
        URL,
        {"hw": "cmp-alpha", "add": "Bravo 200"},
        headers={"HX-Request": "true", "HX-Target": "compare-results"},
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/compare/?hw=cmp-alpha,cmp-bravo"
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="compare-results"')
    kept = re.search(r'<div id="compare-kept" hx-swap-oob="true">(.*?)</div>', body).group(1)
    assert kept.count('type="hidden"') == 2 and 'value="cmp-bravo"' in kept
    assert 'id="add-field" hx-swap-oob="true"' in body


def test_remove_links_keep_the_quant_and_context(client):
    response = client.get(URL, {"hw": "cmp-alpha,cmp-bravo", "quant": "Q8_0", "context": 8192})
    urls = [url for _hw, url in response.context["remove_urls"]]
    assert urls == [
        "/compare/?hw=cmp-bravo&quant=Q8_0&context=8192",
        "/compare/?hw=cmp-alpha&quant=Q8_0&context=8192",
    ]


def test_the_chart_groups_bars_by_metric_one_labelled_bar_per_item(client):
    response = client.get(URL, {"hw": "cmp-alpha,cmp-bravo,cmp-mac-128gb"})
    comparison = response.context["comparison"]
    chart = comparison.chart
    assert chart.series == [hw.name for _slug, hw, _gb in comparison.items]
    labels = [group.label for group in chart.groups]
    assert labels[:2] == ["Memory (GB)", "Memory bandwidth (GB/s)"]
    assert labels[2:] == [model.name for model, _cells in comparison.model_rows]
    for group in chart.groups:
        assert [bar.series for bar in group.bars] == [0, 1, 2]
        assert all(bar.value_text for bar in group.bars)
    memory = chart.groups[0]
    assert [bar.value_text for bar in memory.bars] == ["24 GB", "24 GB", "128 GB"]
    assert memory.bars[2].width > memory.bars[0].width  # each group on its own scale
    for (_model, cells), group in zip(comparison.model_rows, chart.groups[2:], strict=True):
        for (cell, _best), bar in zip(cells, group.bars, strict=True):
            if cell.decode_tok_s is None:
                assert bar.width == 0 and bar.value_text == cell.verdict_text
            else:
                assert "tok/s" in bar.value_text
    body = response.content.decode()
    assert body.count('class="chart chart-wide"') == 1
    assert body.count('class="chart chart-narrow"') == 1
    assert 'class="swatch series-2"' in body
    assert comparison.narrow_chart.width == 360


def test_no_chart_until_two_items(client):
    response = client.get(URL, {"hw": "cmp-alpha"})
    assert response.context["comparison"].chart is None
    assert "Add at least two pieces of hardware" in response.content.decode()
