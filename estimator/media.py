"""Image and speech models: weights plus resolution/batch-dependent working memory.

No speed is estimated for them: the transformer physics of the text path does not carry over,
so a speed is shown only when one was measured.
"""

from dataclasses import dataclass

from estimator.constants import (
    BYTES_PER_GB,
    DIFFUSION_WORKING_BYTES_PER_MEGAPIXEL,
    SPEECH_WORKING_BYTES_PER_WINDOW,
)
from estimator.memory import (
    extra_weight_bytes,
    usable_gpu_bytes_per_card,
    usable_system_ram_bytes,
    weights_bytes,
)


@dataclass(frozen=True)
class MediaFit:
    verdict: str
    reason: str
    method: str
    weights_bytes: float
    working_bytes: float
    usable_bytes: float
    ram_usable_bytes: float

    @property
    def total_bytes(self) -> float:
        return self.weights_bytes + self.working_bytes

    @property
    def gpu_bytes(self) -> float:
        return min(self.total_bytes, self.usable_bytes)


def _gb(value_bytes: float) -> str:
    return f"{value_bytes / BYTES_PER_GB:.1f} GB"


def working_memory(request) -> tuple[float, str]:
    """(bytes, method statement) of the working memory beside the weights."""
    if request.model.modality == "image":
        side, batch = request.image_size_px, request.batch_size
        per_megapixel = DIFFUSION_WORKING_BYTES_PER_MEGAPIXEL
        return per_megapixel * side**2 / 1e6 * batch, (
            f"Weights plus {_gb(per_megapixel)} of working memory per megapixel per image "
            f"({side}x{side}, batch {batch}); text encoders counted where the catalog lists "
            "them. Speed only when measured."
        )
    per_window = SPEECH_WORKING_BYTES_PER_WINDOW
    return per_window * request.batch_size, (
        f"Weights plus {_gb(per_window)} of working memory per 30-second audio window "
        f"(batch {request.batch_size}). Speed only when measured."
    )


def media_fit(request) -> MediaFit:
    """Memory verdict for an image or speech model."""
    hardware = request.hardware
    weights = weights_bytes(request.model, request.quant) + extra_weight_bytes(request.model)
    working, method = working_memory(request)
    usable = sum(usable_gpu_bytes_per_card(hardware))
    ram = usable_system_ram_bytes(hardware)
    total = weights + working
    if hardware.cards() and total <= usable:
        verdict, reason = "fits", f"Needs {_gb(total)} of the {_gb(usable)} of usable GPU memory."
    elif not hardware.cards() and total <= ram:
        verdict, reason = "fits", f"Runs on the CPU: needs {_gb(total)} of system RAM."
    elif hardware.cards() and total <= usable + ram:
        verdict = "partial_offload"
        reason = (
            f"Needs {_gb(total)} but {_gb(usable)} is usable: runs with weights offloaded to "
            "system RAM (ComfyUI --lowvram, diffusers CPU offload), much more slowly."
        )
    else:
        verdict = "does_not_fit"
        reason = f"Needs {_gb(total)}: more than GPU memory and free system RAM together."
    return MediaFit(verdict, reason, method, weights, working, usable, ram)
