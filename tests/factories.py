"""factory_boy factories for catalog rows a test owns.

A test about behaviour builds the rows it talks about here, with its own names and figures, so an
editor's change to the shipped catalog cannot break it. Figures are test figures, not facts; the
shipped data has its own checks (tests/test_shipped_content.py, tests/test_catalog_data.py).
"""

import csv
import datetime
import io
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from catalog.models import (
    ApiPrice,
    Benchmark,
    CloudOffer,
    Hardware,
    Model,
    ModelFamily,
    PricePoint,
    QuantFormat,
    Runtime,
    RuntimeInstall,
    Vendor,
)
from catalog.offers import Offer

SOURCE = "https://example.com/test-source"


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("slug",)

    slug = "test-vendor"
    name = "Test Vendor"


class HardwareFactory(DjangoModelFactory):
    """A 24 GB, 1 TB/s discrete GPU unless told otherwise."""

    class Meta:
        model = Hardware

    slug = factory.Sequence(lambda n: f"test-gpu-{n}")
    name = factory.Sequence(lambda n: f"Test GPU {n}")
    vendor = factory.SubFactory(VendorFactory)
    kind = "discrete_gpu"
    memory_gb = 24.0
    memory_type = "GDDR6X"
    bandwidth_gb_s = 1000.0
    fp16_tflops = 150.0
    tdp_w = 350
    launch_year = 2024
    launch_msrp_usd = Decimal("1000")
    backend = "cuda"
    backends = factory.LazyAttribute(lambda hw: [hw.backend])
    source_url = SOURCE


class ModelFamilyFactory(DjangoModelFactory):
    class Meta:
        model = ModelFamily
        django_get_or_create = ("slug",)

    slug = "test-family"
    name = "Test Family"
    organisation = "Test Lab"


class ModelFactory(DjangoModelFactory):
    """A dense 8B-class text model with grouped-query attention unless told otherwise."""

    class Meta:
        model = Model

    slug = factory.Sequence(lambda n: f"test-model-{n}")
    name = factory.Sequence(lambda n: f"Test Model {n}")
    family = factory.SubFactory(ModelFamilyFactory)
    organisation = "Test Lab"
    params_b = 8.0
    active_params_b = factory.LazyAttribute(lambda m: m.params_b)
    architecture = "dense"
    layers = 32
    hidden_size = 4096
    attention_heads = 32
    kv_heads = 8
    head_dim = 128
    vocab_size = 128000
    max_context = 131072
    attention_kind = "gqa"
    modality = "text"
    license = "Test licence"
    release_date = datetime.date(2025, 1, 1)
    source_url = SOURCE


class QuantFormatFactory(DjangoModelFactory):
    """A GGUF-family format; pass name= for one the engine knows by name (e.g. "Q4_K_M")."""

    class Meta:
        model = QuantFormat
        django_get_or_create = ("name",)

    slug = factory.LazyAttribute(lambda q: q.name.lower().replace("_", "-"))
    name = factory.Sequence(lambda n: f"TQ{n}")
    family = "gguf"
    bits_per_weight = 4.5
    source_url = SOURCE


class RuntimeFactory(DjangoModelFactory):
    class Meta:
        model = Runtime
        django_get_or_create = ("slug",)

    slug = "llama-cpp"
    name = "llama.cpp"
    kind = "llm_runtime"
    license = "MIT"
    backends = ["cuda", "metal", "vulkan", "cpu"]
    formats = ["gguf"]
    source_url = SOURCE


class BenchmarkFactory(DjangoModelFactory):
    """One verified single-GPU llama-bench style measurement."""

    class Meta:
        model = Benchmark

    hardware = factory.SubFactory(HardwareFactory)
    model = factory.SubFactory(ModelFactory)
    quant = factory.SubFactory(QuantFormatFactory)
    runtime = factory.SubFactory(RuntimeFactory)
    context_tokens = 4096
    decode_tok_s = 100.0
    prefill_tok_s = 3000.0
    prompt_tokens = 512
    command = "llama-bench -p 512 -n 128"
    source_url = factory.Sequence(lambda n: f"https://example.com/bench/{n}")
    measured_on = datetime.date(2026, 1, 1)
    verified = True


class PricePointFactory(DjangoModelFactory):
    class Meta:
        model = PricePoint

    hardware = factory.SubFactory(HardwareFactory)
    price_usd = Decimal("900")
    observed_on = factory.LazyFunction(datetime.date.today)
    retailer = "Test Shop"
    condition = "new"
    source_url = SOURCE


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    hardware = factory.SubFactory(HardwareFactory)
    retailer = "Test Shop"
    url = factory.Sequence(lambda n: f"https://shop.example.com/item/{n}")
    price = Decimal("950")
    last_checked = factory.LazyFunction(datetime.date.today)


class CloudOfferFactory(DjangoModelFactory):
    class Meta:
        model = CloudOffer

    provider = factory.Sequence(lambda n: f"Test Cloud {n}")
    hardware = factory.SubFactory(HardwareFactory)
    usd_per_hour = Decimal("0.50")
    checked_on = datetime.date(2026, 11, 1)
    source_url = "https://example.org/test-cloud-pricing"


