"""Which runtime loads which weights on which hardware: the rules, stated once.

The engine refuses an impossible setup with the first conflict's message; the forms show every
conflict beside the field to change. Both call `conflicts`, so they cannot disagree.
"""

from dataclasses import dataclass

from estimator.constants import RUNTIMES

BACKEND_LABELS = {
    "cuda": "CUDA",
    "rocm": "ROCm/HIP",
    "vulkan": "Vulkan",
    "metal": "Metal",
    "sycl": "SYCL",
    "cpu": "CPU",
}
OFFLOAD_LABELS = {
    "auto": "automatic",
    "none": "none",
    "layers": "layers in system RAM",
    "experts": "MoE experts in system RAM",
}
SPLIT_LABELS = {"layer": "layer split", "tensor": "tensor split"}
# What a machine described only by its kind can run (raw specs): a Mac runs Metal, a CPU-only
# machine its CPU; any other GPU one of the vendor backends.
BACKENDS_BY_KIND = {
    "apple_silicon": ("metal", "cpu"),
    "cpu": ("cpu",),
    "discrete_gpu": ("cuda", "rocm", "vulkan", "sycl"),
    "datacenter_gpu": ("cuda", "rocm"),
    "apu": ("vulkan", "rocm", "cuda"),
}

FAMILY_LABELS = {
    "gguf": "GGUF",
    "awq": "AWQ",
    "gptq": "GPTQ",
    "exl2": "EXL2",
    "mlx": "MLX",
    "fp": "FP16/BF16",
}


@dataclass(frozen=True)
class Conflict:
    field: str  # the input a visitor changes: runtime, quant, backend, offload, split_mode, ...
    message: str


def usual_backend(backend_set, runtime: str) -> str:
    """The backend a runtime uses on hardware that runs `backend_set` (usual one first): the
    first one the runtime has, else the hardware's usual one (the runtime then conflicts)."""
    offered = RUNTIMES[runtime].backends if runtime in RUNTIMES else frozenset()
    return next((b for b in backend_set if b in offered), backend_set[0])


def option_conflicts(
    *,
    runtime: str,
    backend: str | None = None,
    backend_set=(),
    hardware_name: str = "this hardware",
    hardware_kind: str | None = None,
    offload: str = "auto",
    split_mode: str = "layer",
    gpu_count: int = 1,
    mixed_kinds=(),
    model_is_moe: bool | None = None,
    context: int | None = None,
    prompt_tokens: int | None = None,
    depth: int = 0,
) -> list[Conflict]:
    """Impossible combinations of the question's options (backend, offload, split mode, mixed
    GPUs, prompt length and depth). Unknown inputs (None, empty) are not checked. gpu_count is
    every card of the question; mixed_kinds the kinds of cards added beside the main one."""
    profile = RUNTIMES[runtime]
    found = []
    if backend is not None and backend not in BACKEND_LABELS:
        found.append(Conflict("backend", f"Unknown backend {backend!r}."))
    elif backend and backend_set and backend not in backend_set:
        offered = ", ".join(BACKEND_LABELS[b] for b in backend_set)
        found.append(
            Conflict(
                "backend",
                f"{hardware_name} has no {BACKEND_LABELS[backend]} backend; it runs {offered}.",
            )
        )
    if offload not in OFFLOAD_LABELS:
        found.append(Conflict("offload", f"Unknown offload mode {offload!r}."))
    elif offload == "experts" and model_is_moe is False:
        found.append(
            Conflict("offload", "Only a mixture-of-experts model can keep its experts in RAM.")
        )
    elif offload == "experts" and not profile.expert_offload:
        found.append(Conflict("offload", f"{profile.name} cannot keep MoE experts in system RAM."))
    elif offload in ("layers", "experts") and not profile.cpu_offload:
        found.append(Conflict("offload", f"{profile.name} keeps every layer on the GPU."))
    if split_mode not in SPLIT_LABELS:
        found.append(Conflict("split_mode", f"Unknown split mode {split_mode!r}."))
    elif split_mode not in profile.split_modes:
        found.append(Conflict("split_mode", f"{profile.name} has no {SPLIT_LABELS[split_mode]}."))
    elif split_mode == "tensor" and gpu_count < 2:
        found.append(Conflict("split_mode", "A tensor split needs at least two GPUs."))
    if mixed_kinds and hardware_kind in ("apple_silicon", "apu", "cpu"):
        found.append(
            Conflict("gpus", "Only discrete or data-centre GPUs can be combined in one machine.")
        )
    elif any(kind not in ("discrete_gpu", "datacenter_gpu") for kind in mixed_kinds):
        found.append(
            Conflict("gpus", "Only discrete or data-centre GPUs can be combined in one machine.")
        )
    if prompt_tokens is not None and prompt_tokens < 1:
        found.append(Conflict("prompt_tokens", "The prompt needs at least one token."))
    if depth < 0:
        found.append(Conflict("depth", "The depth (tokens already in context) cannot be negative."))
    elif context and prompt_tokens and depth + prompt_tokens > context:
        found.append(
            Conflict(
                "depth" if depth else "prompt_tokens",
                f"{depth:,} tokens already in context plus a {prompt_tokens:,}-token prompt "
                f"exceed the {context:,}-token context.",
            )
        )
    return found


def conflicts(
    runtime: str,
    *,
    hardware_kind: str | None = None,
    backend: str | None = None,
    quant_family: str | None = None,
    quant_name: str = "",
) -> list[Conflict]:
    """Why `runtime` cannot run these weights on this hardware; empty when it can. Unknown
    inputs (None) are not checked."""
    profile = RUNTIMES[runtime]
    found = []
    if quant_family and quant_family not in profile.formats:
        formats = "/".join(sorted(FAMILY_LABELS[family] for family in profile.formats))
        weights = f"{FAMILY_LABELS[quant_family]} files"
        if quant_name:
            weights += f" such as {quant_name}"
        found.append(
            Conflict(
                "quant",
                f"{profile.name} cannot load {weights}; pick a {formats} quant or another runtime.",
            )
        )
    if profile.apple_only and hardware_kind and hardware_kind != "apple_silicon":
        found.append(Conflict("runtime", f"{profile.name} runs only on Apple Silicon Macs."))
    elif backend and backend not in profile.backends:
        found.append(
            Conflict("runtime", f"{profile.name} has no {backend} backend for this hardware.")
        )
    if quant_family == "mlx" and hardware_kind and hardware_kind != "apple_silicon":
        found.append(Conflict("quant", "MLX quantizations run only on Apple Silicon."))
    return found
