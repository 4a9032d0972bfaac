"""Input dataclasses of the estimator, and their construction from catalog CSV rows / dicts.

Row converters take plain mappings (a csv.DictReader row, or a dict built from a model
instance), so the benchmark script and a Django management command share them.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from estimator.constants import (
    DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S,
    DEFAULT_SYSTEM_RAM_GB,
    GEFORCE_FP16_ACCUMULATE_RATIO,
    LEGACY_BEFORE_YEAR,
)

HARDWARE_KINDS = frozenset({"discrete_gpu", "datacenter_gpu", "apple_silicon", "apu", "cpu"})
UNIFIED_MEMORY_KINDS = frozenset({"apple_silicon", "apu"})
BACKENDS = frozenset({"cuda", "rocm", "metal", "vulkan", "sycl", "cpu"})
ATTENTION_KINDS = frozenset({"mha", "gqa", "mla", "sliding", "hybrid"})
MODALITIES = frozenset({"text", "image", "speech"})
QUANT_FAMILIES = frozenset({"gguf", "awq", "gptq", "exl2", "mlx", "fp"})


@dataclass(frozen=True)
class HardwareSpec:
    """One kind of accelerator (or a CPU-only machine) and the system around it.

    memory_gb is the capacity as marketed (per card; the whole pool for unified memory; 0 for a
    CPU). gpu_count identical cards; `secondary` describes a second, different card type
    (its own gpu_count cards). System RAM and the display flag are read from the primary.
    """

    kind: str
    memory_gb: float
    bandwidth_gb_s: float
    fp16_tflops: float | None = None
    gpu_count: int = 1
    system_ram_gb: float = DEFAULT_SYSTEM_RAM_GB
    system_ram_bandwidth_gb_s: float = DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S
    backend: str = "cuda"
    drives_display: bool = False
    secondary: "HardwareSpec | None" = None
    name: str = ""
    wired_limit_gb: float | None = None  # Apple Silicon: a raised iogpu.wired_limit_mb, in GiB
    fp16_accumulate_ratio: float = 1.0  # FP16-accumulate / FP32-accumulate tensor rate
    usual_backend: str = ""  # the backend this hardware usually runs; "": `backend`
    gpu_working_set_gb: float | None = None  # Apple: recommendedMaxWorkingSetSize, GB
    architecture: str = ""  # the chip's generation ("ada", "rdna4"); "": unknown
    memory_type: str = ""  # as the vendor prints it ("GDDR6 ECC", "HBM3"); "": unknown
    gpu_dies: int = 1  # dies the GPU spans (2: an Apple Ultra, two Max dies)

    def __post_init__(self):
        if self.kind not in HARDWARE_KINDS:
            raise ValueError(f"unknown hardware kind {self.kind!r}")
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown backend {self.backend!r}")
        if self.gpu_count < 1:
            raise ValueError("gpu_count must be at least 1")

    @property
    def unified_memory(self) -> bool:
        return self.kind in UNIFIED_MEMORY_KINDS

    @property
    def calibration_kind(self) -> str:
        """The class whose fitted factors this hardware shares. A data-centre card with GDDR
        memory is the same chip as a workstation card (A40 and RTX A6000 are both GA102, L40S
        and RTX 6000 Ada both AD102) and streams weights like one; data-centre cards on HBM
        are a class of their own."""
        if self.kind == "datacenter_gpu" and self.memory_type:
            if not self.memory_type.upper().startswith("HBM"):
                return "discrete_gpu"
        return self.kind

    @property
    def on_usual_backend(self) -> bool:
        return not self.usual_backend or self.usual_backend == self.backend

    @property
    def tensor_tflops(self) -> float | None:
        """Dense FP16 tensor TFLOPS at the accumulate precision llama.cpp's prompt kernels use
        (fp16_tflops is normalised to FP32 accumulate)."""
        return self.fp16_tflops * self.fp16_accumulate_ratio if self.fp16_tflops else None

    def cards(self) -> tuple["HardwareSpec", ...]:
        """Every GPU as its own single-card spec, primary cards first; empty for a CPU."""
        if self.kind == "cpu":
            return ()
        count = 1 if self.unified_memory else self.gpu_count
        own = (replace(self, gpu_count=1, secondary=None),) * count
        return own + (self.secondary.cards() if self.secondary else ())


@dataclass(frozen=True)
class ModelSpec:
    """A model's shape. For MoE models active_params_b < params_b."""

    params_b: float
    active_params_b: float | None = None
    layers: int = 0
    kv_heads: int = 0
    head_dim: int = 0
    attention_kind: str = "gqa"
    sliding_window: int | None = None
    full_attention_layers: int | None = None
    kv_lora_rank: int | None = None
    rope_head_dim: int | None = None
    max_context: int = 0
    modality: str = "text"
    hidden_size: int | None = None
    attention_heads: int | None = None
    vocab_size: int | None = None
    expert_count: int | None = None  # routed experts per MoE layer
    experts_per_token: int | None = None  # routed experts each token uses
    shared_experts: int | None = None  # experts every token uses besides the routed ones
    slug: str = ""
    hf_repo: str = ""
    # Where each runtime finds these weights (empty: the catalog knows of none).
    ollama_tag: str = ""
    gguf_repo: str = ""
    mlx_repo: str = ""
    extra_weights_gb: float = 0.0  # vision projector (mmproj) + auxiliary encoders, GB

    def __post_init__(self):
        if self.attention_kind not in ATTENTION_KINDS:
            raise ValueError(f"unknown attention kind {self.attention_kind!r}")
        if self.modality not in MODALITIES:
            raise ValueError(f"unknown modality {self.modality!r}")

    @property
    def active_b(self) -> float:
        return self.active_params_b or self.params_b

    @property
    def is_moe(self) -> bool:
        return self.active_b < self.params_b


