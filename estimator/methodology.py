"""What the methodology page shows: the stored calibration, its factors and its error."""

from estimator import bridge
from estimator.constants import (
    APPLE_GPU_SHARE_LARGE,
    APPLE_GPU_SHARE_SMALL,
    APPLE_SMALL_MEMORY_LIMIT_GB,
    DISPLAY_RESERVED_BYTES,
    GPU_DRIVER_RESERVED_BYTES,
    KV_BYTES_PER_ELEMENT,
)


def methodology_context():
    calibration, run = bridge.current_calibration()
    groups = [
        {
            "key": group.key,
            "measurements": group.measurements,
            "bandwidth_efficiency": group.decode.bandwidth_efficiency if group.decode else None,
            "layer_overhead_us": group.decode.layer_overhead_s * 1e6 if group.decode else None,
            "compute_efficiency": group.prefill.compute_efficiency,
            "decode_range": (group.decode_ratio_low, group.decode_ratio_high),
        }
        for group in calibration.groups
    ]
    validation = run.cross_validation if run else {}
    return {
        "run": run,
        "groups": groups,
        "validation": validation.get("leave_one_out"),
        "validation_by_hardware": validation.get("leave_one_hardware_out"),
        "constants": {
            "apple_small": round(APPLE_GPU_SHARE_SMALL * 100),
            "apple_large": round(APPLE_GPU_SHARE_LARGE * 100),
            "apple_limit_gb": APPLE_SMALL_MEMORY_LIMIT_GB,
            "driver_reserved_gib": GPU_DRIVER_RESERVED_BYTES / 2**30,
            "display_reserved_gib": DISPLAY_RESERVED_BYTES / 2**30,
            "q8_bytes": KV_BYTES_PER_ELEMENT["q8_0"],
            "q4_bytes": KV_BYTES_PER_ELEMENT["q4_0"],
        },
    }
