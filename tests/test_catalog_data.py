"""Checks on the shipped data itself (catalog/data/*.csv): every figure has a source, model
shapes are self-consistent, hardware rows are sane, prices are dated, and seeding is idempotent."""

import csv
import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from catalog.models import Backend, Condition

DATA = Path(__file__).resolve().parent.parent / "catalog" / "data"
# vendors.csv only names companies; every other table carries figures and so a source.
NAMES_ONLY = {"vendors.csv"}


def rows(name):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [(line, row) for line, row in enumerate(csv.DictReader(handle), start=2)]


def number(text):
    return float(text) if text and text.strip() else None


def sourced_tables():
    return sorted(p.name for p in DATA.glob("*.csv") if p.name not in NAMES_ONLY)


@pytest.mark.parametrize("name", sourced_tables())
def test_every_row_names_its_source_url(name):
    missing = []
    for line, row in rows(name):
        assert "source" in row, f"{name} has no source column"
        urls = [part.strip() for part in (row["source"] or "").split(" ; ")]
        if not all(url.startswith(("https://", "http://")) for url in urls):
            missing.append(f"{name}:{line} {row['source']!r}")
    assert not missing, missing


def test_moe_models_activate_no_more_than_they_hold():
    wrong = []
    for line, row in rows("models.csv"):
        total, active = number(row["params_b"]), number(row["active_params_b"])
        if active is not None and active > total:
            wrong.append(f"models.csv:{line} {row['slug']}: active {active} > total {total}")
        experts, per_token = number(row["expert_count"]), number(row["experts_per_token"])
        if (experts is None) != (per_token is None):
            wrong.append(
                f"models.csv:{line} {row['slug']}: experts and experts per token go together"
            )
        elif experts is not None and per_token > experts:
            wrong.append(f"models.csv:{line} {row['slug']}: {per_token} of {experts} experts")
        shared = number(row.get("shared_experts"))
        if shared is not None and experts is not None and shared > experts:
            wrong.append(f"models.csv:{line} {row['slug']}: {shared} shared of {experts}")
    assert not wrong, wrong


def test_attention_shapes_are_self_consistent():
    """KV heads divide the attention heads (grouped-query attention); without a stated head_dim
    the hidden size splits evenly over the heads; global layers are a subset of all layers."""
    wrong = []
    for line, row in rows("models.csv"):
        where = f"models.csv:{line} {row['slug']}"
        heads, kv_heads = number(row["num_attention_heads"]), number(row["num_kv_heads"])
        hidden, head_dim = number(row["hidden_size"]), number(row["head_dim"])
        layers, full = number(row["num_layers"]), number(row["full_attention_layers"])
        mla = bool((row.get("kv_lora_rank") or "").strip())
        if heads and kv_heads and not mla and heads % kv_heads:
            wrong.append(f"{where}: {kv_heads:g} KV heads do not divide {heads:g} heads")
        if kv_heads and heads and kv_heads > heads and not mla:
            wrong.append(f"{where}: more KV heads than attention heads")
        if heads and hidden and head_dim is None and hidden % heads:
            wrong.append(f"{where}: hidden {hidden:g} does not split over {heads:g} heads")
        if full is not None and layers is not None and full > layers:
            wrong.append(f"{where}: {full:g} full-attention layers of {layers:g}")
    assert not wrong, wrong


def test_hardware_rows_are_sane():
    wrong = []
    for line, row in rows("hardware.csv"):
        where = f"hardware.csv:{line} {row['slug']}"
        if not number(row["bandwidth_gb_s"]) or number(row["bandwidth_gb_s"]) <= 0:
            wrong.append(f"{where}: bandwidth must be positive")
        backends = [b.strip() for b in row["backends"].split(";") if b.strip()]
        if not backends or backends[0] != row["backend"]:
            wrong.append(f"{where}: backends {backends} must start with the usual {row['backend']}")
        if set(backends) - set(Backend.values):
            wrong.append(f"{where}: unknown backend in {backends}")
        if row["fp16_tflops_printed"].strip() and not row["fp16_tflops_convention"].strip():
            wrong.append(f"{where}: a printed compute figure needs what it counts")
        options = [int(o) for o in row["memory_options_gb"].split(";") if o.strip()]
        if options and max(options) != number(row["memory_gb"]):
            wrong.append(f"{where}: memory_gb must be the largest of {options}")
    assert not wrong, wrong


