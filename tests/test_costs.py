"""Cost-vs-cloud arithmetic, checked against sums done by hand."""

import pytest

from estimator.costs import (
    DAYS_PER_MONTH,
    OptionCost,
    OwnedHardware,
    Throughput,
    Usage,
    api_cost,
    break_even_month,
    buy_cost,
    rent_cost,
)

CARD = OwnedHardware(
    purchase_usd=1600,
    load_watts=450,
    idle_watts=30,
    hours_on_per_day=8,
    years_of_use=3,
    resale_usd=400,
    electricity_usd_per_kwh=0.30,
)
SPEED = Throughput(prefill_tok_s=3600, decode_tok_s=36)


def test_busy_hours_by_hand():
    usage = Usage(input_tokens_per_month=36_000_000, output_tokens_per_month=3_600_000)
    # 36M / 3600 tok/s = 10,000 s; 3.6M / 36 tok/s = 100,000 s; 110,000 s = 30.56 h
    assert SPEED.busy_hours(usage) == pytest.approx(110_000 / 3600)


def test_buy_cost_by_hand():
    usage = Usage(36_000_000, 3_600_000)
    buy = buy_cost(CARD, SPEED, usage)
    busy = 110_000 / 3600
    on = 8 * DAYS_PER_MONTH
    kwh = (450 * busy + 30 * (on - busy)) / 1000
    assert buy.running_usd_per_month == pytest.approx(kwh * 0.30)
    assert buy.monthly_usd == pytest.approx(kwh * 0.30 + (1600 - 400) / 36)
    assert buy.usd_per_million_tokens == pytest.approx(buy.monthly_usd / 39.6)
    assert buy.upfront_usd == 1200


def test_api_and_rent_by_hand():
    usage = Usage(10_000_000, 2_000_000)
    api = api_cost(0.10, 0.40, usage)
    assert api.monthly_usd == pytest.approx(10 * 0.10 + 2 * 0.40)
    rent = rent_cost(2.0, SPEED, usage)
    hours = (10_000_000 / 3600 + 2_000_000 / 36) / 3600
    assert rent.monthly_usd == pytest.approx(hours * 2.0)


def test_zero_usage_costs_nothing_to_rent_or_call_and_never_breaks_even():
    usage = Usage(0, 0)
    buy = buy_cost(CARD, SPEED, usage)
    api = api_cost(0.10, 0.40, usage)
    assert api.monthly_usd == 0 and api.usd_per_million_tokens is None
    assert rent_cost(2.0, SPEED, usage).monthly_usd == 0
    # Idle power all month is still paid when owning.
    assert buy.running_usd_per_month == pytest.approx(30 * 8 * DAYS_PER_MONTH / 1000 * 0.30)
    assert break_even_month(buy, api) is None


def test_break_even_month_by_hand():
    usage = Usage(0, 0)
    buy = buy_cost(CARD, SPEED, usage)  # upfront 1200, electricity ~2.19/month
    # An alternative costing exactly $100 a month more than owning's electricity:
    # 1200 + e*m <= (e + 100)*m  <=>  m >= 12.
    pricey = OptionCost(name="API", monthly_usd=buy.running + 100, usd_per_million_tokens=None)
    assert break_even_month(buy, pricey) == 12
    slower = OptionCost(name="API", monthly_usd=buy.running + 99, usd_per_million_tokens=None)
    assert break_even_month(buy, slower) == 13


def test_volume_beyond_the_hours_on_is_flagged():
    usage = Usage(0, 36 * 3600 * 300)  # 300 hours of decode at 36 tok/s
    assert "more than the" in buy_cost(CARD, SPEED, usage).note


def test_end_labels_are_spread_apart_in_order_and_kept_in_the_plot():
    from estimator.cost_chart import spread_labels

    assert spread_labels([100, 104, 300], 15, 10, 290) == [100, 115, 290]
    assert spread_labels([280, 285, 289], 15, 10, 290) == [260, 275, 290]
    assert spread_labels([50, 200], 15, 10, 290) == [50, 200]
