"""Will it run? with one side of the question: what runs on a machine, what a model runs on.

The tests build their own boards and models; the lists also hold the shipped catalog, so what
they assert about every row holds whatever the catalog contains."""

import json
from urllib.parse import parse_qs, urlsplit

import factory
import pytest
from django.core.management import call_command

from catalog.models import Hardware, Model, QuantFormat
from tests.factories import HardwareFactory, ModelFactory

pytestmark = pytest.mark.django_db

# Billions of parameters of the test's own dense text models: all but the 120B fit a 24 GB
# card (a 70B would, at 2 bits), and from 6B up none fits a 12 GB card at the top of the
# quant ladder.
OWN_SIZES = [0.5, 1, 1.5, 3, 4, 6, 7, 8, 10, 12, 14, 16, 18, 20, 22, 24, 32, 120]


@pytest.fixture
def own_models():
    """The sizes above; every third one is for coding, the 0.5B and 1B hold only 32k tokens."""
    return {
        size: ModelFactory(
            slug=f"ro-{size:g}b",
            name=f"Runs Test {size:g}B",
            params_b=size,
            use_cases=["chat", "coding"] if index % 3 == 0 else ["chat"],
            max_context=32768 if size <= 1 else 131072,
        )
        for index, size in enumerate(OWN_SIZES)
    }


@pytest.fixture
def board(own_models):
    """A 24 GB, 1 TB/s card of the test's own, with nothing measured on it."""
    return HardwareFactory(slug="ro-board-24", name="Runs Board 24", memory_gb=24)


def runs_on(client, **params):
    response = client.get("/api/v1/runs-on", params)
    assert response.status_code == 200, response.content
    return response.json()


