"""Loaders for the catalog's CSV fixtures in catalog/data/ (each row keeps its source URL)."""

from pathlib import Path

from catalog.models import (
    Architecture,
    AttentionKind,
    Backend,
    Benchmark,
    Hardware,
    HardwareKind,
    Modality,
    Model,
    ModelFamily,
    OperatingSystem,
    QuantFamily,
    QuantFormat,
    Runtime,
    RuntimeInstall,
    RuntimeKind,
    UseCase,
    Vendor,
)
from core.seeding import read_rows, save_by_key, slug_for

BACKENDS = set(Backend.values)


DATA_DIR = Path(__file__).resolve().parent / "data"


def load_vendors(report, data_dir=DATA_DIR):
    for row in read_rows(data_dir / "vendors.csv"):
        save_by_key(
            row,
            Vendor,
            {"slug": row.text("slug", True)},
            {"name": row.text("name", True)},
            report,
            "vendors",
        )


def _backends(row):
    backends = row.items("backends")
    for backend in backends:
        if backend not in BACKENDS:
            choices = ", ".join(sorted(BACKENDS))
            row.fail(f"'backends' must be from {choices}, got {backend!r}")
    return backends


def _use_cases(row):
    use_cases = row.items("use_cases")
    for use_case in use_cases:
        if use_case not in UseCase.values:
            row.fail(f"'use_cases' must be from {', '.join(UseCase.values)}, got {use_case!r}")
    if use_cases and not row.text("use_cases_source"):
        row.fail("'use_cases' need 'use_cases_source', the model card that states them")
    return use_cases


def load_hardware(report, data_dir=DATA_DIR):
    vendors = {vendor.name: vendor for vendor in Vendor.objects.all()}
    for row in read_rows(data_dir / "hardware.csv"):
        kind = row.choice("kind", set(HardwareKind.values))
        memory_gb = row.number("memory_gb", required=kind != HardwareKind.CPU)
        values = {
            "name": row.text("name", True),
            "vendor": row.lookup("vendor", vendors, "vendor"),
            "kind": kind,
            "memory_gb": memory_gb,
            "memory_type": row.text("memory_type"),
            "bandwidth_gb_s": row.number("bandwidth_gb_s", required=True),
            "fp16_tflops": row.number("fp16_tflops"),
            "tdp_w": row.integer("tdp_w"),
            "launch_year": row.integer("launch_year"),
            "launch_msrp_usd": row.decimal("launch_msrp_usd"),
            "interface": row.text("interface"),
            "backend": row.choice("backend", BACKENDS),
            "backends": _backends(row),
            "fp16_tflops_printed": row.number("fp16_tflops_printed"),
            "fp16_tflops_convention": row.text("fp16_tflops_convention"),
            "gpu_working_set_gb": row.number("gpu_working_set_gb"),
            "memory_options_gb": [int(float(v)) for v in row.items("memory_options_gb")],
            "source_url": row.sources(),
            "notes": row.text("notes"),
            "popular": row.flag("popular"),
        }
        save_by_key(row, Hardware, {"slug": row.text("slug", True)}, values, report, "hardware")


def load_models(report, data_dir=DATA_DIR):
    families = {}
    for row in read_rows(data_dir / "models.csv"):
        family_name = row.text("family", True)
        if family_name not in families:
            # A family takes the organisation of its first model in the file.
            families[family_name] = save_by_key(
                row,
                ModelFamily,
                {"slug": slug_for(family_name)},
                {"name": family_name, "organisation": row.text("org", True)},
                report,
                "model families",
            )
        family = families[family_name]
        params_b = row.number("params_b", required=True)
        active_params_b = row.number("active_params_b") or params_b
        if active_params_b > params_b:
            row.fail("'active_params_b' cannot exceed 'params_b'")
        values = {
            "name": row.text("name", True),
            "family": family,
            "organisation": row.text("org", True),
            "params_b": params_b,
            "active_params_b": active_params_b,
            "architecture": row.choice("architecture", set(Architecture.values)),
            "expert_count": row.integer("expert_count"),
            "experts_per_token": row.integer("experts_per_token"),
            "shared_experts": row.number("shared_experts", positive=False, kind=int),
            "layers": row.integer("num_layers"),
            "hidden_size": row.integer("hidden_size"),
            "attention_heads": row.integer("num_attention_heads"),
            "kv_heads": row.integer("num_kv_heads"),
            "head_dim": row.integer("head_dim"),
            "vocab_size": row.integer("vocab_size"),
            "max_context": row.integer("max_context"),
            "attention_kind": row.choice(
                "attention_kind", set(AttentionKind.values), required=False
            ),
            "attention_notes": row.text("attention")[:255],
            "sliding_window": row.integer("sliding_window"),
            "full_attention_layers": row.integer("full_attention_layers"),
            "kv_lora_rank": row.integer("kv_lora_rank"),
            "rope_head_dim": row.integer("rope_head_dim"),
            "modality": row.choice("modality", set(Modality.values)),
            "license": row.text("license", True),
            "release_date": row.date("release_date"),
            "hf_repo": row.text("hf_repo"),
            "use_cases": _use_cases(row),
            "use_cases_source_url": row.text("use_cases_source"),
            "ollama_tag": row.text("ollama_tag"),
            "ollama_source_url": row.text("ollama_source"),
            "gguf_repo": row.text("gguf_repo"),
            "mlx_repo": row.text("mlx_repo"),
            "mmproj_gb": row.number("mmproj_gb"),
            "aux_weights_gb": row.number("aux_weights_gb"),
            "source_url": row.sources(),
            "notes": row.text("notes"),
            "popular": row.flag("popular"),
        }
        if values["architecture"] == Architecture.MOE and not (
            values["expert_count"] and values["experts_per_token"]
        ):
            row.fail("MoE models need 'expert_count' and 'experts_per_token' from config.json")
        if (values["experts_per_token"] or 0) > (values["expert_count"] or 0):
            row.fail("'experts_per_token' cannot exceed 'expert_count'")
        if values["modality"] == Modality.TEXT and not (values["layers"] and values["kv_heads"]):
            row.fail("text models need 'num_layers' and 'num_kv_heads' for memory estimates")
        save_by_key(row, Model, {"slug": row.text("slug", True)}, values, report, "models")


