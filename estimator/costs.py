"""Cost of the same tokens three ways: buy hardware, rent a cloud GPU, or pay an API.

Pure arithmetic on plain numbers (no Django): the page, its tests and anyone checking our sums
by hand use the same functions. Throughputs come from the estimator or a cited measurement.
"""

from dataclasses import dataclass

DAYS_PER_MONTH = 365.25 / 12  # average calendar month
MILLION = 1_000_000


@dataclass(frozen=True)
class Usage:
    input_tokens_per_month: float
    output_tokens_per_month: float

    @property
    def total_tokens(self):
        return self.input_tokens_per_month + self.output_tokens_per_month


@dataclass(frozen=True)
class Throughput:
    prefill_tok_s: float
    decode_tok_s: float

    def busy_hours(self, usage):
        """Hours of work to process a month's tokens at these speeds (single stream)."""
        if usage.total_tokens == 0:
            return 0.0
        seconds = usage.input_tokens_per_month / self.prefill_tok_s
        seconds += usage.output_tokens_per_month / self.decode_tok_s
        return seconds / 3600


@dataclass(frozen=True)
class OwnedHardware:
    purchase_usd: float
    load_watts: float
    idle_watts: float
    hours_on_per_day: float
    years_of_use: float
    resale_usd: float
    electricity_usd_per_kwh: float


@dataclass(frozen=True)
class OptionCost:
    name: str
    monthly_usd: float  # everything spread per month (for buying: includes depreciation)
    usd_per_million_tokens: float | None
    upfront_usd: float = 0.0  # paid at month 0 (for buying: purchase less resale)
    running_usd_per_month: float | None = None  # paid each month after the upfront sum
    note: str = ""

    @property
    def running(self):
        return (
            self.monthly_usd if self.running_usd_per_month is None else self.running_usd_per_month
        )

    def cumulative(self, month):
        return self.upfront_usd + self.running * month


def per_million(monthly_usd, usage):
    if usage.total_tokens == 0:
        return None
    return monthly_usd / (usage.total_tokens / MILLION)


def buy_cost(hardware, throughput, usage):
    """Electricity each month (busy at load power, the rest of the on-time idle) plus the
    purchase spread over the years of use, net of resale."""
    busy = throughput.busy_hours(usage)
    on_hours = hardware.hours_on_per_day * DAYS_PER_MONTH
    idle = max(0.0, on_hours - busy)
    kwh = (hardware.load_watts * busy + hardware.idle_watts * idle) / 1000
    electricity = kwh * hardware.electricity_usd_per_kwh
    months = hardware.years_of_use * 12
    depreciation = (hardware.purchase_usd - hardware.resale_usd) / months
    note = ""
    if busy > on_hours:
        note = (
            f"This volume needs {busy:,.0f} hours of generation a month, more than the "
            f"{on_hours:,.0f} hours the machine is on."
        )
    total = electricity + depreciation
    return OptionCost(
        name="Buy",
        monthly_usd=total,
        usd_per_million_tokens=per_million(total, usage),
        upfront_usd=hardware.purchase_usd - hardware.resale_usd,
        running_usd_per_month=electricity,
        note=note,
    )


def rent_cost(usd_per_hour, throughput, usage, minimum_hours=0.0):
    """Pay only for the hours the work takes on the rented GPU."""
    hours = max(throughput.busy_hours(usage), minimum_hours if usage.total_tokens else 0.0)
    monthly = hours * usd_per_hour
    return OptionCost(
        name="Rent", monthly_usd=monthly, usd_per_million_tokens=per_million(monthly, usage)
    )


def api_cost(input_usd_per_m, output_usd_per_m, usage):
    monthly = (
        usage.input_tokens_per_month / MILLION * input_usd_per_m
        + usage.output_tokens_per_month / MILLION * output_usd_per_m
    )
    return OptionCost(
        name="API", monthly_usd=monthly, usd_per_million_tokens=per_million(monthly, usage)
    )


def break_even_month(buy, alternative, horizon_months=120):
    """First whole month when owning (net purchase + electricity so far) has cost no more than
    the alternative so far; None when that never happens within the horizon."""
    if alternative.running <= buy.running:
        return None
    for month in range(1, horizon_months + 1):
        if buy.cumulative(month) <= alternative.cumulative(month):
            return month
    return None


def cumulative_series(options, months):
    """[(month, {name: cumulative USD})] for a chart of cost over time."""
    return [(m, {o.name: o.cumulative(m) for o in options}) for m in range(0, months + 1)]
