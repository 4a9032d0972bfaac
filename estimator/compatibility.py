"""Which runtime loads which weights on which hardware: the rules, stated once.

The engine refuses an impossible setup with the first conflict's message; the forms show every
conflict beside the field to change. Both call `conflicts`, so they cannot disagree.
"""

from dataclasses import dataclass

from estimator.constants import RUNTIMES

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
    field: str  # the input a visitor changes to resolve it: "runtime" or "quant"
    message: str


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
                f"{profile.name} cannot load {weights}; pick a {formats} quant or another "
                f"runtime.",
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
