from datetime import date

import pytest
from django.db import IntegrityError, transaction

from catalog.models import Benchmark
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory, PricePointFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field,value", [("memory_gb", -8), ("memory_gb", 0), ("bandwidth_gb_s", 0)]
)
def test_database_rejects_non_positive_memory_and_bandwidth(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        HardwareFactory(**{field: value})


def test_cpu_rows_may_leave_memory_empty():
    cpu = HardwareFactory(kind="cpu", memory_gb=None, backend="cpu")
    cpu.refresh_from_db()
    assert cpu.memory_gb is None


def test_active_parameters_cannot_exceed_total():
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelFactory(params_b=8.0, active_params_b=9.0)


def test_benchmark_setup_and_source_is_unique():
    existing = BenchmarkFactory()
    duplicate = Benchmark.objects.get(pk=existing.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_benchmark_needs_a_speed():
    with pytest.raises(IntegrityError), transaction.atomic():
        BenchmarkFactory(decode_tok_s=None, prefill_tok_s=None)


def test_str_and_urls():
    hardware = HardwareFactory(slug="test-card", name="Test Card 24GB")
    model = ModelFactory(slug="test-model-8b", name="Test Model 8B Instruct")
    assert str(hardware) == "Test Card 24GB"
    assert hardware.get_absolute_url() == "/hardware/test-card/"
    assert str(model) == "Test Model 8B Instruct"
    assert model.get_absolute_url() == "/models/test-model-8b/"
    multi = BenchmarkFactory(hardware=hardware, model=model, gpu_count=4)
    assert str(multi).startswith("Test Card 24GB x4 ")


def test_hardware_sources_split_into_urls():
    hardware = HardwareFactory(source_url="https://a.example.com/spec ; https://b.example.com/spec")
    assert hardware.source_urls == ["https://a.example.com/spec", "https://b.example.com/spec"]


def test_memory_variants_for_hardware_sold_in_several_sizes():
    chip = HardwareFactory(slug="test-chip", memory_options_gb=[48, 64, 128])
    assert chip.memory_variants == [
        ("test-chip-48gb", 48),
        ("test-chip-64gb", 64),
        ("test-chip-128gb", 128),
    ]
    assert HardwareFactory(memory_options_gb=[24]).memory_variants == []
    assert HardwareFactory().memory_variants == []


def test_the_newest_new_offer_becomes_the_street_price_every_tool_ranks():
    card = HardwareFactory(launch_msrp_usd=999)
    PricePointFactory(hardware=card, price_usd=1249, observed_on=date(2026, 9, 1), condition="new")
    PricePointFactory(hardware=card, price_usd=1099, observed_on=date(2026, 10, 1), condition="new")
    PricePointFactory(  # an older listing read later changes nothing
        hardware=card, price_usd=1399, observed_on=date(2026, 8, 1), condition="new"
    )
    PricePointFactory(hardware=card, price_usd=700, observed_on=date(2026, 11, 1), condition="used")
    card.refresh_from_db()
    assert (card.price_usd, card.price_basis) == (1099, "street")
    assert card.street_price_date == date(2026, 10, 1)