def load_quant_formats(report, data_dir=DATA_DIR):
    for row in read_rows(data_dir / "quant_formats.csv"):
        name = row.text("name", True)
        values = {
            "name": name,
            "family": row.choice("family", set(QuantFamily.values)),
            "bits_per_weight": row.number("bits_per_weight") or row.number("bpw_nominal", True),
            "bpw_nominal": row.number("bpw_nominal"),
            "bpw_basis": row.text("bpw_basis")[:255],
            "quality_note": row.text("typical_quality_note"),
            "ppl_delta_llama3_8b": row.number("ppl_delta_llama3_8b", positive=False),
            "source_url": row.sources(),
        }
        save_by_key(row, QuantFormat, {"slug": slug_for(name)}, values, report, "quant formats")


def load_runtimes(report, data_dir=DATA_DIR):
    for row in read_rows(data_dir / "runtimes.csv"):
        repo = row.text("repo")
        backends = row.items("backends")
        unknown = set(backends) - BACKENDS
        if unknown:
            row.fail(f"unknown backend(s) {', '.join(sorted(unknown))}")
        values = {
            "name": row.text("name", True),
            "kind": row.choice("kind", set(RuntimeKind.values)),
            "license": row.text("license", True),
            "repo_url": f"https://github.com/{repo}" if repo else "",
            "backends": backends,
            "formats": row.items("formats"),
            "operating_systems": row.items("os"),
            "openai_compatible_api": row.flag("openai_compatible_api"),
            "multi_gpu": row.optional_flag("multi_gpu"),
            "install_command": row.text("install_command"),
            "run_command": row.text("run_example_command"),
            "source_url": row.sources(),
            "notes": row.text("notes"),
        }
        save_by_key(row, Runtime, {"slug": row.text("slug", True)}, values, report, "runtimes")


def load_runtime_installs(report, data_dir=DATA_DIR):
    """Per-OS install and run commands; row order within a runtime and OS is the display order."""
    runtimes = {r.slug: r for r in Runtime.objects.all()}
    positions = {}
    for row in read_rows(data_dir / "runtime_installs.csv"):
        runtime = row.lookup("runtime", runtimes, "runtime")
        os = row.choice("os", set(OperatingSystem.values))
        if os not in runtime.operating_systems:
            row.fail(f"{runtime.name} does not list {os!r} among its operating systems")
        install, download = row.text("install_command"), row.text("download_url")
        if not (install or download):
            row.fail("an install route needs 'install_command' or 'download_url'")
        key = (runtime.slug, os)
        positions[key] = positions.get(key, -1) + 1
        values = {
            "install_command": install,
            "download_url": download,
            "run_command": row.text("run_command"),
            "source_url": row.sources(),
            "note": row.text("note"),
            "position": positions[key],
        }
        lookup = {"runtime": runtime, "os": os, "method": row.text("method", True)}
        save_by_key(row, RuntimeInstall, lookup, values, report, "install routes")


def load_benchmarks(report, data_dir=DATA_DIR):
    hardware = {h.slug: h for h in Hardware.objects.all()}
    models = {m.slug: m for m in Model.objects.all()}
    quants = {q.name: q for q in QuantFormat.objects.all()}
    runtimes = {r.slug: r for r in Runtime.objects.all()}
    for row in read_rows(data_dir / "benchmarks.csv"):
        decode = row.number("decode_tok_s")
        prefill = row.number("prefill_tok_s")
        if decode is None and prefill is None:
            row.fail("a benchmark needs 'decode_tok_s' or 'prefill_tok_s'")
        lookup = {
            "hardware": row.lookup("hardware", hardware, "hardware"),
            "gpu_count": row.integer("gpu_count") or 1,
            "model": row.lookup("model", models, "model"),
            "quant": row.lookup("quant", quants, "quant format"),
            "runtime": row.lookup("runtime", runtimes, "runtime"),
            "backend": row.choice("backend", BACKENDS, required=False),
            "context_tokens": row.integer("context_tokens", required=True),
            "depth": row.number("depth", positive=False, kind=int) or 0,
            "source_url": row.sources(),
        }
        values = {
            "runtime_version": row.text("runtime_version"),
            "batch_size": row.integer("batch_size") or 1,
            "prompt_tokens": row.integer("prompt_tokens"),
            "flash_attention": row.optional_flag("flash_attention"),
            "decode_tok_s": decode,
            "prefill_tok_s": prefill,
            "peak_memory_gb": row.number("peak_memory_gb"),
            "command": row.text("command"),
            "measured_on": row.date("measured_on"),
            "notes": row.text("notes"),
            "verified": row.flag("verified"),
        }
        save_by_key(row, Benchmark, lookup, values, report, "benchmarks")


LOADERS = [
    load_vendors,
    load_hardware,
    load_models,
    load_quant_formats,
    load_runtimes,
    load_runtime_installs,
    load_benchmarks,
]

from catalog.price_loaders import PRICE_LOADERS  # noqa: E402

LOADERS += PRICE_LOADERS