class ApiPriceFactory(DjangoModelFactory):
    class Meta:
        model = ApiPrice

    provider = "Test API"
    model = factory.SubFactory(ModelFactory)
    input_usd_per_m = Decimal("0.10")
    output_usd_per_m = Decimal("0.50")
    checked_on = datetime.date(2026, 11, 1)
    source_url = "https://example.org/test-api-pricing"


class RuntimeInstallFactory(DjangoModelFactory):
    class Meta:
        model = RuntimeInstall

    runtime = factory.SubFactory(RuntimeFactory)
    os = "linux"
    method = factory.Sequence(lambda n: f"Method {n}")
    install_command = factory.Sequence(lambda n: f"pip install test-runtime=={n}")
    run_command = "test-runtime serve model.gguf"
    source_url = SOURCE


def mac(**fields):
    """An Apple Silicon SoC sold in 16, 48 and 64 GB of unified memory (memory_gb is the
    largest), so its memory configurations have slugs like <slug>-48gb."""
    return HardwareFactory(
        **{
            "kind": "apple_silicon",
            "backend": "metal",
            "backends": ["metal", "cpu"],
            "memory_gb": 64,
            "memory_options_gb": [16, 48, 64],
            "memory_type": "LPDDR5X",
            "bandwidth_gb_s": 400,
            "fp16_tflops": None,
            **fields,
        }
    )


def cpu(**fields):
    """A desktop CPU: no memory of its own (it runs from system RAM), 83 GB/s."""
    return HardwareFactory(
        **{
            "kind": "cpu",
            "backend": "cpu",
            "memory_gb": None,
            "memory_type": "DDR5",
            "bandwidth_gb_s": 83.2,
            "fp16_tflops": None,
            **fields,
        }
    )


def large_model(**fields):
    """A dense 70B-class text model (80 layers, 8192 wide, 8 KV heads)."""
    return ModelFactory(
        **{"params_b": 70.6, "layers": 80, "hidden_size": 8192, "attention_heads": 64, **fields}
    )


def moe_model(**fields):
    """A mixture-of-experts text model: 46.7B in all, 12.9B active (2 of 8 experts)."""
    return ModelFactory(
        **{
            "params_b": 46.7,
            "active_params_b": 12.9,
            "architecture": "moe",
            "expert_count": 8,
            "experts_per_token": 2,
            "shared_experts": 0,
            "max_context": 32768,
            **fields,
        }
    )


def grow_catalog(hardware=None, model=None, runtime=None, rows=100):
    """Add `rows` hardware, `rows` models, `rows // 5` tools (each with an install route per OS)
    and `rows * 3` benchmarks in bulk, some of them on the given hardware, model and runtime, so
    a page that queries per row shows it. Bulk inserts skip save signals, so the content version
    is bumped here as an editor's save would."""
    from core.caching import bump_content_version

    vendor, family = VendorFactory(), ModelFamilyFactory()
    quant, llama = QuantFormatFactory(name="Q4_K_M"), RuntimeFactory()
    new_hardware = Hardware.objects.bulk_create(
        HardwareFactory.build_batch(
            rows, vendor=vendor, slug=factory.Sequence(lambda n: f"grown-gpu-{n}")
        )
    )
    new_models = Model.objects.bulk_create(
        ModelFactory.build_batch(
            rows, family=family, slug=factory.Sequence(lambda n: f"grown-model-{n}")
        )
    )
    new_runtimes = Runtime.objects.bulk_create(
        RuntimeFactory.build_batch(
            rows // 5,
            slug=factory.Sequence(lambda n: f"grown-tool-{n}"),
            name=factory.Sequence(lambda n: f"Grown tool {n}"),
        )
    )
    tools = [*new_runtimes, *([runtime] if runtime else [])]
    RuntimeInstall.objects.bulk_create(
        [
            RuntimeInstallFactory.build(runtime=tool, os=os_name)
            for tool in tools
            for os_name in ("linux", "macos", "windows")
        ]
    )
    boards = [*new_hardware, *([hardware] if hardware else [])]
    models = [*new_models, *([model] if model else [])]
    Benchmark.objects.bulk_create(
        [
            BenchmarkFactory.build(
                hardware=hardware if hardware and i % 3 == 0 else boards[i % len(boards)],
                model=model if model and i % 3 == 1 else models[i % len(models)],
                quant=quant,
                runtime=runtime if runtime and i % 3 == 2 else llama,
                context_tokens=1000 + i,
            )
            for i in range(rows * 3)
        ],
        batch_size=500,
    )
    bump_content_version()


def edit_seed_row(path, where, **changes):
    """In a copy of a seed CSV file, rewrite the first data row that `where` accepts, setting
    each changed column to a value or to a function of its old value; return the line the row
    starts on. Other rows keep their text, so a test picks a row by what it holds, not by the
    slug or figures the shipped file happens to have."""
    lines = path.read_text().splitlines(keepends=True)
    reader = csv.reader(lines)
    header = next(reader)
    start = reader.line_num + 1
    for values in reader:
        row = dict(zip(header, values, strict=True))
        if where(row):
            for column, new in changes.items():
                assert column in row, column
                row[column] = new(row[column]) if callable(new) else new
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerow(row.values())
            lines[start - 1 : reader.line_num] = [out.getvalue()]
            path.write_text("".join(lines))
            return start
        start = reader.line_num + 1
    raise AssertionError(f"no row of {path.name} to edit")