def estimate_for(client, url):
    """The API's answer for a row's link to the full answer."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    response = client.get("/api/v1/estimate", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_hardware_only_lists_what_runs_instead_of_a_400(client, board, own_models):
    response = client.get("/will-it-run/", {"hardware": board.slug})
    assert response.status_code == 200
    html = response.content.decode()
    assert "What runs on Runs Board 24" in html
    assert "This field is required" not in html
    body = runs_on(client, hardware=board.slug)
    listed = {row["model"] for row in body["results"]}
    assert listed >= {m.slug for size, m in own_models.items() if size < 120}
    assert own_models[120].slug not in listed
    first = body["results"][0]
    assert f'href="{first["url"].replace("&", "&amp;")}"' in html


def test_each_row_is_the_full_answer_it_links_to(client, board):
    body = runs_on(client, hardware=board.slug)
    for row in body["results"][:12]:
        full = estimate_for(client, row["url"])
        assert full["verdict"] == row["verdict"] == "fits"
        assert full["decode_tok_s"] == row["decode_tok_s"]
        assert full["memory"]["total_gb"] == row["total_gb"]


def test_each_row_has_the_largest_quant_that_fits_entirely(client, own_models):
    small = HardwareFactory(memory_gb=12, bandwidth_gb_s=360)
    gguf = sorted(
        (q for q in QuantFormat.objects.filter(family="gguf") if q.bits_per_weight <= 16.01),
        key=lambda q: q.bits_per_weight,
    )
    body = runs_on(client, hardware=small.slug)
    checked = 0
    for row in body["results"]:
        names = [q.name for q in gguf]
        index = names.index(row["quant"])
        larger = [q for q in gguf[index + 1 :] if not q.name.endswith("_MOE")]
        if not larger:
            continue
        query = {"hardware": small.slug, "model": row["model"], "quant": larger[0].name}
        bigger = client.get("/api/v1/estimate", query).json()
        assert bigger["verdict"] != "fits", (row["model"], row["quant"], larger[0].name)
        checked += 1
    assert checked >= 10


def test_sorts_order_the_rows_as_named(client, board):
    by_size = runs_on(client, hardware=board.slug)["results"]
    sizes = [row["params_b"] for row in by_size]
    assert sizes == sorted(sizes, reverse=True)
    by_speed = runs_on(client, hardware=board.slug, sort="speed")["results"]
    speeds = [row["decode_tok_s"]["value"] for row in by_speed if row["decode_tok_s"]]
    own = [row for row in by_speed if row["model"].startswith("ro-") and row["decode_tok_s"]]
    assert speeds == sorted(speeds, reverse=True) and len(own) == len(OWN_SIZES) - 1
    by_quality = runs_on(client, hardware=board.slug, sort="quality")["results"]
    bits = {q.name: q.bits_per_weight for q in QuantFormat.objects.all()}
    ladder = [bits[row["quant"]] for row in by_quality]
    assert ladder == sorted(ladder, reverse=True)


def test_use_case_and_minimum_speed_filter_the_list(client, board, own_models):
    everything = runs_on(client, hardware=board.slug)
    coders = {m.slug for m in Model.objects.all() if "coding" in m.use_cases}
    coding = runs_on(client, hardware=board.slug, use_case="coding")
    assert {row["model"] for row in coding["results"]} <= coders
    fitting = {row["model"] for row in everything["results"]}
    assert {row["model"] for row in coding["results"]} == coders & fitting
    assert own_models[0.5].slug in coders & fitting and own_models[1].slug not in coders
    fast = runs_on(client, hardware=board.slug, min_tok_s="100")
    assert all(row["decode_tok_s"]["value"] >= 100 for row in fast["results"])
    assert 0 < fast["count"] < everything["count"]
    assert any("slower than 100 tok/s" in item["reason"] for item in fast["left_out"])


def test_long_context_leaves_out_models_that_cannot_hold_it(client, own_models):
    big = HardwareFactory(kind="datacenter_gpu", memory_gb=80, bandwidth_gb_s=3350)
    body = runs_on(client, hardware=big.slug, context="100000")
    text = {m.slug: m.max_context for m in Model.objects.filter(modality="text")}
    rows = [row for row in body["results"] if row["model"] in text]
    assert rows and all(text[row["model"]] >= 100000 for row in rows)
    assert own_models[1].slug not in {row["model"] for row in rows}
    assert own_models[8].slug in {row["model"] for row in rows}
    assert all(row["context"] == 100000 for row in rows)
    assert any("less than 100,000 tokens" in item["reason"] for item in body["left_out"])


def test_model_only_lists_hardware_cheapest_first(client, own_models):
    model = own_models[8]
    boards = HardwareFactory.create_batch(
        20, launch_msrp_usd=factory.Iterator(range(2000, 99, -100))
    )
    unpriced = HardwareFactory(launch_msrp_usd=None)
    html = client.get("/will-it-run/", {"model": model.slug}).content.decode()
    assert "Hardware that runs Runs Test 8B" in html
    body = runs_on(client, model=model.slug)
    prices = [row["price_usd"] for row in body["results"]]
    priced = [p for p in prices if p is not None]
    listed = [row["hardware"] for row in body["results"]]
    own = sorted(boards, key=lambda hw: hw.launch_msrp_usd)
    assert [slug for slug in listed if slug.startswith("test-gpu-")] == [
        *(hw.slug for hw in own),
        unpriced.slug,
    ]
    assert priced == sorted(priced) and len(priced) >= 20
    assert prices[: len(priced)] == priced  # machines without a price come last
    catalog_prices = {hw.slug: hw.price_usd for hw in Hardware.objects.all()}
    for row in body["results"]:
        expected = catalog_prices[row["hardware"]]
        assert row["price_usd"] == (float(expected) if expected is not None else None)


def test_a_mac_is_listed_in_its_smallest_configuration_that_runs_the_model(client):
    model = ModelFactory(
        slug="ro-70b", params_b=70.6, layers=80, hidden_size=8192, attention_heads=64
    )
    mac = HardwareFactory(
        slug="ro-mac",
        kind="apple_silicon",
        backend="metal",
        backends=["metal", "cpu"],
        memory_gb=128,
        memory_options_gb=[48, 64, 128],
        bandwidth_gb_s=546,
        fp16_tflops=None,
    )
    eight = HardwareFactory(memory_gb=8, bandwidth_gb_s=272)
    body = runs_on(client, model=model.slug)
    rows = {row["hardware"]: row for row in body["results"]}
    listed = rows[mac.slug]
    assert listed["memory_gb"] == 48
    assert "hardware=ro-mac-48gb" in listed["url"]
    assert estimate_for(client, listed["url"])["verdict"] == "fits"
    assert eight.slug not in rows  # 8 GB holds no quant of a 70B


def test_list_links_answer_200_with_a_result(client, own_models, board):
    body = runs_on(client, model=own_models[7].slug)
    for row in body["results"][:5]:
        response = client.get(row["url"])
        assert response.status_code == 200
        assert "verdict-fits" in response.content.decode()


def test_raw_hardware_gets_a_list_too(client, own_models):
    specs = {"memory_gb": "16", "bandwidth_gb_s": "448", "hardware_kind": "discrete_gpu"}
    body = runs_on(client, **specs)
    assert body["count"] >= 10 and body["subject"].startswith("Custom hardware")
    speeds = [row["decode_tok_s"] for row in body["results"] if row["decode_tok_s"]]
    assert speeds and all(speed["basis"] == "estimated" for speed in speeds)
    page = client.get(body["results"][0]["url"])
    assert page.status_code == 200 and "verdict-fits" in page.content.decode()


def test_runs_on_refuses_what_it_cannot_list(client, board, own_models):
    both = client.get("/api/v1/runs-on", {"hardware": board.slug, "model": own_models[8].slug})
    assert both.status_code == 400 and "/api/v1/estimate" in both.json()["error"]
    assert client.get("/api/v1/runs-on").status_code == 400
    unknown = client.get("/api/v1/runs-on", {"hardware": "no-such-gpu"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "hardware"


def test_htmx_list_is_the_same_partial(client, board):
    response = client.get(
        "/will-it-run/",
        {"hardware": board.slug, "sort": "speed"},
        headers={"HX-Request": "true", "HX-Target": "result"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="result"')
    assert "<form" not in html and 'class="runs-on"' in html and "Fastest first" in html


def test_cli_prints_the_list_without_a_model(client, capsys, board):
    call_command("estimate", "--hardware", board.slug, "--json")
    assert json.loads(capsys.readouterr().out) == runs_on(client, hardware=board.slug)
    call_command("estimate", "--hardware", board.slug, "--use-case", "coding")
    out = capsys.readouterr().out
    assert "catalog models fit entirely" in out and f"/will-it-run/?hardware={board.slug}" in out


def test_list_page_query_count_is_pinned(client, django_assert_max_num_queries, board):
    other = HardwareFactory()
    client.get("/will-it-run/", {"hardware": board.slug})  # warm the catalog snapshot
    with django_assert_max_num_queries(1):
        response = client.get("/will-it-run/", {"hardware": other.slug, "sort": "speed"})
    assert response.status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/will-it-run/", {"model": "ro-32b"}).status_code == 200


def test_list_page_cold_query_count_is_pinned(client, django_assert_max_num_queries, board):
    with django_assert_max_num_queries(8):
        assert client.get("/will-it-run/", {"hardware": board.slug}).status_code == 200


def test_every_row_link_of_every_list_is_a_valid_question():
    """The crawl checks one answer per hardware, model and quant; this checks every row's link
    of every list (each machine, each model) through the page's form, without rendering."""
    from catalog import snapshot
    from estimator import runs_on as lists
    from estimator.forms import EstimateForm

    catalog = snapshot.current()
    listings = [lists.models_on({"hardware": hw}) for hw in catalog.hardware.values()]
    listings += [lists.hardware_for(model, {}) for model in catalog.models.values()]
    invalid, checked = [], 0
    for listing in listings:
        for row in listing.rows:
            query = {k: v[0] for k, v in parse_qs(urlsplit(row.answer.url).query).items()}
            form = EstimateForm(query)
            checked += 1
            if not form.is_valid() or form.mode != "answer":
                invalid.append((row.answer.url, dict(form.errors)))
    assert checked > 5000
    assert not invalid, invalid[:20]