def test_geforce_compute_is_the_fp32_accumulate_convention():
    """GeForce fp16_tflops is dense FP16 with FP32 accumulate: the RTX 5090's whitepaper figure
    is 209.5 (419 is the FP16-accumulate rate), the RTX 4090's 165.2."""
    by_slug = {row["slug"]: row for _line, row in rows("hardware.csv")}
    assert number(by_slug["rtx-5090"]["fp16_tflops"]) == 209.5
    assert number(by_slug["rtx-4090"]["fp16_tflops"]) == 165.2
    assert number(by_slug["rtx-4090"]["fp16_tflops_printed"]) == 330.3


def test_usual_backend_follows_the_platform():
    """Issue 16: GB10 machines are CUDA; AMD unified-memory PCs run Vulkan or ROCm by choice;
    Intel Arc is SYCL with Vulkan beside it; Apple Silicon is Metal."""
    wrong = []
    for line, row in rows("hardware.csv"):
        where = f"hardware.csv:{line} {row['slug']}"
        backends = set(row["backends"].split(";"))
        platform = (row["vendor"], row["kind"])
        if platform == ("NVIDIA", "apu") and row["backend"] != "cuda":
            wrong.append(f"{where}: a GB10 machine runs CUDA first, not {row['backend']}")
        if platform == ("AMD", "apu") and not {"vulkan", "rocm"} <= backends:
            wrong.append(f"{where}: an AMD unified-memory PC offers Vulkan and ROCm")
        if platform == ("Intel", "discrete_gpu") and (
            row["backend"] != "sycl" or "vulkan" not in backends
        ):
            wrong.append(f"{where}: Intel Arc is SYCL first with Vulkan beside it")
        if row["kind"] == "apple_silicon" and row["backend"] != "metal":
            wrong.append(f"{where}: Apple Silicon runs Metal first")
    assert not wrong, wrong


def test_no_price_is_observed_before_its_hardware_launched():
    launched = {row["slug"]: number(row["launch_year"]) for _line, row in rows("hardware.csv")}
    wrong = []
    for line, row in rows("hardware_prices.csv"):
        year = launched.get(row["hardware"])
        seen = datetime.date.fromisoformat(row["observed_on"])
        if year and seen.year < year:
            wrong.append(
                f"hardware_prices.csv:{line}: {row['hardware']} priced {seen}, launched {year:g}"
            )
    assert not wrong, wrong


def test_prices_are_dated_sourced_and_name_real_hardware():
    hardware = {row["slug"] for _line, row in rows("hardware.csv")}
    today = datetime.date.today()
    wrong = []
    for line, row in rows("hardware_prices.csv"):
        where = f"hardware_prices.csv:{line}"
        if row["hardware"] not in hardware:
            wrong.append(f"{where}: unknown hardware {row['hardware']!r}")
        seen = datetime.date.fromisoformat(row["observed_on"])
        if seen > today:
            wrong.append(f"{where}: observed in the future ({seen})")
        if row["condition"] not in Condition.values:
            wrong.append(f"{where}: condition {row['condition']!r}")
        if not number(row["price_usd"]) or number(row["price_usd"]) <= 0:
            wrong.append(f"{where}: price must be positive")
        if not row["retailer"].strip():
            wrong.append(f"{where}: name the retailer")
    assert not wrong, wrong


@pytest.mark.django_db
def test_seeding_again_changes_nothing():
    out = StringIO()
    call_command("seed", stdout=out)
    assert "Seed complete: 0 rows changed." in out.getvalue(), out.getvalue()