@dataclass(frozen=True)
class QuantSpec:
    """A weight format. file_size_bytes, when the catalog knows it, beats params x bpw."""

    name: str
    family: str
    bits_per_weight: float
    file_size_bytes: int | None = None

    def __post_init__(self):
        if self.family not in QUANT_FAMILIES:
            raise ValueError(f"unknown quant family {self.family!r}")

    @property
    def is_quantized(self) -> bool:
        """Below 16-bit floats: matrix kernels have to unpack the weights."""
        return self.bits_per_weight < 15


@dataclass(frozen=True)
class Measurement:
    """One measured run. context_tokens follows llama-bench: decode is tgN (N tokens generated
    from an empty context), prefill is ppN (a prompt of N tokens)."""

    hardware: HardwareSpec
    model: ModelSpec
    quant: QuantSpec
    context_tokens: int
    gpu_count: int = 1
    decode_tok_s: float | None = None
    prefill_tok_s: float | None = None
    runtime: str = "llama-cpp"
    prompt_tokens: int | None = None  # prefill prompt (llama-bench -p); None: context_tokens
    depth: int = 0  # tokens already in the context (llama-bench -d)
    run_backend: str | None = None  # the backend used; None: the hardware's usual one
    legacy_build: bool = False  # run on a runtime build from before 2025

    @property
    def backend(self) -> str:
        return self.run_backend or self.hardware.backend

    @property
    def on_usual_backend(self) -> bool:
        return self.backend == self.hardware.backend

    @property
    def prompt(self) -> int:
        return self.prompt_tokens or self.context_tokens

    @property
    def setup(self) -> HardwareSpec:
        """The hardware as measured, with this run's backend and GPU count."""
        hardware = replace(
            self.hardware,
            backend=self.backend,
            usual_backend=self.hardware.usual_backend or self.hardware.backend,
        )
        if hardware.kind == "cpu" or hardware.gpu_count == self.gpu_count:
            return hardware
        return replace(hardware, gpu_count=self.gpu_count)


def _number(row: Mapping, key: str) -> float | None:
    value = row.get(key)
    if value is None or str(value).strip() == "":
        return None
    return float(value)


def _integer(row: Mapping, key: str) -> int | None:
    value = _number(row, key)
    return None if value is None else int(value)


# A machine described only by its kind runs the usual backend for that kind (vendor unknown:
# CUDA is the common case for a GPU).
DEFAULT_BACKEND_BY_KIND = {
    "discrete_gpu": "cuda",
    "datacenter_gpu": "cuda",
    "apple_silicon": "metal",
    "apu": "vulkan",
    "cpu": "cpu",
}


def fp16_accumulate_ratio(product_name: str) -> float:
    """GeForce cards do FP16 tensor math with FP32 accumulate at half their FP16-accumulate
    rate (see GEFORCE_FP16_ACCUMULATE_RATIO); other cards at the same rate."""
    return GEFORCE_FP16_ACCUMULATE_RATIO if product_name.startswith("GeForce") else 1.0


def hardware_spec(
    *,
    kind: str,
    memory_gb: float | None,
    bandwidth_gb_s: float,
    fp16_tflops: float | None = None,
    backend: str | None = None,
    name: str = "",
    product_name: str = "",
    gpu_working_set_gb: float | None = None,
    architecture: str = "",
    memory_type: str = "",
    gpu_dies: int = 1,
    gpu_count: int = 1,
    system_ram_gb: float | None = None,
    system_ram_bandwidth_gb_s: float | None = None,
    drives_display: bool = False,
) -> HardwareSpec:
    """A HardwareSpec as a catalog row or a visitor describes it: unified-memory parts use their
    own pool as RAM; a CPU has no GPU memory and reads RAM at its own bandwidth."""
    capacity = memory_gb or 0.0
    if kind in UNIFIED_MEMORY_KINDS:
        ram_gb, ram_bandwidth = capacity, bandwidth_gb_s
    elif kind == "cpu":
        capacity = 0.0
        ram_gb = system_ram_gb or DEFAULT_SYSTEM_RAM_GB
        ram_bandwidth = bandwidth_gb_s
    else:
        ram_gb = system_ram_gb or DEFAULT_SYSTEM_RAM_GB
        ram_bandwidth = system_ram_bandwidth_gb_s or DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S
    return HardwareSpec(
        kind=kind,
        memory_gb=capacity,
        bandwidth_gb_s=bandwidth_gb_s,
        fp16_tflops=fp16_tflops,
        gpu_count=gpu_count,
        system_ram_gb=ram_gb,
        system_ram_bandwidth_gb_s=ram_bandwidth,
        backend=backend or DEFAULT_BACKEND_BY_KIND[kind],
        drives_display=drives_display,
        name=name,
        fp16_accumulate_ratio=fp16_accumulate_ratio(product_name),
        gpu_working_set_gb=gpu_working_set_gb,
        memory_type=memory_type,
        gpu_dies=gpu_dies,
        architecture=architecture,
    )


