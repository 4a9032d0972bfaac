"""Cost vs cloud, the page: sums checked by hand on a machine whose speeds are measured.

The test's own card and 8B model have only the two measurements below at Q4_K_M: 1,000 tok/s
prompt processing and 50 tok/s generation; one cloud offer and one API price name them.
(tests/test_costs.py covers the arithmetic functions themselves.)
"""

import pytest

from catalog.models import Benchmark, Hardware, QuantFormat, Runtime
from estimator.costs import DAYS_PER_MONTH
from tests.factories import (
    ApiPriceFactory,
    CloudOfferFactory,
    HardwareFactory,
    ModelFactory,
    large_model,
)

pytestmark = pytest.mark.django_db

URL = "/cost-vs-cloud/"
SOURCE = "https://example.org/measured-cc-card"


@pytest.fixture(autouse=True)
def rows():
    """The test's own 12 GB card (priced, 200 W) and 8B model; nothing measured yet."""
    return {
        "card": HardwareFactory(slug="cc-card", memory_gb=12, tdp_w=200, launch_msrp_usd=599),
        "model": ModelFactory(slug="cc-8b", name="CC Chat 8B"),
    }


@pytest.fixture
def measured(rows):
    hardware, model = rows["card"], rows["model"]
    quant = QuantFormat.objects.get(name="Q4_K_M")
    runtime = Runtime.objects.get(slug="llama-cpp")
    common = dict(hardware=hardware, model=model, quant=quant, runtime=runtime, verified=True)
    Benchmark.objects.create(**common, context_tokens=4096, decode_tok_s=50, source_url=SOURCE)
    Benchmark.objects.create(**common, context_tokens=512, prefill_tok_s=1000, source_url=SOURCE)
    CloudOfferFactory(provider="Test Cloud", hardware=hardware)
    ApiPriceFactory(model=model)
    return hardware


PARAMS = {
    "model": "cc-8b",
    "quant": "Q4_K_M",
    "hardware": "cc-card",
    "purchase_usd": 1200,
    "resale_percent": 25,
    "years": 3,
    "load_watts": 400,
    "idle_watts": 40,
    "hours_per_day": 10,
    "electricity": 0.25,
    "input_m": 36,
    "output_m": 3.6,
    "pattern": "on_demand",
}


def compare(client, **overrides):
    response = client.get(URL, {**PARAMS, **overrides})
    assert response.status_code == 200, response.content.decode()[:3000]
    return response, response.context["comparison"]


def row(rows, label_start):
    return next(r for r in rows if r.label.startswith(label_start))


def test_buy_rent_and_api_costs_match_sums_done_by_hand(client, measured):
    response, comparison = compare(client)
    # 36M prompt tokens / 1,000 tok/s + 3.6M output tokens / 50 tok/s = 108,000 s = 30 h.
    busy_hours = 30.0
    on_hours = 10 * DAYS_PER_MONTH  # 304.375 h
    kwh = (400 * busy_hours + 40 * (on_hours - busy_hours)) / 1000  # 22.975 kWh
    electricity = kwh * 0.25  # $5.74
    buy = comparison["buy"].cost
    assert buy.running_usd_per_month == pytest.approx(electricity)
    assert buy.monthly_usd == pytest.approx(electricity + (1200 - 300) / 36)  # $30.74
    assert buy.usd_per_million_tokens == pytest.approx(buy.monthly_usd / 39.6)
    rent = row(comparison["rents"], "Test Cloud").cost
    assert rent.monthly_usd == pytest.approx(30 * 0.50)
    assert rent.usd_per_million_tokens == pytest.approx(15 / 39.6)
    api = row(comparison["apis"], "Test API").cost
    assert api.monthly_usd == pytest.approx(36 * 0.10 + 3.6 * 0.50)  # $5.40
    body = response.content.decode()
    assert "$30.74" in body and "$15.00" in body and "$5.40" in body


def test_break_even_month_by_hand_and_one_that_never_comes(client, measured):
    _response, comparison = compare(client)
    # Owning: $900 net at month 0, then $5.74375 a month; renting: $15 a month.
    # 900 + 5.74375 m <= 15 m  <=>  m >= 97.2, so month 98.
    assert row(comparison["rents"], "Test Cloud").break_even == 98
    # The API's $5.40 a month is less than the electricity alone: buying never catches up.
    assert row(comparison["apis"], "Test API").break_even is None


