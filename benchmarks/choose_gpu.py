"""How long does "Choose my GPU" take as the catalog grows? Prints timings and their growth.

Reads the catalog's CSVs (catalog/data), fits the calibration from its benchmarks, and times
estimator.choose.choose() for three typical questions on the seeded catalog and on synthetic
catalogs 10x and 100x larger (hardware, models and quant formats copied with jittered specs and
prices, so no two rows are the same). The ranking is recomputed every run: nothing is cached.

    python benchmarks/choose_gpu.py [--repeat 5]
"""

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from estimator.calibration import fit_calibration  # noqa: E402
from estimator.choose import Candidate, Needs, Wanted, choose, quant_ladder  # noqa: E402
from estimator.specs import (  # noqa: E402
    hardware_from_row,
    measurement_from_row,
    model_from_row,
    quant_from_row,
)

DATA_DIR = ROOT / "catalog" / "data"
SCALES = (1, 10, 100)
QUESTIONS = [
    (
        "chat 8B + coding 32B, $1,500, 2 cards, used ok",
        dict(budget_usd=1500, max_gpus=2, used_allowed=True, min_tok_s=15),
        ["llama-3.1-8b", "qwen2.5-coder-32b"],
    ),
    ("70B class, $800, 1 card", dict(budget_usd=800), ["llama-3.3-70b"]),
    (
        "SDXL + FLUX, $2,500, any",
        dict(budget_usd=2500, used_allowed=True),
        ["sdxl-base-1.0", "flux.1-dev"],
    ),
]


def _rows(name):
    import csv

    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _number(value):
    return float(value) if value not in (None, "") else None


def seeded_catalog():
    vendors = {row["name"]: row["slug"] for row in _rows("vendors.csv")}
    candidates = []
    for row in _rows("hardware.csv"):
        price = _number(row["launch_msrp_usd"])
        candidates.append(
            Candidate(
                slug=row["slug"],
                name=row["name"],
                kind=row["kind"],
                vendor=vendors[row["vendor"]],
                spec=hardware_from_row(row),
                price_usd=price,
                price_basis="msrp" if price else "",
                tdp_w=int(row["tdp_w"]) if row["tdp_w"] else None,
                launch_year=int(row["launch_year"]) if row["launch_year"] else None,
                memory_gb=_number(row["memory_gb"]),
            )
        )
    models = {row["slug"]: (row["name"], model_from_row(row)) for row in _rows("models.csv")}
    quants = [
        (quant_from_row(row), _number(row["ppl_delta_llama3_8b"]))
        for row in _rows("quant_formats.csv")
    ]
    return candidates, models, quants


def synthetic(candidates, models, quants, scale, seed=1):
    """The catalog plus scale-1 jittered copies of every row."""
    rng = random.Random(seed)
    more_hw, more_models, more_quants = list(candidates), dict(models), list(quants)
    for copy in range(1, scale):
        for c in candidates:
            jitter = rng.uniform(0.85, 1.15)
            memory = c.spec.memory_gb * rng.choice((1, 1, 1.25, 1.5)) if c.spec.memory_gb else 0
            spec = replace(c.spec, bandwidth_gb_s=c.spec.bandwidth_gb_s * jitter, memory_gb=memory)
            more_hw.append(
                replace(
                    c,
                    slug=f"{c.slug}-s{copy}",
                    name=f"{c.name} (synthetic {copy})",
                    spec=spec,
                    memory_gb=memory or None,
                    price_usd=c.price_usd * rng.uniform(0.8, 1.2) if c.price_usd else None,
                )
            )
        for slug, (name, spec) in models.items():
            grown = replace(
                spec, params_b=spec.params_b * rng.uniform(0.9, 1.1), slug=f"{slug}-s{copy}"
            )
            more_models[grown.slug] = (f"{name} (synthetic {copy})", grown)
        for quant, ppl in quants:
            bits = quant.bits_per_weight * rng.uniform(0.97, 1.03)
            ppl = ppl * rng.uniform(0.95, 1.05) if ppl is not None else None
            more_quants.append(
                (replace(quant, name=f"{quant.name}-s{copy}", bits_per_weight=bits), ppl)
            )
    return more_hw, more_models, more_quants


def time_question(candidates, models, quants, calibration, options, slugs, repeat):
    wanted = tuple(Wanted(slug, models[slug][0], models[slug][1]) for slug in slugs)
    ladder = quant_ladder(quants, "Q4_K_M")
    needs = Needs(models=wanted, **options)
    seconds, choice = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        choice = choose(candidates, needs, ladder, calibration)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), choice, len(ladder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    candidates, models, quants = seeded_catalog()
    hardware = {c.slug: c.spec for c in candidates}
    measurements = [
        measurement_from_row(
            row, hardware, {s: m for s, (_n, m) in models.items()}, {q.name: q for q, _p in quants}
        )
        for row in _rows("benchmarks.csv")
    ]
    calibration = fit_calibration(measurements)
    columns = ("scale", "hardware", "ladder", "pairs", "ms", "growth")
    widths = (5, 8, 6, 6, 8, 7)
    print(
        f"{'question':<48} " + " ".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
    )
    for label, options, slugs in QUESTIONS:
        base = None
        for scale in SCALES:
            catalog = synthetic(candidates, models, quants, scale)
            seconds, choice, ladder = time_question(
                *catalog, calibration, options, slugs, args.repeat
            )
            base = base or seconds
            print(
                f"{label:<48} {scale:>4}x {len(catalog[0]):>8} {ladder:>6} {choice.evaluated:>6} "
                f"{seconds * 1000:>8.1f} {seconds / base:>6.1f}x"
            )
    print("pairs: configuration x model pairs evaluated (each a few engine runs); median of runs.")


if __name__ == "__main__":
    main()
