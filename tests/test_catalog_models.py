import pytest
from django.db import IntegrityError, transaction

from catalog.models import Benchmark, Hardware, Model, Vendor

pytestmark = pytest.mark.django_db


def make_hardware(**overrides):
    values = {
        "slug": "test-card",
        "name": "Test Card",
        "vendor": Vendor.objects.get(slug="nvidia"),
        "kind": "discrete_gpu",
        "memory_gb": 16,
        "bandwidth_gb_s": 500,
        "backend": "cuda",
        "source_url": "https://example.com/spec",
    }
    values.update(overrides)
    return Hardware.objects.create(**values)


@pytest.mark.parametrize(
    "field,value", [("memory_gb", -8), ("memory_gb", 0), ("bandwidth_gb_s", 0)]
)
def test_database_rejects_non_positive_memory_and_bandwidth(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_hardware(**{field: value})


def test_cpu_rows_may_leave_memory_empty():
    cpu = make_hardware(slug="test-cpu", kind="cpu", memory_gb=None, backend="cpu")
    assert cpu.memory_gb is None


def test_active_parameters_cannot_exceed_total():
    model = Model.objects.get(slug="llama-3.1-8b")
    model.pk = None
    model.slug = "broken-model"
    model.active_params_b = model.params_b + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        model.save()


def test_benchmark_setup_and_source_is_unique():
    existing = Benchmark.objects.first()
    duplicate = Benchmark.objects.get(pk=existing.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_benchmark_needs_a_speed():
    existing = Benchmark.objects.first()
    existing.pk = None
    existing.context_tokens = 99999
    existing.decode_tok_s = None
    existing.prefill_tok_s = None
    with pytest.raises(IntegrityError), transaction.atomic():
        existing.save()


def test_str_and_urls():
    hardware = Hardware.objects.get(slug="rtx-4090")
    model = Model.objects.get(slug="llama-3.1-8b")
    assert str(hardware) == "GeForce RTX 4090"
    assert hardware.get_absolute_url() == "/hardware/rtx-4090/"
    assert str(model) == "Llama 3.1 8B Instruct"
    assert model.get_absolute_url() == "/models/llama-3.1-8b/"
    multi = Benchmark.objects.filter(gpu_count=4).select_related("hardware").first()
    assert " x4 " in str(multi)


def test_hardware_sources_split_into_urls():
    hardware = Hardware.objects.get(slug="rtx-2060")
    assert len(hardware.source_urls) == 2
    assert all(url.startswith("https://") for url in hardware.source_urls)


def test_memory_variants_for_apple_silicon():
    chip = Hardware.objects.get(slug="apple-m4-max-40c")
    assert [gb for _slug, gb in chip.memory_variants] == [48, 64, 128]
    assert Hardware.objects.get(slug="rtx-4090").memory_variants == []
