"""What the methodology page shows: the stored calibration, its factors and its error."""

from catalog.models import HardwareKind
from estimator import bridge
from estimator.compatibility import BACKEND_LABELS
from estimator.constants import (
    APPLE_GPU_SHARE_LARGE,
    APPLE_GPU_SHARE_SMALL,
    APPLE_SMALL_MEMORY_LIMIT_GB,
    DISPLAY_RESERVED_BYTES,
    FEW_MEASUREMENTS,
    GPU_DRIVER_RESERVED_BYTES,
    KV_BYTES_PER_ELEMENT,
    MIN_GROUP_MEASUREMENTS,
    REF_TFLOPS,
)


def methodology_context():
    calibration, run = bridge.current_calibration()
    groups = [
        {
            "key": group.key,
            "measurements": max(group.measurements, group.prefill_measurements),
            "bandwidth_efficiency": group.decode.bandwidth_efficiency if group.decode else None,
            "layer_overhead_us": group.decode.layer_overhead_s * 1e6 if group.decode else None,
            "compute_efficiency": group.prefill.compute_efficiency,
            "moe_overhead": group.decode.moe_overhead if group.decode else None,
            "backends": ", ".join(BACKEND_LABELS.get(b, b) for b in group.backends),
            "decode_range": (group.decode_ratio_low, group.decode_ratio_high),
            "prefill_range": (group.prefill_ratio_low, group.prefill_ratio_high),
        }
        for group in _distinct_groups(calibration.groups)
    ]
    validation = run.cross_validation if run else {}
    return {
        "run": run,
        "groups": groups,
        "validation_by_hardware": validation.get("leave_one_hardware_out"),
        "held_out": _held_out_rows(validation.get("held_out_by_card")),
        "coverage": _coverage(validation.get("held_out_by_card")),
        "calibration": calibration,
        "backend_ratios": [
            {"backend": BACKEND_LABELS.get(b, b), "decode": ratios[0], "prefill": ratios[1]}
            for b, ratios in calibration.backend_ratios.items()
        ],
        "die_ratios": [
            {"kind": HardwareKind(kind).label, "decode": ratio}
            for kind, ratio in calibration.die_ratios.items()
        ],
        "min_group": MIN_GROUP_MEASUREMENTS,
        "few": FEW_MEASUREMENTS,
        "ref_tflops": REF_TFLOPS,
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


def _held_out_rows(report):
    """Rows of the held-out-by-card table: speed, backend, count, median, p90, coverage."""
    if not report:
        return []
    return [
        {
            "speed": "Generation" if speed == "decode" else "Prompt processing",
            "backend": "All backends" if key == "all" else BACKEND_LABELS.get(key, key),
            **stats,
        }
        for speed in ("decode", "prefill")
        for key, stats in report[speed].items()
    ]


def _coverage(report):
    """The headline: the share of held-out measurements inside the range shown, against the
    share the range is meant to hold."""
    if not report:
        return None
    return {
        "stated": report["stated_share"],
        "decode": report["decode"]["all"]["coverage"],
        "prefill": report["prefill"].get("all", {}).get("coverage"),
        "decode_count": report["decode"]["all"]["count"],
        "prefill_count": report["prefill"].get("all", {}).get("count", 0),
    }


def _distinct_groups(groups):
    """Groups most specific first, leaving out a broader group fitted on exactly the same
    measurements as one already listed (it would repeat the same factors)."""
    ordered = sorted(groups, key=lambda g: (-g.key.count("/"), g.key))
    seen, shown = set(), []
    for group in ordered:
        signature = (group.decode, group.prefill, group.measurements, group.prefill_measurements)
        if signature in seen:
            continue
        seen.add(signature)
        shown.append(group)
    return shown
