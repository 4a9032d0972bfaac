"""Choose my GPU: ranking within budget, platform and fit; ties; bad input; the page itself.

The tests rank the shipped catalog together with cards and models of their own, and name only
their own rows: fast cards (so they stay among the ranked) with prices, memory and launch years
chosen for each test."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from catalog.models import PricePoint
from tests.factories import (
    HardwareFactory,
    ModelFactory,
    PricePointFactory,
    VendorFactory,
    large_model,
    mac,
)

pytestmark = pytest.mark.django_db

URL = "/choose-my-gpu/"
CHAT, CODER, BIG = "cg-8b", "cg-32b", "cg-70b"


@pytest.fixture(autouse=True)
def models():
    """An 8B chat model, a 32B coder (about 20 GB of weights at Q4_K_M) and a 70B model."""
    return {
        CHAT: ModelFactory(slug=CHAT, name="CG Chat 8B"),
        CODER: ModelFactory(
            slug=CODER, name="CG Coder 32B", params_b=32.8, layers=64, hidden_size=5120,
            attention_heads=40, use_cases=["coding"],
        ),
        BIG: large_model(slug=BIG, name="CG 70B Instruct"),
    }  # fmt: skip


def card(slug, vendor="nvidia", **fields):
    """A card of the test's own from a shipped vendor (the platform filter names vendors)."""
    return HardwareFactory(
        slug=slug, name=slug.upper(), vendor=VendorFactory(slug=vendor), **fields
    )


@pytest.fixture
def cards():
    """Cards at round prices: two fast 24 GB ones, a 16 GB one as slow as a budget card, two
    12 GB twins (same memory, bandwidth and price), a 12 GB budget card, and a fast 24 GB card
    launched in 2020."""
    return {
        "big": card("cg-24", memory_gb=24, bandwidth_gb_s=1900, launch_msrp_usd=900),
        "big_slow": card("cg-24-slow", memory_gb=24, bandwidth_gb_s=1700, launch_msrp_usd=850),
        "sixteen": card("cg-16", memory_gb=16, bandwidth_gb_s=288, launch_msrp_usd=450),
        "twin": card("cg-twin", memory_gb=12, bandwidth_gb_s=1600, launch_msrp_usd=599),
        "twin_super": card("cg-twin-s", memory_gb=12, bandwidth_gb_s=1600, launch_msrp_usd=599),
        "budget": card("cg-12", memory_gb=12, bandwidth_gb_s=500, launch_msrp_usd=300),
        "old": card(
            "cg-old", memory_gb=24, bandwidth_gb_s=1500, launch_msrp_usd=1499, launch_year=2020,
            tdp_w=350,
        ),
    }  # fmt: skip


