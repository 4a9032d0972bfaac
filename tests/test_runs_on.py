"""Will it run? with one side of the question: what runs on a machine, what a model runs on."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from catalog.models import Hardware, Model, QuantFormat

pytestmark = pytest.mark.django_db


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


def test_hardware_only_lists_what_runs_instead_of_a_400(client):
    response = client.get("/will-it-run/", {"hardware": "rtx-4090"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "What runs on GeForce RTX 4090" in html
    assert "This field is required" not in html
    body = runs_on(client, hardware="rtx-4090")
    assert body["count"] >= 20
    first = body["results"][0]
    assert f'href="{first["url"].replace("&", "&amp;")}"' in html


def test_each_row_is_the_full_answer_it_links_to(client):
    body = runs_on(client, hardware="rtx-4090")
    for row in body["results"][:12]:
        full = estimate_for(client, row["url"])
        assert full["verdict"] == row["verdict"] == "fits"
        assert full["decode_tok_s"] == row["decode_tok_s"]
        assert full["memory"]["total_gb"] == row["total_gb"]


def test_each_row_has_the_largest_quant_that_fits_entirely(client):
    gguf = sorted(
        (q for q in QuantFormat.objects.filter(family="gguf") if q.bits_per_weight <= 16.01),
        key=lambda q: q.bits_per_weight,
    )
    body = runs_on(client, hardware="rtx-3060-12gb")
    checked = 0
    for row in body["results"]:
        names = [q.name for q in gguf]
        index = names.index(row["quant"])
        larger = [q for q in gguf[index + 1 :] if not q.name.endswith("_MOE")]
        if not larger:
            continue
        query = {"hardware": "rtx-3060-12gb", "model": row["model"], "quant": larger[0].name}
        bigger = client.get("/api/v1/estimate", query).json()
        assert bigger["verdict"] != "fits", (row["model"], row["quant"], larger[0].name)
        checked += 1
    assert checked >= 10


def test_sorts_order_the_rows_as_named(client):
    by_size = runs_on(client, hardware="rtx-4090")["results"]
    sizes = [row["params_b"] for row in by_size]
    assert sizes == sorted(sizes, reverse=True)
    by_speed = runs_on(client, hardware="rtx-4090", sort="speed")["results"]
    speeds = [row["decode_tok_s"]["value"] for row in by_speed if row["decode_tok_s"]]
    assert speeds == sorted(speeds, reverse=True) and len(speeds) >= 20
    by_quality = runs_on(client, hardware="rtx-4090", sort="quality")["results"]
    bits = {q.name: q.bits_per_weight for q in QuantFormat.objects.all()}
    ladder = [bits[row["quant"]] for row in by_quality]
    assert ladder == sorted(ladder, reverse=True)


def test_use_case_and_minimum_speed_filter_the_list(client):
    everything = runs_on(client, hardware="rtx-4090")
    coders = {m.slug for m in Model.objects.all() if "coding" in m.use_cases}
    coding = runs_on(client, hardware="rtx-4090", use_case="coding")
    assert {row["model"] for row in coding["results"]} <= coders
    fitting = {row["model"] for row in everything["results"]}
    assert {row["model"] for row in coding["results"]} == coders & fitting
    fast = runs_on(client, hardware="rtx-4090", min_tok_s="100")
    assert all(row["decode_tok_s"]["value"] >= 100 for row in fast["results"])
    assert 0 < fast["count"] < everything["count"]
    assert any("slower than 100 tok/s" in item["reason"] for item in fast["left_out"])


def test_long_context_leaves_out_models_that_cannot_hold_it(client):
    body = runs_on(client, hardware="h100-sxm", context="100000")
    text = {m.slug: m.max_context for m in Model.objects.filter(modality="text")}
    rows = [row for row in body["results"] if row["model"] in text]
    assert rows and all(text[row["model"]] >= 100000 for row in rows)
    assert all(row["context"] == 100000 for row in rows)
    assert any("less than 100,000 tokens" in item["reason"] for item in body["left_out"])


def test_model_only_lists_hardware_cheapest_first(client):
    html = client.get("/will-it-run/", {"model": "llama-3.1-8b"}).content.decode()
    assert "Hardware that runs Llama 3.1 8B" in html
    body = runs_on(client, model="llama-3.1-8b")
    prices = [row["price_usd"] for row in body["results"]]
    priced = [p for p in prices if p is not None]
    assert priced == sorted(priced) and len(priced) >= 20
    assert prices[: len(priced)] == priced  # machines without a price come last
    catalog_prices = {hw.slug: hw.price_usd for hw in Hardware.objects.all()}
    for row in body["results"]:
        expected = catalog_prices[row["hardware"]]
        assert row["price_usd"] == (float(expected) if expected is not None else None)


def test_a_mac_is_listed_in_its_smallest_configuration_that_runs_the_model(client):
    body = runs_on(client, model="llama-3.1-70b")
    rows = {row["hardware"]: row for row in body["results"]}
    m4_max = rows["apple-m4-max-40c"]
    assert m4_max["memory_gb"] == 48
    assert "hardware=apple-m4-max-40c-48gb" in m4_max["url"]
    assert estimate_for(client, m4_max["url"])["verdict"] == "fits"
    assert "rtx-4060" not in rows  # 8 GB holds no quant of a 70B


def test_list_links_answer_200_with_a_result(client):
    body = runs_on(client, model="qwen2.5-7b")
    for row in body["results"][:5]:
        response = client.get(row["url"])
        assert response.status_code == 200
        assert "verdict-fits" in response.content.decode()


def test_raw_hardware_gets_a_list_too(client):
    specs = {"memory_gb": "16", "bandwidth_gb_s": "448", "hardware_kind": "discrete_gpu"}
    body = runs_on(client, **specs)
    assert body["count"] >= 10 and body["subject"].startswith("Custom hardware")
    speeds = [row["decode_tok_s"] for row in body["results"] if row["decode_tok_s"]]
    assert speeds and all(speed["basis"] == "estimated" for speed in speeds)
    page = client.get(body["results"][0]["url"])
    assert page.status_code == 200 and "verdict-fits" in page.content.decode()


def test_runs_on_refuses_what_it_cannot_list(client):
    both = client.get("/api/v1/runs-on", {"hardware": "rtx-4090", "model": "llama-3.1-8b"})
    assert both.status_code == 400 and "/api/v1/estimate" in both.json()["error"]
    assert client.get("/api/v1/runs-on").status_code == 400
    unknown = client.get("/api/v1/runs-on", {"hardware": "no-such-gpu"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "hardware"


def test_htmx_list_is_the_same_partial(client):
    response = client.get(
        "/will-it-run/",
        {"hardware": "rtx-4090", "sort": "speed"},
        headers={"HX-Request": "true", "HX-Target": "result"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="result"')
    assert "<form" not in html and 'class="runs-on"' in html and "Fastest first" in html


def test_cli_prints_the_list_without_a_model(client, capsys):
    call_command("estimate", "--hardware", "rtx-4090", "--json")
    assert json.loads(capsys.readouterr().out) == runs_on(client, hardware="rtx-4090")
    call_command("estimate", "--hardware", "rtx-4090", "--use-case", "coding")
    out = capsys.readouterr().out
    assert "catalog models fit entirely" in out and "/will-it-run/?hardware=rtx-4090" in out


def test_list_page_query_count_is_pinned(client, django_assert_max_num_queries):
    client.get("/will-it-run/", {"hardware": "rtx-4090"})  # warm the catalog snapshot
    with django_assert_max_num_queries(1):
        response = client.get("/will-it-run/", {"hardware": "rtx-3090", "sort": "speed"})
    assert response.status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get("/will-it-run/", {"model": "llama-3.1-70b"}).status_code == 200


def test_list_page_cold_query_count_is_pinned(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get("/will-it-run/", {"hardware": "rtx-4090"}).status_code == 200


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