def test_renting_for_the_same_hours_bills_the_idle_time_too(client, measured):
    _response, comparison = compare(client, pattern="same_hours")
    rent = row(comparison["rents"], "Test Cloud").cost
    assert rent.monthly_usd == pytest.approx(10 * DAYS_PER_MONTH * 0.50)


def test_zero_usage_costs_only_ownership_and_never_breaks_even(client, measured):
    response, comparison = compare(client, input_m=0, output_m=0)
    idle_kwh = 40 * 10 * DAYS_PER_MONTH / 1000
    buy = comparison["buy"].cost
    assert buy.monthly_usd == pytest.approx(idle_kwh * 0.25 + 25)
    assert buy.usd_per_million_tokens is None
    for option in [*comparison["rents"], *comparison["apis"]]:
        assert option.cost.monthly_usd == 0
        assert option.break_even is None
    assert "never within 120 months" in response.content.decode()


def test_chart_and_table_show_cumulative_cost_over_the_years_of_use(client, measured):
    response, comparison = compare(client)
    chart = comparison["chart"]
    assert [line.label.split(":")[0] for line in chart.lines] == ["Buy", "Rent", "API"]
    months = [month for month, _values in chart.table]
    assert months[0] == 0 and months[-1] == 36
    month_0 = dict(chart.table)[0]
    assert month_0[0] == pytest.approx(900)  # the purchase net of resale
    body = response.content.decode()
    assert "<polyline" in body and "Cumulative cost by month (USD)" in body


def test_assumptions_and_sources_are_listed(client, measured):
    response, _comparison = compare(client, idle_watts="")
    body = response.content.decode()
    assert "idle power assumed at 10% of load power" in body
    assert "https://example.org/test-cloud-pricing" in body
    assert "checked 1 Nov 2026" in body
    assert "measured" in body and SOURCE in body


def test_cloud_gpus_too_small_for_the_model_are_left_out(client):
    model = large_model(slug="cc-70b")
    big = HardwareFactory(slug="cc-48", memory_gb=48, launch_msrp_usd=4650)
    small = HardwareFactory(slug="cc-24", memory_gb=24)
    for hardware in (big, small):
        CloudOfferFactory(provider=f"Test Cloud {hardware.slug}", hardware=hardware)
    ApiPriceFactory(model=model, input_usd_per_m="0.60", output_usd_per_m="0.80")
    _response, comparison = compare(
        client, model="cc-70b", hardware="cc-48", purchase_usd="", input_m=1
    )
    assert all(r.local.result.verdict == "fits" for r in comparison["rents"])
    assert any(offer.hardware.slug == "cc-24" for offer in comparison["too_small"])
    # The model has an API price of its own: it is used directly.
    assert comparison["apis"] and not comparison["apis"][0].comparable


def test_a_model_without_api_prices_borrows_the_nearest_size_and_says_so(client):
    ApiPriceFactory(model=ModelFactory(slug="cc-7b", params_b=7.6))
    response, comparison = compare(client, purchase_usd="")
    assert comparison["apis"]
    assert all(r.comparable for r in comparison["apis"])
    assert "a model of similar size" in response.content.decode()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"input_m": -1}, "Input tokens a month (millions)", "greater than or equal to 0"),
        ({"hardware": "cc-9999"}, "Hardware to buy", "We have no hardware called “cc-9999”"),
        ({"model": "cc-image"}, "Model", "does not generate tokens"),
        ({"hardware": "cc-unpriced", "purchase_usd": ""}, "Price (USD)", "We have no price"),
        ({"quant": "AWQ 4-bit (g128)"}, "Quantization", "pick a GGUF quant"),
        ({"electricity": -0.1}, "Electricity (USD per kWh)", "greater than or equal to 0"),
    ],
)
def test_bad_input_gives_400_with_the_field_named(client, overrides, field, message):
    ModelFactory(slug="cc-image", modality="image", params_b=2.6)
    HardwareFactory(slug="cc-unpriced", launch_msrp_usd=None)
    response = client.get(URL, {**PARAMS, **overrides})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{field}</a>: " in body
    assert message in body