def choose(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.context["choice"]


def slugs(options):
    return {option.candidate.slug for option in options}


def test_empty_form_shows_the_form_without_a_ranking(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["choice"] is None
    assert b'<form method="get" action="/choose-my-gpu/"' in response.content


def test_ranking_stays_within_budget_and_every_option_meets_every_need(client, cards):
    choice = choose(client, budget=800, model=CHAT, min_tok_s=20)
    assert choice.ranked and "cg-twin" in slugs(choice.ranked)
    for option in choice.ranked:
        assert option.price_usd <= 800
        assert option.meets_all
        (run,) = option.runs
        assert run.model.slug == CHAT
        assert run.verdict == "fits" and run.tok_s >= 20
    speeds = [option.runs[0].shown_tok_s for option in choice.ranked]
    assert speeds == sorted(speeds, reverse=True)
    assert [option.rank for option in choice.ranked] == list(range(1, len(speeds) + 1))


def test_platform_preference_keeps_only_that_vendor(client, cards):
    card("cg-amd", vendor="amd", memory_gb=16, bandwidth_gb_s=1700, launch_msrp_usd=700)
    choice = choose(client, budget=1200, model=CHAT, platform="amd")
    assert "cg-amd" in slugs(choice.ranked)
    assert {option.candidate.vendor for option in choice.ranked} == {"amd"}
    assert all(option.candidate.vendor == "amd" for option in choice.over_budget)


def test_a_card_that_cannot_hold_the_model_is_never_ranked(client, cards):
    choice = choose(client, budget=2000, model=CODER, min_tok_s=10)
    names = slugs(choice.ranked)
    # 32B at Q4_K_M is about 20 GB of weights: a 16 GB card holds it only with offload to
    # system RAM, which is far below 10 tok/s.
    assert "cg-24" in names
    assert "cg-16" not in names
    assert all(option.memory_gb >= 20 for option in choice.ranked)
    assert all(option.runs[0].tok_s >= 10 for option in choice.ranked)


def test_offload_to_system_ram_counts_only_when_it_reaches_the_speed(client, cards):
    slow_ok = choose(client, budget=600, model=CODER, min_tok_s=1, platform="nvidia")
    offloaded = [o for o in slow_ok.ranked if o.runs[0].verdict == "partial_offload"]
    assert "cg-12" in slugs(offloaded)
    assert offloaded and all(o.runs[0].tok_s >= 1 for o in offloaded)
    assert all("system RAM" in o.why for o in offloaded)


def test_when_the_only_fit_is_over_budget_it_is_offered_and_the_limit_explained(client, cards):
    choice = choose(client, budget=800, model=BIG, min_tok_s=10)
    assert choice.ranked == ()
    assert any(
        "No single card or machine within $800 fits CG 70B Instruct at Q4_K_M" in limit
        for limit in choice.limits
    )
    assert choice.over_budget
    nearest = choice.over_budget[0]
    assert nearest.price_usd > 800 and nearest.meets_all
    assert nearest.why.endswith("over your budget.")
    prices = [option.price_usd for option in choice.over_budget]
    assert prices == sorted(prices)


def test_equal_speed_and_price_sit_together_and_read_in_plain_words(client, cards):
    # The twins share 12 GB, 1,600 GB/s and a $599 price: decode is memory-bound.
    response = client.get(URL, {"budget": 600, "model": CHAT, "platform": "nvidia"})
    choice = response.context["choice"]
    by_slug = {option.candidate.slug: option for option in choice.ranked}
    plain, super_ = by_slug["cg-twin"], by_slug["cg-twin-s"]
    assert plain.runs[0].shown_tok_s == super_.runs[0].shown_tok_s
    assert abs(plain.rank - super_.rank) == 1
    leader = choice.ranked[0]
    assert leader.why == "Fastest within your budget."
    for option in (plain, super_):
        if option.rank > 1:
            assert "than #1" in option.why or "as fast as #1" in option.why.lower()
    assert "Tied with" not in response.content.decode()
    assert "listed by name" not in response.content.decode()


def test_the_reason_says_how_much_slower_and_cheaper_than_number_one(client, cards):
    choice = choose(client, budget=1000, model=CODER)
    first, second = choice.ranked[:2]
    assert [first.candidate.slug, second.candidate.slug] == ["cg-24", "cg-24-slow"]
    percent = round((1 - second.bottleneck_tok_s / first.bottleneck_tok_s) * 100)
    saving = first.price_usd - second.price_usd
    assert second.why.startswith(f"{percent}% slower than #1 and ${saving:,.0f} cheaper")


def test_a_pair_of_cards_is_offered_when_one_card_cannot_hold_the_model(client, cards):
    choice = choose(client, budget=3200, model=BIG, gpus=2, condition="used", min_tok_s=5)
    pairs = [option for option in choice.ranked if option.gpu_count == 2]
    assert pairs
    pair = next(option for option in pairs if option.candidate.slug == "cg-old")
    assert pair.price_usd == 2 * pair.candidate.price_usd
    assert pair.power_w == 2 * cards["old"].tdp_w
    assert pair.runs[0].verdict == "fits"


def test_older_cards_appear_only_when_used_is_allowed(client, cards):
    new_only = choose(client, budget=1600, model=CHAT)
    used = choose(client, budget=1600, model=CHAT, condition="used")
    assert "cg-old" not in slugs(new_only.ranked)
    older = next(option for option in used.ranked if option.candidate.slug == "cg-old")
    assert older.older


def test_macs_without_prices_are_listed_as_unpriced_not_ranked(client):
    mac(slug="cg-mac", launch_msrp_usd=None)
    response = client.get(URL, {"budget": 3000, "model": CHAT, "form_factor": "mac"})
    choice = response.context["choice"]
    assert "cg-mac" in slugs(choice.unpriced) and "cg-mac" not in slugs(choice.ranked)
    assert all(option.candidate.price_usd for option in choice.ranked)
    assert choice.unpriced and all(o.candidate.kind == "apple_silicon" for o in choice.unpriced)
    assert b"no price in the catalog" in response.content


def test_every_speed_shows_its_basis(client, cards):
    response = client.get(URL, {"budget": 2000, "model": CHAT})
    choice = response.context["choice"]
    bases = {option.runs[0].speed.basis for option in choice.ranked}
    assert bases <= {"measured", "community", "scaled", "estimated"}
    assert b'href="/methodology/' in response.content


@pytest.mark.parametrize(
    "params,field,message",
    [
        ({"budget": -5, "model": CHAT}, "Budget (USD)", "greater than or equal to 1"),
        ({"budget": 800}, "Models", "Choose at least one model"),
        ({"budget": 800, "model": "nope-70b"}, "Models", "We have no model called “nope-70b”"),
        ({"budget": 800, "model": "cg-short", "context": 65536}, "Context (tokens)", "8,192"),
    ],
)
def test_bad_input_gives_400_with_the_field_named(client, params, field, message):
    ModelFactory(slug="cg-short", max_context=8192)
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{field}</a>: " in body
    assert message in body
    assert response.context["choice"] is None


def test_htmx_request_gets_only_the_results_partial(client):
    response = client.get(
        URL,
        {"budget": 800, "model": CHAT},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="results"')
    assert "<html" not in body


def test_each_configuration_goes_through_the_estimator_once(client, cards):
    """What keeps the answer fast on the whole catalog: each card (and pair) is estimated at
    most once per model, however many quants the ladder holds."""
    client.get(URL, {"budget": 100, "model": CHAT})  # warm the catalog snapshot
    params = {"budget": 1500, "model": [CHAT, CODER], "gpus": 2, "condition": "used"}
    for budget in (1500, 1501, 1502):  # distinct URLs: the page cache cannot answer
        response = client.get(URL, {**params, "budget": budget})
        assert response.status_code == 200
        choice = response.context["choice"]
        assert 0 < choice.evaluated <= 2 * choice.matching * 2


def test_the_ranking_reads_the_in_memory_catalog_not_the_database(
    client, django_assert_max_num_queries
):
    client.get(URL, {"budget": 100, "model": CHAT})  # builds the catalog snapshot
    with django_assert_max_num_queries(1):
        response = client.get(URL, {"budget": 1200, "model": CODER, "gpus": 2})
    assert response.status_code == 200


# --- the form as a browser submits it ------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of one form as a browser would submit them untouched: inputs with their
    value, selects with their selected option (the first when none is marked)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.select = form_id, False, None
        self.fields, self.first_option, self.selected = [], {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "checkbox"):
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.select = (attrs["name"], "multiple" in attrs)
        elif tag == "option" and self.select:
            name, multiple = self.select
            value = attrs.get("value", "")
            self.first_option.setdefault(name, None if multiple else value)
            if "selected" in attrs:
                self.selected.setdefault(name, []).append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, _multiple = self.select
            for value in self.selected.get(name) or [self.first_option.get(name)]:
                if value is not None:
                    self.fields.append((name, value))
            self.select = None


def submitted_by_hand(client, **typed):
    """The query a visitor sends after loading the empty form and filling in only `typed`."""
    reader = _FormReader("choose-form")
    reader.feed(client.get(URL).content.decode())
    fields = [(name, typed.pop(name) if name in typed else value) for name, value in reader.fields]
    return fields + list(typed.items())  # a multiple select with nothing picked sends nothing


def ranked_slugs(client, query):
    response = client.get(URL + "?" + urlencode(query))
    assert response.status_code == 200, response.content.decode()[:2000]
    return [
        (option.candidate.slug, option.gpu_count) for option in response.context["choice"].ranked
    ]


def test_the_form_filled_in_by_hand_answers_like_the_shared_link(client, cards):
    by_hand = submitted_by_hand(client, budget="1000", model=CODER)
    assert ("quant_floor", "Q4_K_M") in by_hand and ("min_tok_s", "10.0") in by_hand
    from_link = ranked_slugs(client, {"budget": 1000, "model": CODER})
    assert from_link  # $1,000 buys a card that runs a 32B coder at 10 tok/s or more
    assert ranked_slugs(client, by_hand) == from_link


def test_a_shared_link_shows_the_defaults_it_applied_in_the_fields(client):
    body = client.get(URL, {"budget": 1000, "model": CODER}).content.decode()
    assert 'name="min_tok_s" value="10.0"' in body
    assert '<option value="Q4_K_M" selected>Q4_K_M</option>' in body
    assert 'name="context" value="4096"' in body


def test_an_explicit_quant_floor_still_counts(client, cards):
    strict = ranked_slugs(client, {"budget": 1000, "model": CODER, "quant_floor": "Q8_0"})
    loose = ranked_slugs(client, {"budget": 1000, "model": CODER})
    assert len(strict) < len(loose)


# --- used prices ----------------------------------------------------------------------------

USED_SOURCE = "https://example.org/sold-listings/cg-old"


@pytest.fixture
def used_old(cards):
    hardware = cards["old"]
    PricePointFactory(
        hardware=hardware,
        price_usd="820.00",
        observed_on=datetime.date(2026, 9, 1),
        condition="used",
        retailer="Old listings",
        source_url="https://example.org/old",
    )
    PricePointFactory(
        hardware=hardware,
        price_usd="700.00",
        observed_on=datetime.date(2026, 11, 12),
        condition="used",
        retailer="eBay sold listings",
        source_url=USED_SOURCE,
    )
    return hardware


def test_used_allowed_prices_a_card_at_its_latest_used_price_with_date_and_source(client, used_old):
    response = client.get(URL, {"budget": 1000, "model": CHAT, "condition": "used"})
    choice = response.context["choice"]
    option = next(o for o in choice.ranked if o.candidate.slug == "cg-old")
    assert option.price_usd == 700  # the latest used price, not the launch MSRP or an older one
    assert option.candidate.price_basis == "used"
    body = response.content.decode()
    assert f'href="{USED_SOURCE}"' in body
    assert "used, eBay sold listings, 12 Nov 2026" in body
    assert any("Used prices are recorded used-market listings" in c for c in choice.caveats)


def test_new_only_ignores_used_prices(client, used_old):
    choice = choose(client, budget=2000, model=CHAT)
    assert "cg-old" not in slugs(choice.ranked)
    assert all(option.candidate.price_basis != "used" for option in choice.ranked)


def test_an_older_card_without_a_used_price_says_it_is_at_launch_msrp(client, used_old):
    unpriced_old = card(
        "cg-old-b", memory_gb=24, bandwidth_gb_s=1450, launch_msrp_usd=1199, launch_year=2019
    )
    response = client.get(URL, {"budget": 3000, "model": CHAT, "condition": "used"})
    choice = response.context["choice"]
    unpriced_used = [o for o in choice.shown if o.older and o.candidate.price_basis != "used"]
    assert "cg-old-b" in slugs(unpriced_used)
    own = next(o for o in unpriced_used if o.candidate.slug == "cg-old-b")
    assert own.price_usd == float(unpriced_old.price_usd)
    names = unpriced_used[0].candidate.name
    assert any("No used price is on record for" in c and names in c for c in choice.caveats)
    assert "launch MSRP; no used price on record" in response.content.decode()


def test_a_used_price_above_the_new_price_is_not_used(client, cards):
    hardware = cards["big"]
    PricePointFactory(
        hardware=hardware,
        price_usd=str(float(hardware.price_usd) + 100),
        observed_on=datetime.date(2026, 11, 1),
        condition="used",
        source_url="https://example.org/dear",
    )
    choice = choose(client, budget=3000, model=CHAT, condition="used")
    option = next(o for o in choice.ranked if o.candidate.slug == "cg-24")
    assert option.price_usd == float(hardware.price_usd)
    assert option.candidate.price_basis != "used"


def test_caveats_name_only_what_applies(client, cards):
    single = choose(client, budget=800, model=CHAT)
    assert single.ranked
    assert not any("pair of cards" in c for c in single.caveats)
    assert not any("Used prices" in c or "used price" in c for c in single.caveats)
    assert not any("system RAM" in c for c in single.caveats)
    pairs = choose(client, budget=3200, model=BIG, gpus=2, condition="used", min_tok_s=5)
    assert any(o.gpu_count == 2 for o in pairs.shown)
    assert any("pair of cards" in c for c in pairs.caveats)


def test_used_prices_cost_one_query(client, used_old, django_assert_max_num_queries):
    client.get(URL, {"budget": 100, "model": CHAT})  # builds the catalog snapshot
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"budget": 1200, "model": CHAT, "condition": "used"})
    assert response.status_code == 200


def test_a_used_price_past_the_freshness_rule_says_it_may_be_out_of_date(client, cards):
    hardware = cards["old"]
    PricePointFactory(
        hardware=hardware,
        price_usd="650.00",
        observed_on=datetime.date(2024, 1, 10),
        condition="used",
        retailer="Old auction",
        source_url="https://example.org/old-auction",
    )
    assert PricePoint.objects.filter(hardware=hardware, condition="used").count() == 1
    response = client.get(URL, {"budget": 1000, "model": CHAT, "condition": "used"})
    option = next(o for o in response.context["choice"].ranked if o.candidate.slug == "cg-old")
    assert option.price_usd == 650 and option.candidate.price_stale
    assert 'used, Old auction, 10 Jan 2024</a> <span class="basis">(may be out of date)' in (
        response.content.decode()
    )


def test_laptop_gpus_are_laptops_never_desktop_cards_or_pairs(client, cards):
    card(
        "cg-laptop", memory_gb=24, bandwidth_gb_s=1900, launch_msrp_usd=500,
        interface="Laptop (soldered)",
    )  # fmt: skip
    desktop = choose(client, budget=2000, model=CHAT, form_factor="desktop", max_gpus=2)
    assert "cg-laptop" not in slugs(desktop.ranked) and "cg-24" in slugs(desktop.ranked)
    laptop = choose(client, budget=2000, model=CHAT, form_factor="laptop", max_gpus=2)
    assert "cg-laptop" in slugs(laptop.ranked) and "cg-24" not in slugs(laptop.ranked)
    assert all(option.gpu_count == 1 for option in laptop.ranked)