def hardware_from_row(row: Mapping, **options) -> HardwareSpec:
    """A HardwareSpec from a hardware.csv row; options as for hardware_spec."""
    memory_gb = options.pop("memory_gb", None)
    return hardware_spec(
        kind=row["kind"],
        memory_gb=memory_gb if memory_gb is not None else _number(row, "memory_gb"),
        bandwidth_gb_s=_number(row, "bandwidth_gb_s"),
        fp16_tflops=_number(row, "fp16_tflops"),
        backend=options.pop("backend", None) or row.get("backend") or None,
        name=row.get("slug", ""),
        product_name=row.get("name", ""),
        gpu_working_set_gb=_number(row, "gpu_working_set_gb"),
        architecture=row.get("architecture", ""),
        memory_type=row.get("memory_type", ""),
        gpu_dies=_integer(row, "gpu_dies") or 1,
        **options,
    )


def model_from_row(row: Mapping) -> ModelSpec:
    """A ModelSpec from a models.csv row."""
    params_b = _number(row, "params_b")
    return ModelSpec(
        params_b=params_b,
        active_params_b=_number(row, "active_params_b") or params_b,
        layers=_integer(row, "num_layers") or 0,
        kv_heads=_integer(row, "num_kv_heads") or 0,
        head_dim=_integer(row, "head_dim") or 0,
        attention_kind=row.get("attention_kind") or "gqa",
        sliding_window=_integer(row, "sliding_window"),
        full_attention_layers=_integer(row, "full_attention_layers"),
        kv_lora_rank=_integer(row, "kv_lora_rank"),
        rope_head_dim=_integer(row, "rope_head_dim"),
        max_context=_integer(row, "max_context") or 0,
        modality=row.get("modality") or "text",
        hidden_size=_integer(row, "hidden_size"),
        attention_heads=_integer(row, "num_attention_heads"),
        vocab_size=_integer(row, "vocab_size"),
        expert_count=_integer(row, "expert_count"),
        experts_per_token=_integer(row, "experts_per_token"),
        shared_experts=_integer(row, "shared_experts"),
        slug=row.get("slug", ""),
        hf_repo=row.get("hf_repo", ""),
        ollama_tag=row.get("ollama_tag", ""),
        gguf_repo=row.get("gguf_repo", ""),
        mlx_repo=row.get("mlx_repo", ""),
    )


def quant_from_row(row: Mapping, *, file_size_bytes: int | None = None) -> QuantSpec:
    """A QuantSpec from a quant_formats.csv row (measured bpw, else the format's nominal bpw)."""
    bits = _number(row, "bits_per_weight") or _number(row, "bpw_nominal")
    return QuantSpec(row["name"], row["family"], bits, file_size_bytes)


def measurement_from_row(
    row: Mapping,
    hardware: Mapping[str, HardwareSpec],
    models: Mapping[str, ModelSpec],
    quants: Mapping[str, QuantSpec],
    file_sizes: Mapping[tuple[str, str], int] | None = None,
) -> Measurement:
    """A Measurement from a benchmarks.csv row, given specs keyed by slug / quant name and
    published file sizes keyed by (model slug, quant name)."""
    quant = quants[row["quant"]]
    size = (file_sizes or {}).get((row["model"], row["quant"]))
    return Measurement(
        hardware=hardware[row["hardware"]],
        model=models[row["model"]],
        quant=replace(quant, file_size_bytes=size) if size else quant,
        context_tokens=int(row["context_tokens"]),
        gpu_count=_integer(row, "gpu_count") or 1,
        decode_tok_s=_number(row, "decode_tok_s"),
        prefill_tok_s=_number(row, "prefill_tok_s"),
        runtime=row.get("runtime") or "llama-cpp",
        prompt_tokens=_integer(row, "prompt_tokens"),
        depth=_integer(row, "depth") or 0,
        run_backend=row.get("backend") or None,
        legacy_build=is_legacy_build(row.get("runtime_version", ""), row.get("measured_on", "")),
    )


def is_legacy_build(runtime_version: str, measured_on) -> bool:
    """Whether a run used a runtime build from before 2025: by the date it was measured, else
    by a year its build description names ("Metal, May 2024 build")."""
    year = str(measured_on or "")[:4]
    if year.isdigit():
        return int(year) < LEGACY_BEFORE_YEAR
    named = [int(y) for y in re.findall(r"\b(20[0-9]{2})\b", runtime_version or "")]
    return bool(named) and max(named) < LEGACY_BEFORE_YEAR