def test_htmx_request_gets_only_the_results_partial(client):
    response = client.get(URL, {**PARAMS}, headers={"HX-Request": "true", "HX-Target": "results"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


def test_offers_and_api_prices_take_one_query_each(client, django_assert_max_num_queries):
    client.get(URL, PARAMS)  # builds the catalog snapshot
    with django_assert_max_num_queries(2):
        response = client.get(URL, {**PARAMS, "years": 2})
    assert response.status_code == 200


# --- defaults in the fields, hours a day for both, the chart --------------------------------


def test_the_empty_form_shows_every_default_it_applies(client):
    body = client.get(URL).content.decode()
    for name, value in [
        ("input_m", "10.0"),
        ("output_m", "2.0"),
        ("electricity", "0.2"),
        ("hours_per_day", "8.0"),
        ("years", "3.0"),
        ("resale_percent", "30.0"),
    ]:
        assert f'name="{name}" value="{value}"' in body, name
    assert '<option value="same_hours" selected>' in body
    assert '<option value="Q4_K_M" selected>' in body


def test_a_short_link_shows_the_defaults_and_the_hardware_figures_it_used(client):
    response = client.get(URL, {"model": "cc-8b", "hardware": "cc-card"})
    assert response.status_code == 200
    body = response.content.decode()
    hardware = Hardware.objects.get(slug="cc-card")
    assert 'name="hours_per_day" value="8.0"' in body
    assert f'placeholder="{hardware.price_usd:.0f}"' in body
    assert f'placeholder="{hardware.tdp_w}"' in body
    assert f"Blank: ${hardware.price_usd:,.0f}, {hardware.name}" in body
    data = response.context["comparison"]["data"]
    assert data["purchase_usd"] == float(hardware.price_usd)
    assert data["load_watts"] == hardware.tdp_w


def test_hours_a_day_drives_buying_and_renting_by_default(client, measured):
    params = {k: v for k, v in PARAMS.items() if k != "pattern"}
    four = client.get(URL, {**params, "hours_per_day": 4}).context["comparison"]
    eight = client.get(URL, {**params, "hours_per_day": 8}).context["comparison"]
    # 30 busy hours a month: renting is billed for the 4 or 8 hours a day the machine is on.
    for comparison, hours in ((four, 4), (eight, 8)):
        rent = row(comparison["rents"], "Test Cloud").cost
        assert rent.monthly_usd == pytest.approx(hours * DAYS_PER_MONTH * 0.50)
        on_hours = hours * DAYS_PER_MONTH
        kwh = (400 * 30 + 40 * (on_hours - 30)) / 1000
        assert comparison["buy"].cost.running_usd_per_month == pytest.approx(kwh * 0.25)
    assert "renting for the same hours" in four["summary"]
    assert four["summary"].startswith("Used 4 hours a day for 3 years")


def test_renting_only_while_generating_ignores_the_hours(client, measured):
    four = client.get(URL, {**PARAMS, "hours_per_day": 4}).context["comparison"]
    eight = client.get(URL, {**PARAMS, "hours_per_day": 8}).context["comparison"]
    assert row(four["rents"], "Test Cloud").cost.monthly_usd == pytest.approx(15)
    assert row(eight["rents"], "Test Cloud").cost.monthly_usd == pytest.approx(15)


def test_the_page_says_which_question_it_answers_and_answers_it(client, measured):
    response, comparison = compare(client)
    body = response.content.decode()
    assert "This page answers one question:" in body
    cheapest = min(
        [comparison["buy"], *comparison["rents"][:1], *comparison["apis"][:1]],
        key=lambda r: r.cost.monthly_usd,
    )
    assert cheapest.label in comparison["summary"] and "is cheapest at" in comparison["summary"]
    assert comparison["summary"] in body


@pytest.mark.parametrize("chart_key", ["chart", "narrow_chart"])
def test_the_chart_axis_fits_its_lines_and_end_labels_do_not_overlap(client, measured, chart_key):
    _response, comparison = compare(client, years=5)
    chart = comparison[chart_key]
    top_tick = max(float(label.strip("$").replace(",", "")) for _y, label in chart.y_ticks)
    peak = max(max(values) for _month, values in chart.table)
    assert peak <= top_tick < peak * 2.5  # the top tick holds the highest line, with little waste
    for line in chart.lines:
        ys = [float(point.split(",")[1]) for point in line.points.split()]
        xs = [float(point.split(",")[0]) for point in line.points.split()]
        assert min(ys) >= chart.top and max(ys) <= chart.bottom
        assert min(xs) >= chart.left and max(xs) <= chart.right
    label_ys = sorted(line.label_y for line in chart.lines)
    assert all(b - a >= 15 for a, b in zip(label_ys, label_ys[1:], strict=False))
    assert all(chart.top <= y <= chart.bottom for y in label_ys)
    assert chart.table[-1][0] == 60  # the last month of use is on the axis and in the table
