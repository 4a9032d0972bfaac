"""Calibration: fitted factors, fallback groups, serialisation and cross-validated accuracy."""

import csv
import json
from dataclasses import replace
from functools import cache

import pytest

from benchmarks.estimator_accuracy import DATA_DIR, load_catalog
from estimator import (
    Calibration,
    EstimateRequest,
    HardwareSpec,
    Measurement,
    cross_validate,
    estimate,
    fit_calibration,
)
from estimator.calibration import (
    PRIOR_CPU,
    PRIOR_GPU,
    measured_placement,
    measurement_row,
    predict,
)
from estimator.fitting import relative_least_squares
from estimator.memory import kv_cache_bytes
from estimator.specs import is_legacy_build
from estimator.speed import (
    DecodeFactors,
    PrefillFactors,
    decode_tok_s,
    prefill_seconds_per_token,
)


@cache
def measurements():
    return tuple(load_catalog().measurements)


@cache
def calibration():
    return fit_calibration(measurements(), "2025-01-01")


def _shipped_rows():
    with (DATA_DIR / "benchmarks.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_measurements_load():
    rows = _shipped_rows()
    assert len(measurements()) == len(rows) >= 200
    assert sum(1 for m in measurements() if m.prefill_tok_s) == sum(
        1 for row in rows if row["prefill_tok_s"]
    )
    assert {m.gpu_count for m in measurements()} == {1, 2, 4, 6, 8}


def test_cross_validated_error_on_unseen_cards_is_bounded_and_beats_naive():
    """Every card's runs predicted by a calibration fitted without that card (the benchmark
    script prints leave-one-out as well; it costs a fit per run)."""
    result = cross_validate(measurements(), lambda m: m.hardware.name)
    assert result.decode_count == sum(1 for row in _shipped_rows() if row["decode_tok_s"])
    assert result.decode_median_ape <= 15
    assert result.decode_median_ape < result.naive_decode_median_ape / 2
    assert result.decode_p90_ape < result.naive_decode_p90_ape
    assert result.prefill_median_ape < result.naive_prefill_median_ape


def test_calibration_round_trips_through_a_json_dict():
    original = calibration()
    data = json.loads(json.dumps(original.to_dict()))
    assert Calibration.from_dict(data) == original
    assert data["measurements"] == len(measurements()) and data["fitted_on"] == "2025-01-01"


def test_factors_fall_back_from_backend_and_kind_to_kind_to_global():
    fitted = calibration()
    rtx = load_catalog().hardware["rtx-4090"]
    assert fitted.decode_group(rtx, "cuda", "llama-cpp").key == "ggml/cuda/discrete_gpu/ada"
    assert fitted.decode_group(rtx, "cuda", "vllm").key == "cuda/discrete_gpu"
    rtx = replace(rtx, architecture="")  # the rest ask about a card of no known generation
    assert fitted.decode_group(rtx, "cuda", "llama-cpp").key == "ggml/cuda/discrete_gpu"
    radeon = replace(rtx, backend="rocm")
    assert fitted.decode_group(radeon, "rocm", "llama-cpp").key == "ggml/rocm/discrete_gpu"
    arc = replace(rtx, backend="sycl")
    assert fitted.decode_group(arc, "sycl", "llama-cpp").key == "ggml/sycl/discrete_gpu"
    strix = replace(rtx, kind="apu", backend="vulkan")
    assert fitted.decode_group(strix, "vulkan", "llama-cpp").key == "ggml/vulkan/apu"
    without = fit_calibration(
        [m for m in measurements() if m.hardware.kind != "apu" and m.backend != "sycl"]
    )
    assert without.decode_group(arc, "sycl", "llama-cpp").key == "discrete_gpu"
    assert without.decode_group(strix, "vulkan", "llama-cpp").key == "global"
    assert fitted.decode_group(None, "cpu", "llama-cpp") is PRIOR_CPU
    assert Calibration().decode_group(rtx, "cuda", "llama-cpp") is PRIOR_GPU


def test_gddr_data_centre_cards_share_the_workstation_cards_factors():
    """The A40 is the RTX A6000's GA102 on GDDR6 and the L40S the RTX 6000 Ada's AD102: their
    measured generation speeds follow the discrete cards', not the HBM cards'."""
    fitted, hardware = calibration(), load_catalog().hardware
    for gddr, twin in (("a40", "rtx-a6000"), ("l40s", "rtx-6000-ada")):
        assert hardware[gddr].kind == "datacenter_gpu"  # the page still lists it as one
        assert (
            fitted.decode_group(hardware[gddr], "cuda", "llama-cpp").key
            == fitted.decode_group(hardware[twin], "cuda", "llama-cpp").key
        )
    a100 = fitted.decode_group(hardware["a100-80gb-sxm"], "cuda", "llama-cpp").key
    assert a100.startswith("ggml/cuda/datacenter_gpu")
    # Held out card by card, the A40's runs are then predicted within 20%, not 35% too slow.
    a40_runs = [m for m in measurements() if m.hardware.name == "a40" and m.decode_tok_s]
    assert len(a40_runs) >= 10
    without_a40 = fit_calibration([m for m in measurements() if m.hardware.name != "a40"])
    for run in a40_runs:
        predicted = predict(without_a40, measurement_row(run)).decode
        assert abs(predicted / run.decode_tok_s - 1) < 0.2, (run, predicted)


def test_an_apple_ultra_is_fitted_apart_from_single_die_chips():
    """An Ultra is two Max dies joined by UltraFusion; measured, it generates well short of
    twice a Max (its bandwidth) and was predicted about 30% too fast among single-die chips."""
    catalog = load_catalog()
    m2_ultra, m2_max = catalog.hardware["apple-m2-ultra"], catalog.hardware["apple-m2-max"]
    assert (m2_ultra.gpu_dies, m2_max.gpu_dies) == (2, 1)
    fitted = calibration()
    assert 0.5 < fitted.die_ratios["apple_silicon"] < 0.95
    # Groups hold no multi-die run: the Ultra's own group answers for the Max, not the Ultra.
    group = fitted.decode_group(m2_max, "metal", "llama-cpp")
    assert group.measurements == sum(
        1
        for m in measurements()
        if m.hardware.kind == "apple_silicon"
        and m.runtime == "llama-cpp"
        and m.hardware.gpu_dies == 1
    )
    # The same question on the Ultra answers ratio x the single-die physics: 800 against 400
    # GB/s no longer means twice the speed.
    model, quant = catalog.models["llama-3-8b"], catalog.quants["Q4_K_M"]
    ultra, single = (
        estimate(EstimateRequest(hw, model, quant), fitted).decode_tok_s.expected
        for hw in (m2_ultra, m2_max)
    )
    assert ultra < 1.8 * single
    # Held out card by card, the M2 Ultra's runs are predicted from the M3 Ultra's and the
    # single-die chips': within 15% at the median (32% too fast before).
    without = fit_calibration([m for m in measurements() if m.hardware.name != "apple-m2-ultra"])
    runs = [m for m in measurements() if m.hardware.name == "apple-m2-ultra" and m.decode_tok_s]
    errors = sorted(
        abs(predict(without, measurement_row(run)).decode / run.decode_tok_s - 1) for run in runs
    )
    assert len(runs) >= 10 and errors[len(errors) // 2] < 0.15


@pytest.mark.parametrize(
    "runtime_version, measured_on, legacy",
    [
        ("Metal, May 2024 build", "", True),
        ("CUDA 12.1, mid-May 2024 build", None, True),
        ("b10050", "2026-08-07", False),
        ("", "2024-12-31", True),
        ("79c1160 (6123)", "", False),
        ("PR #12833 build (2025-04; build not printed)", "", False),
        ("2e2b22b (6180)", "", False),
    ],
)
def test_a_run_is_legacy_when_its_build_predates_2025(runtime_version, measured_on, legacy):
    assert is_legacy_build(runtime_version, measured_on) is legacy


def test_runs_on_pre_2025_builds_pay_their_own_per_layer_time_and_estimates_do_not():
    """llama.cpp's Metal kernels lost most of their per-layer cost after May 2024: fitting the
    2024 runs apart reads them right and leaves today's overhead for today's estimates."""
    legacy = [m for m in measurements() if m.legacy_build]
    assert {m.hardware.kind for m in legacy} >= {"apple_silicon"}
    fitted = calibration()
    apple = fitted.decode_group(load_catalog().hardware["apple-m4-pro"], "metal", "llama-cpp")
    assert apple.key.startswith("ggml/metal/apple_silicon")
    assert apple.decode.legacy_layer_overhead_s > apple.decode.layer_overhead_s > 0
    # Held out, the M1 Max's May 2024 runs: read as 2024 runs they come out slower, and
    # nearer what was measured, than the same runs read as today's.
    without = fit_calibration([m for m in measurements() if m.hardware.name != "apple-m1-max"])
    runs = [
        m
        for m in measurements()
        if m.hardware.name == "apple-m1-max" and m.legacy_build and m.decode_tok_s
    ]
    assert len(runs) >= 4
    for run in runs:
        as_2024 = predict(without, measurement_row(run)).decode
        as_today = predict(without, measurement_row(replace(run, legacy_build=False))).decode
        assert as_2024 < as_today
        assert abs(as_2024 / run.decode_tok_s - 1) < abs(as_today / run.decode_tok_s - 1)
    # The same for their prompts: 2024 builds' Metal prompt kernels were slower per FLOP.
    assert apple.prefill.legacy_slowdown > 0
    prompts = [run for run in runs if run.prefill_tok_s]
    assert len(prompts) >= 2
    for run in prompts:
        as_2024 = predict(without, measurement_row(run)).prefill
        as_today = predict(without, measurement_row(replace(run, legacy_build=False))).prefill
        assert abs(as_2024 / run.prefill_tok_s - 1) < abs(as_today / run.prefill_tok_s - 1)
    # A visitor's estimate is for a current build: it never adds the 2024 per-layer time.
    catalog = load_catalog()
    request = EstimateRequest(
        catalog.hardware["apple-m4-pro"], catalog.models["llama-3-8b"], catalog.quants["Q4_K_M"]
    )
    row = measurement_row(
        Measurement(request.hardware, request.model, request.quant, 4096, decode_tok_s=1.0)
    )
    assert estimate(request, fitted).decode_tok_s.expected == pytest.approx(
        predict(fitted, row).decode, rel=0.05
    )


def test_groups_need_enough_measurements_of_their_own():
    few = fit_calibration(measurements()[:5])
    assert few.groups == ()


def test_range_comes_from_observed_out_of_fold_error():
    for group in calibration().groups:
        assert group.decode_ratio_low <= 1 <= group.decode_ratio_high
        assert group.prefill_ratio_low <= 1 <= group.prefill_ratio_high
    consumer = next(g for g in calibration().groups if g.key == "ggml/cuda/discrete_gpu")
    apple = next(g for g in calibration().groups if g.key == "ggml/metal/apple_silicon")
    consumer_width = consumer.decode_ratio_high - consumer.decode_ratio_low
    assert consumer_width < apple.decode_ratio_high - apple.decode_ratio_low


def _synthetic(factors: DecodeFactors) -> list[Measurement]:
    """The catalog's runs with decode speeds generated by the speed model itself."""
    runs = []
    for m in measurements():
        kv = kv_cache_bytes(m.model, m.depth + m.context_tokens // 2)
        speed = decode_tok_s(
            measured_placement(m),
            m.setup,
            kv,
            lambda card: (factors, PrefillFactors(None, None)),
            0.0,
        )
        runs.append(replace(m, decode_tok_s=speed, prefill_tok_s=None))
    return runs


def test_fitting_recovers_the_factors_that_generated_the_data():
    truth = DecodeFactors(bandwidth_efficiency=0.8, attention_overhead=1.5, layer_overhead_s=1e-4)
    fitted = fit_calibration(_synthetic(truth))
    group = fitted.decode_group(load_catalog().hardware["rtx-3090"], "cuda", "llama-cpp")
    assert group.decode.bandwidth_efficiency == pytest.approx(0.8, rel=1e-6)
    assert group.decode.attention_overhead == pytest.approx(1.5, rel=1e-4)
    assert group.decode.layer_overhead_s == pytest.approx(1e-4, rel=1e-6)
    assert fitted.gpu_hop_s == pytest.approx(0.0, abs=1e-9)


def test_least_squares_keeps_coefficients_non_negative():
    features = [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]]
    targets = [1.0, 0.9, 0.8]  # a negative slope would fit best
    beta = relative_least_squares(features, targets)
    assert min(beta) >= 0


def test_cpu_measurements_calibrate_cpu_offload():
    cpu = HardwareSpec(
        kind="cpu", memory_gb=0, bandwidth_gb_s=96, system_ram_bandwidth_gb_s=96, backend="cpu",
        name="desktop",
    )  # fmt: skip
    base = measurements()[0]
    runs = [
        replace(base, hardware=replace(cpu, system_ram_bandwidth_gb_s=bw), gpu_count=1,
                decode_tok_s=bw / 9.0, prefill_tok_s=None)
        for bw in (60, 70, 80, 90, 100, 110, 120, 130)
    ]  # fmt: skip
    fitted = fit_calibration(runs)
    group = fitted.decode_group(None, "cpu", "llama-cpp")
    assert group.key == "ggml/cpu/cpu"
    assert 0 < group.decode.bandwidth_efficiency <= 1


def _synthetic_prefill(factors: PrefillFactors, runs) -> list[Measurement]:
    """Runs with prompt speeds generated by the speed model itself."""
    synthetic = []
    for m in runs:
        seconds = prefill_seconds_per_token(
            measured_placement(m), m.setup, m.model, m.prompt, 512,
            lambda card: (None, factors), m.quant, m.depth,
        )  # fmt: skip
        synthetic.append(replace(m, prefill_tok_s=1 / seconds, decode_tok_s=None))
    return synthetic


def test_a_group_without_long_prompts_takes_attention_cost_from_a_broader_group():
    """The RX 9070 XT was measured on short prompts only, so its generation's group cannot tell
    attention's cost from the matrices'; the RDNA 3 cards' long prompts on ROCm can. Held out,
    the R9700 (the same RDNA 4 chip) at 16-32k tokens of depth must pay that attention cost."""
    truth = PrefillFactors(compute_efficiency=0.5, flops_per_byte=40.0, attention_slowdown=3.0)
    cards = {"rx-7900-xt", "rx-7900-gre", "rx-9070-xt", "radeon-ai-pro-r9700"}
    runs = [
        m
        for m in measurements()
        if m.hardware.name in cards and m.prefill_tok_s and m.backend == "rocm"
    ]
    synthetic = _synthetic_prefill(truth, runs)
    held_out = [m for m in synthetic if m.hardware.name == "radeon-ai-pro-r9700"]
    fitted = fit_calibration([m for m in synthetic if m.hardware.name != "radeon-ai-pro-r9700"])
    rdna4 = fitted.prefill_group(load_catalog().hardware["rx-9070-xt"], "rocm", "llama-cpp")
    assert rdna4.key == "ggml/rocm/discrete_gpu/rdna4"
    assert not rdna4.prefill.attention_fitted
    assert rdna4.prefill.attention_slowdown == pytest.approx(3.0, rel=1e-3)
    deep = [m for m in held_out if m.depth >= 16384]
    assert len(deep) >= 4
    for run in deep:
        predicted = predict(fitted, measurement_row(run)).prefill
        assert predicted == pytest.approx(run.prefill_tok_s, rel=0.02)


def test_prefill_fit_recovers_weight_paths_and_the_experts_slowdown():
    truth = PrefillFactors(
        compute_efficiency=0.5, flops_per_byte=40.0, quantized_slowdown=0.3, bf16_slowdown=0.8,
        moe_slowdown=2.0,
    )  # fmt: skip
    cards = {"rtx-3090", "rtx-4090", "ryzen-ai-max-plus-395", "radeon-ai-pro-r9700"}
    runs = [m for m in measurements() if m.hardware.name in cards and m.prefill_tok_s]
    assert {m.quant.name for m in runs} >= {"F16", "BF16", "Q4_K_M"}
    assert any(m.model.is_moe for m in runs) and any(not m.model.is_moe for m in runs)
    synthetic = _synthetic_prefill(truth, runs)
    fitted = fit_calibration(synthetic)
    assert fitted.prefill_moe_slowdown == 2.0
    assert fitted.compute_exponent == 1.0
    ampere = fitted.prefill_group(load_catalog().hardware["rtx-3090"], "cuda", "llama-cpp")
    assert ampere.prefill.compute_efficiency == pytest.approx(0.5, rel=1e-6)
    assert ampere.prefill.quantized_slowdown == pytest.approx(0.3, rel=1e-6)
    for run, row in zip(synthetic, map(measurement_row, synthetic), strict=True):
        assert predict(fitted, row).prefill == pytest.approx(run.prefill_tok_s, rel=1e-6)
